// The bytes one bus message carries between instances: a 10-byte header (kind, flags, sender instance id)
// then the body. The sender id lets an instance drop its own publishes when Redis echoes them back.

import type { BusPayload } from "../engine/bus.ts";

export const KIND_MESSAGE = 1;
export const KIND_COUNT_REQUEST = 2;
export const KIND_COUNT_REPLY = 3;

const FLAG_COMPRESS = 1;
const FLAG_BINARY = 2;
export const HEADER = 10;

/** 8 random bytes naming one bus instance (one process, one server). */
export function newInstanceId(): Buffer {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(8)));
}

function header(kind: number, flags: number, instance: Buffer, bodyLength: number): Buffer {
  const frame = Buffer.allocUnsafe(HEADER + bodyLength);
  frame[0] = kind;
  frame[1] = flags;
  instance.copy(frame, 2);
  return frame;
}

export function encodeMessage(instance: Buffer, data: BusPayload, compress: boolean): Buffer {
  const flags = compress ? FLAG_COMPRESS : 0;
  if (typeof data === "string") {
    // One allocation: write the UTF-8 text straight after the header.
    const frame = header(KIND_MESSAGE, flags, instance, Buffer.byteLength(data));
    frame.write(data, HEADER, "utf8");
    return frame;
  }
  const frame = header(KIND_MESSAGE, flags | FLAG_BINARY, instance, data.byteLength);
  frame.set(data, HEADER);
  return frame;
}

export function encodeCountRequest(instance: Buffer, requestId: number): Buffer {
  const frame = header(KIND_COUNT_REQUEST, 0, instance, 4);
  frame.writeUInt32BE(requestId, HEADER);
  return frame;
}

export function encodeCountReply(instance: Buffer, requestId: number, count: number): Buffer {
  const frame = header(KIND_COUNT_REPLY, 0, instance, 8);
  frame.writeUInt32BE(requestId, HEADER);
  frame.writeUInt32BE(count, HEADER + 4);
  return frame;
}

/** True when `frame` was sent by `instance` (compares the 8 id bytes without allocating). */
export function sentBy(frame: Buffer, instance: Buffer): boolean {
  return frame.readUInt32BE(2) === instance.readUInt32BE(0) && frame.readUInt32BE(6) === instance.readUInt32BE(4);
}

export function senderOf(frame: Buffer): Buffer {
  return frame.subarray(2, HEADER);
}

export function payloadOf(frame: Buffer): BusPayload {
  if ((frame[1]! & FLAG_BINARY) !== 0) return new Uint8Array(frame.buffer, frame.byteOffset + HEADER, frame.byteLength - HEADER);
  return frame.toString("utf8", HEADER);
}

export function compressOf(frame: Buffer): boolean {
  return (frame[1]! & FLAG_COMPRESS) !== 0;
}

/** A well-formed frame is at least a header long and of a known kind; anything else on our channels is ignored. */
export function kindOf(frame: Buffer): number {
  return frame.byteLength >= HEADER ? frame[0]! : 0;
}
