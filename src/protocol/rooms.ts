// The reserved room events: `$join` (subscribe, then replay what the client missed from the topic history) and
// `$leave`. Topics starting with "$" are the framework's own and cannot be joined by clients, topics are at most
// `MAX_TOPIC_LENGTH` characters (topic-name.ts), and a connection holds at most `maxRooms` joins.
//
// Order of a join with a history: subscribe, wait until the bus delivers the topic to this instance, and only
// then read the history. Every event is then either in the replay or delivered live (or both: the overlap carries
// the same sequence numbers, and the client keeps one copy, in order). Reading first would lose the events
// published between the read and a live subscription.

import type { ServerWebSocket } from "bun";
import type { TopicHistory } from "../engine/history.ts";
import { whenSubscribed } from "../engine/topics.ts";
import { countRecovery, countSent, logAbout } from "../engine/traffic.ts";
import { ProtocolError } from "./errors.ts";
import { withPosition, type JoinResult } from "./envelope.ts";
import type { RoomPolicy } from "./handle-types.ts";
import { latestPositions } from "./positions.ts";
import type { RoomPresence } from "./presence.ts";
import { checkTopic } from "./topic-name.ts";
import { rejectInput, sendAck, type ProtocolSocket } from "./reply.ts";

export interface RoomContext {
  readonly rooms: RoomPolicy<unknown> | undefined;
  readonly history: TopicHistory | undefined;
  readonly maxRooms: number;
  readonly closeOnInvalid: boolean;
  /** Presence (`handle({ presence })`): a joined connection's user is present before the ack, until it leaves. */
  readonly presence?: RoomPresence;
}

interface JoinRequest {
  topic: string;
  offset: string | undefined;
  /** The sequence number that goes with `offset` (the client's last event), when the client says. */
  seq: number | undefined;
}

/** The topics this socket joined through `$join`, for the per-connection cap. */
const JOINED = Symbol("bunwire.joined");
type RoomSocket = ProtocolSocket & { [JOINED]?: Set<string> };

function checkJoin(data: unknown, withOffsetField: boolean): JoinRequest | ProtocolError {
  if (data === null || typeof data !== "object") return new ProtocolError("INVALID_ENVELOPE", "expected data { topic: string }");
  const { topic, offset, seq } = data as { topic?: unknown; offset?: unknown; seq?: unknown };
  if (withOffsetField && offset !== undefined && typeof offset !== "string") return new ProtocolError("INVALID_ENVELOPE", "data.offset must be a string");
  if (withOffsetField && seq !== undefined && !Number.isSafeInteger(seq)) return new ProtocolError("INVALID_ENVELOPE", "data.seq must be an integer");
  const checked = checkTopic(topic);
  if (checked instanceof ProtocolError) return checked;
  return { topic: checked, offset: offset as string | undefined, seq: seq as number | undefined };
}

export function join(ws: RoomSocket, data: unknown, id: number | undefined, binary: boolean, context: RoomContext): void | Promise<void> {
  const request = checkJoin(data, true);
  if (request instanceof ProtocolError) return rejectInput(ws, id, binary, request, context.closeOnInvalid, "$join");
  const rooms = context.rooms;
  if (rooms === undefined || rooms === false) {
    return rejectInput(ws, id, binary, new ProtocolError("NOT_ALLOWED", "this route does not let clients join topics (handle option `rooms`)"), context.closeOnInvalid, "$join");
  }
  return joinAsync(ws, request, id, binary, context);
}

async function joinAsync(ws: RoomSocket, request: JoinRequest, id: number | undefined, binary: boolean, context: RoomContext): Promise<void> {
  const { topic } = request;
  const rooms = context.rooms;
  if (typeof rooms === "function" && !(await rooms(ws as ServerWebSocket<never>, topic))) {
    return rejectInput(ws, id, binary, new ProtocolError("NOT_ALLOWED", `not allowed to join "${topic}"`), context.closeOnInvalid, "$join");
  }
  if (ws.readyState !== 1) return;
  const joined = (ws[JOINED] ??= new Set());
  if (!joined.has(topic)) {
    if (joined.size >= context.maxRooms) {
      const error = new ProtocolError("TOO_MANY_ROOMS", `this connection already joined ${context.maxRooms} topics (handle option \`maxRooms\`); $leave one first`);
      return rejectInput(ws, id, binary, error, context.closeOnInvalid, "$join");
    }
    joined.add(topic);
  }
  ws.subscribe(topic);
  await whenSubscribed(ws, topic);
  const result = await recover(ws, request, context.history);
  if (context.presence !== undefined) await context.presence.entered(ws, topic);
  if (id !== undefined && ws.readyState === 1) sendAck(ws, id, result, binary);
}

/**
 * Sends what the client missed (with a history) and says where it stands. Runs after the live subscription. The
 * positions handed out are noted (src/protocol/positions.ts): an event this instance later fails to record is
 * stamped at or past them, so this client, placed there by the history, still takes it.
 */
async function recover(ws: RoomSocket, { topic, offset, seq }: JoinRequest, history: TopicHistory | undefined): Promise<JoinResult> {
  if (history === undefined) return { recovered: offset === undefined, missed: 0 };
  const latest = latestPositions(history);
  if (offset !== undefined) {
    const replay = await historyCall(history.since(topic, offset), topic, ws);
    countRecovery(ws, replay?.recovered === true);
    if (replay?.recovered === true) {
      // The client's own position is genuine for this history: it stands there, or at the last entry replayed.
      if (seq !== undefined) latest.note(topic, seq);
      for (const entry of replay.entries) {
        const frame = withPosition(entry.payload, topic, entry.offset, entry.seq);
        countSent(ws, frame, ws.send(frame));
      }
      const last = replay.entries.at(-1);
      if (last !== undefined) latest.note(topic, last.seq);
      return { recovered: true, missed: replay.entries.length };
    }
    // Impossible recovery (trimmed, another history, or the history is down): replay nothing, since a partial
    // tail would look complete, and hand the client the current position to resume from after it resyncs.
  }
  const position = await historyCall(history.last(topic), topic, ws);
  const result: JoinResult = { recovered: offset === undefined, missed: 0 };
  if (position !== undefined) {
    result.offset = position.offset;
    result.seq = position.seq;
    latest.note(topic, position.seq);
  }
  return result;
}

/** A failing history (its store is down) must not fail the join: the caller goes on without it. */
async function historyCall<T>(pending: Promise<T>, topic: string, ws: RoomSocket): Promise<T | undefined> {
  try {
    return await pending;
  } catch (error) {
    logAbout(ws, "error", { err: error, code: "HISTORY_UNAVAILABLE", topic }, `[bunwire] history unavailable for topic "${topic}":`);
    return undefined;
  }
}

export function leave(ws: RoomSocket, data: unknown, id: number | undefined, binary: boolean, context: RoomContext): void {
  const request = checkJoin(data, false);
  if (request instanceof ProtocolError) return rejectInput(ws, id, binary, request, context.closeOnInvalid, "$leave");
  ws[JOINED]?.delete(request.topic);
  ws.unsubscribe(request.topic);
  context.presence?.left(ws, request.topic);
  if (id !== undefined) sendAck(ws, id, true, binary);
}
