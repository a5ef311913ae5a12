// The reserved room events: `$join` (subscribe, replaying what the client missed from the topic history)
// and `$leave`. Topics starting with "$" are the framework's own and cannot be joined by clients.

import type { ServerWebSocket } from "bun";
import type { TopicHistory } from "../engine/history.ts";
import type { HandleOptions } from "./define.ts";
import { ProtocolError } from "./errors.ts";
import { withOffset, type JoinResult } from "./envelope.ts";
import { rejectInput, sendAck, type ProtocolSocket } from "./reply.ts";

export interface JoinRequest {
  topic: string;
  offset?: string;
}


/** A TopicHistory that can also tell a topic's latest offset (optional: MemoryHistory does). */
export type RoomHistory = TopicHistory & { last?(topic: string): Promise<string> };

export interface RoomContext {
  rooms: HandleOptions<unknown>["rooms"];
  history: RoomHistory | undefined;
  closeOnInvalid: boolean;
}

function checkJoin(data: unknown, withOffsetField: boolean): JoinRequest | ProtocolError {
  if (data === null || typeof data !== "object") return new ProtocolError("INVALID_ENVELOPE", "expected data { topic: string }");
  const { topic, offset } = data as { topic?: unknown; offset?: unknown };
  if (typeof topic !== "string" || topic.length === 0) return new ProtocolError("INVALID_ENVELOPE", "data.topic must be a non-empty string");
  if (withOffsetField && offset !== undefined && typeof offset !== "string") return new ProtocolError("INVALID_ENVELOPE", "data.offset must be a string");
  if (topic.startsWith("$")) return new ProtocolError("NOT_ALLOWED", `topic "${topic}" is reserved`);
  return { topic, offset: offset as string | undefined };
}

export function join(ws: ProtocolSocket, data: unknown, id: number | undefined, binary: boolean, context: RoomContext): void | Promise<void> {
  const request = checkJoin(data, true);
  if (request instanceof ProtocolError) return rejectInput(ws, id, binary, request, context.closeOnInvalid);
  const rooms = context.rooms;
  if (rooms === undefined || rooms === false) {
    return rejectInput(ws, id, binary, new ProtocolError("NOT_ALLOWED", "this route does not let clients join topics (handle option `rooms`)"), context.closeOnInvalid);
  }
  if (rooms === true && (context.history === undefined || (request.offset === undefined && typeof context.history.last !== "function"))) {
    ws.subscribe(request.topic);
    if (id !== undefined) sendAck(ws, id, { recovered: request.offset === undefined, missed: 0 }, binary);
    return;
  }
  return joinAsync(ws, request, id, binary, context);
}

async function joinAsync(ws: ProtocolSocket, request: JoinRequest, id: number | undefined, binary: boolean, context: RoomContext): Promise<void> {
  const rooms = context.rooms;
  if (typeof rooms === "function" && !(await rooms(ws as ServerWebSocket<never>, request.topic))) {
    return rejectInput(ws, id, binary, new ProtocolError("NOT_ALLOWED", `not allowed to join "${request.topic}"`), context.closeOnInvalid);
  }
  let result: JoinResult = { recovered: request.offset === undefined, missed: 0 };
  if (request.offset !== undefined && context.history !== undefined) {
    const replay = await historyCall(context.history.since(request.topic, request.offset), request.topic);
    // Subscribe and replay in the same tick: nothing published in between can be missed or reordered here.
    ws.subscribe(request.topic);
    if (replay === undefined) {
      result = { recovered: false, missed: 0 }; // the history is unavailable: live from now on, the app resyncs
    } else {
      for (const entry of replay.entries) ws.send(withOffset(entry.payload, request.topic, entry.offset));
      result = { recovered: replay.recovered, missed: replay.entries.length };
    }
  } else if (context.history?.last !== undefined) {
    // A first join learns the topic's current offset, so a reconnect before any event still recovers.
    const offset = await historyCall(context.history.last(request.topic), request.topic);
    ws.subscribe(request.topic);
    result = offset === undefined ? { recovered: true, missed: 0 } : { recovered: true, missed: 0, offset };
  } else {
    ws.subscribe(request.topic);
  }
  if (id !== undefined) sendAck(ws, id, result, binary);
}

/** A failing history (its store is down) must not fail the join: the caller goes on without it. */
async function historyCall<T>(pending: Promise<T>, topic: string): Promise<T | undefined> {
  try {
    return await pending;
  } catch (error) {
    console.error(`[bunwire] history unavailable for topic "${topic}":`, error);
    return undefined;
  }
}

export function leave(ws: ProtocolSocket, data: unknown, id: number | undefined, binary: boolean, context: RoomContext): void {
  const request = checkJoin(data, false);
  if (request instanceof ProtocolError) return rejectInput(ws, id, binary, request, context.closeOnInvalid);
  ws.unsubscribe(request.topic);
  if (id !== undefined) sendAck(ws, id, true, binary);
}
