// Sends acks, errors and events to one socket in the codec it speaks: JSON text frames, or MessagePack binary
// frames once the socket has sent one. Applies the app's invalid-input policy (reply, or close 1007/1008).

import type { ServerWebSocket } from "bun";
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
  ws.send(frame);
}

export function sendError(ws: ProtocolSocket, id: number | undefined, binary: boolean, error: WireError, event?: string): void {
  ws.send(binary ? encodeMsgpack(errorEnvelope(id, error, event)) : serializeError(id, error, event));
}

/** Bad input: reply with the error, or close with its close code when the policy says so. */
export function rejectInput(ws: ProtocolSocket, id: number | undefined, binary: boolean, error: ProtocolError, close: boolean): void {
  if (close && error.closeCode !== undefined) {
    // A close reason is at most 123 bytes.
    ws.close(error.closeCode, error.message.slice(0, 120));
    return;
  }
  sendError(ws, id, binary, error, undefined);
}

export function sendEvent(ws: ProtocolSocket, event: string, data: unknown): number {
  return ws[SPEAKS_MSGPACK] === true ? ws.send(encodeMsgpack({ event, data })) : ws.send(serializeEvent(event, data));
}

/** What a thrown value becomes on the wire: its own string `code` if it has one (ProtocolError, BunwireError). */
export function toWireError(thrown: unknown): WireError {
  if (thrown instanceof Error) {
    const code = (thrown as { code?: unknown }).code;
    const wire: WireError = { code: typeof code === "string" ? code : "HANDLER_ERROR", message: thrown.message };
    if (thrown instanceof ProtocolError && thrown.issues !== undefined) wire.issues = thrown.issues;
    return wire;
  }
  return { code: "HANDLER_ERROR", message: typeof thrown === "string" ? thrown : "handler failed" };
}
