// Sends acks, errors and events to one socket in the codec it speaks: JSON text frames, or MessagePack binary
// frames once the socket has sent one. Applies the route's invalid-input policy (reply, or close 1007/1008).

import type { ServerWebSocket } from "bun";
import { BunwireError } from "../engine/errors.ts";
import { countSent } from "../engine/traffic.ts";
import { ProtocolError } from "./errors.ts";
import { errorEnvelope, serializeAck, serializeError, serializeEvent, type WireError } from "./envelope.ts";
import { encodeMsgpack } from "./msgpack.ts";

/** Marks a socket that speaks MessagePack; a symbol so user code replacing `ws.data` cannot lose it. */
export const SPEAKS_MSGPACK = Symbol("bunwire.msgpack");

export type ProtocolSocket = ServerWebSocket<unknown> & { [SPEAKS_MSGPACK]?: boolean };

export function sendAck(ws: ProtocolSocket, id: number, value: unknown, binary: boolean): void {
  let frame: string | Uint8Array;
  try {
    frame = binary ? encodeMsgpack({ id, ack: value === undefined ? null : value }) : serializeAck(id, value);
  } catch (error) {
    sendError(ws, id, binary, { code: "HANDLER_ERROR", message: `ack is not serialisable: ${(error as Error).message}` });
    return;
  }
  countSent(ws, frame, ws.send(frame));
}

/** The reply to a request-less message whose handler returned a value (gateways): `{ event, data }`. */
export function sendReply(ws: ProtocolSocket, event: string, value: unknown, binary: boolean): void {
  let frame: string | Uint8Array;
  try {
    frame = binary ? encodeMsgpack({ event, data: value }) : serializeEvent(event, value);
  } catch (error) {
    sendError(ws, undefined, binary, { code: "HANDLER_ERROR", message: `reply is not serialisable: ${(error as Error).message}` }, event);
    return;
  }
  countSent(ws, frame, ws.send(frame));
}

/** `{ id, error }` for a request, else `{ event: "$error", error: { ..., event } }` naming the failed event if known. */
export function sendError(ws: ProtocolSocket, id: number | undefined, binary: boolean, error: WireError, event?: string): void {
  const frame = binary ? encodeMsgpack(errorEnvelope(id, error, event)) : serializeError(id, error, event);
  countSent(ws, frame, ws.send(frame));
}

/** Bad input: reply with the error, or close with its close code when the policy says so. */
export function rejectInput(ws: ProtocolSocket, id: number | undefined, binary: boolean, error: ProtocolError, close: boolean, event?: string): void {
  if (close && error.closeCode !== undefined) {
    // A close reason is at most 123 bytes.
    ws.close(error.closeCode, error.message.slice(0, 120));
    return;
  }
  sendError(ws, id, binary, error, event);
}

export function sendEvent(ws: ProtocolSocket, event: string, data: unknown): number {
  const frame = ws[SPEAKS_MSGPACK] === true ? encodeMsgpack({ event, data }) : serializeEvent(event, data);
  return countSent(ws, frame, ws.send(frame));
}

/**
 * What a thrown value becomes on the wire. Only bunwire's errors speak for themselves (a `BunwireError` or
 * `ProtocolError`, with the code and message you gave it); anything else may carry internals (a SQL message, a
 * path), so it becomes HANDLER_ERROR with a message that says only which event failed.
 */
export function toWireError(thrown: unknown, event: string): WireError {
  if (thrown instanceof BunwireError) {
    const wire: WireError = { code: thrown.code, message: thrown.message };
    if (thrown instanceof ProtocolError && thrown.issues !== undefined) wire.issues = thrown.issues;
    return wire;
  }
  return { code: "HANDLER_ERROR", message: `the handler of "${event}" failed` };
}
