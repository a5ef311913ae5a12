// bunwire/client: the typed, reconnecting WebSocket client for browsers, Bun and Node >= 22.
// It imports the protocol declaration only (schemas and types), never server code.

import type { AnyProtocol } from "../protocol/define.ts";
import { Client } from "./client.ts";
import { ClientError } from "./errors.ts";
import { resolveOptions, type ClientOptions, type WebSocketConstructor } from "./options.ts";

/** Opens a typed connection: `connect<typeof chat>("ws://host/chat")`. It starts connecting at once. */
export function connect<P extends AnyProtocol>(url: string, options: ClientOptions = {}): Client<P> {
  if (typeof url !== "string" || url.length === 0) throw new ClientError("INVALID_OPTIONS", "connect(url): url must be a non-empty string");
  const resolved = resolveOptions(options, (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket, url);
  if (typeof resolved === "string") throw new ClientError(resolved.startsWith("no WebSocket") ? "NO_WEBSOCKET" : "INVALID_OPTIONS", resolved);
  return new Client<P>(url, resolved);
}

export { Client } from "./client.ts";
export type { EventMeta, RequestOptions } from "./client.ts";
export { ClientError, RequestError } from "./errors.ts";
// The base of both, and what a `client.onRequest` handler throws to answer with its own code (answers.ts).
export { BunwireError } from "../engine/errors.ts";
export { RoomPresence } from "./presence.ts";
export type { PresenceChange, PresenceMeta } from "./presence.ts";
export type { ClientErrorCode, RequestIssue } from "./errors.ts";
export { reconnectDelay } from "./options.ts";
export type { ClientCodec, ClientOptions, ClientState, HeartbeatOptions, ReconnectOptions, WebSocketConstructor } from "./options.ts";
export type { OffsetStorage, PersistOffsetsOptions } from "./saved-offsets.ts";
export { defineProtocol, Protocol } from "../protocol/define.ts";
export type { AckOf, AnyProtocol, ClientEvents, ClientPayload, EventMap, ProtocolSpec, ReplyInput, ReplyMap, ServerEvents, ServerPayload, ServerRequests } from "../protocol/define.ts";
export type { JoinResult } from "../protocol/envelope.ts";
