// The topic a client names in `$join`, `$leave` and `$presence`: checked the same way for all three, before the
// server subscribes, reads a history or touches a presence store for it.

import { MAX_PRESENCE_NAME } from "../presence/store.ts";
import { ProtocolError } from "./errors.ts";

/**
 * The longest topic a client may `$join`, `$leave` or follow: the presence bound, so a joined room can always be
 * present, and a client cannot make the server hold (or a store key) names of up to `maxPayloadLength`.
 */
export const MAX_TOPIC_LENGTH = MAX_PRESENCE_NAME;

/** A client's topic for the room events: a non-empty string, not reserved, not too long. */
export function checkTopic(topic: unknown): string | ProtocolError {
  if (typeof topic !== "string" || topic.length === 0) return new ProtocolError("INVALID_ENVELOPE", "data.topic must be a non-empty string");
  if (topic.length > MAX_TOPIC_LENGTH) return new ProtocolError("INVALID_ENVELOPE", `data.topic must be at most ${MAX_TOPIC_LENGTH} characters`);
  if (topic.startsWith("$")) return new ProtocolError("NOT_ALLOWED", `topic "${topic}" is reserved: names starting with "$" are bunwire's`);
  return topic;
}
