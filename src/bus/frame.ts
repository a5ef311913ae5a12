// The bytes every bus driver sends between instances. A 16-byte header, then the body:
//   0     kind (high nibble: format version 2, so an older bunwire ignores these frames instead of misreading them)
//   1     flags (compress, binary payload, hello, has topic)
//   2..9  sender instance id (8 random bytes): an instance drops its own publishes when the broker echoes them
//   10..15 sender's clock, ms since the epoch (48 bits): the receiver measures lag from it
// Bodies: message = payload; request = u32 id, u8 name length, name, [u16 topic length, topic], payload;
// reply = u32 id, u8 status, payload; heartbeat = u32 interval ms [, f64 probe stamp]; bye = nothing;
// batch = messages to one topic in publish order, each u8 flags (compress, binary), u32 length, payload.

import type { BusPayload } from "./contract.ts";

export const KIND_MESSAGE = 0x21;
export const KIND_REQUEST = 0x22;
export const KIND_REPLY = 0x23;
export const KIND_HEARTBEAT = 0x24;
export const KIND_BYE = 0x25;
/** Several messages to one topic from one instance, sent as one broker message (src/bus/batch.ts). */
export const KIND_BATCH = 0x26;

const FLAG_COMPRESS = 1;
const FLAG_BINARY = 2;
const FLAG_HELLO = 4;
const FLAG_TOPIC = 8;
/** A heartbeat that asks its receiver to send the stamp back (probe), or that sends it back (echo). */
const FLAG_PROBE = 16;
const FLAG_ECHO = 32;
export const HEADER = 16;

/** Reply statuses: data, nothing to report (no handler, no subscriber, `undefined`), the handler failed. */
export const REPLY_DATA = 0;
export const REPLY_NONE = 1;
export const REPLY_FAILED = 2;

/** 8 random bytes naming one bus instance (one process, one server). */
export function newInstanceId(): Buffer {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(8)));
}

function header(kind: number, flags: number, instance: Buffer, bodyLength: number): Buffer {
  const frame = Buffer.allocUnsafe(HEADER + bodyLength);
  frame[0] = kind;
  frame[1] = flags;
  instance.copy(frame, 2);
  frame.writeUIntBE(Date.now(), 10, 6);
  return frame;
}

function payloadLength(data: BusPayload): number {
  return typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
}

function writePayload(frame: Buffer, data: BusPayload, at: number): void {
  if (typeof data === "string") frame.write(data, at, "utf8");
  else frame.set(data, at);
}

/** The hot path: one allocation, the text written straight after the header. Throws on a non-payload. */
export function encodeMessage(instance: Buffer, data: BusPayload, compress: boolean): Buffer {
  const flags = (compress ? FLAG_COMPRESS : 0) | (typeof data === "string" ? 0 : FLAG_BINARY);
  const frame = header(KIND_MESSAGE, flags, instance, payloadLength(data));
  writePayload(frame, data, HEADER);
  return frame;
}

export interface RequestFrame {
  id: number;
  name: string;
  topic: string | undefined;
  data: BusPayload;
}

export function encodeRequest(instance: Buffer, request: RequestFrame): Buffer {
  const name = Buffer.from(request.name);
  const topic = request.topic === undefined ? undefined : Buffer.from(request.topic);
  const flags = (typeof request.data === "string" ? 0 : FLAG_BINARY) | (topic === undefined ? 0 : FLAG_TOPIC);
  const fixed = 5 + name.byteLength + (topic === undefined ? 0 : 2 + topic.byteLength);
  const frame = header(KIND_REQUEST, flags, instance, fixed + payloadLength(request.data));
  let at = HEADER;
  frame.writeUInt32BE(request.id >>> 0, at);
  frame[at + 4] = name.byteLength;
  name.copy(frame, at + 5);
  at += 5 + name.byteLength;
  if (topic !== undefined) {
    frame.writeUInt16BE(topic.byteLength, at);
    topic.copy(frame, at + 2);
    at += 2 + topic.byteLength;
  }
  writePayload(frame, request.data, at);
  return frame;
}

/** undefined for a truncated frame: whatever is malformed on our channels is ignored, never thrown. */
export function decodeRequest(frame: Buffer): RequestFrame | undefined {
  if (frame.byteLength < HEADER + 5) return undefined;
  const id = frame.readUInt32BE(HEADER);
  const nameEnd = HEADER + 5 + frame[HEADER + 4]!;
  if (frame.byteLength < nameEnd) return undefined;
  const name = frame.toString("utf8", HEADER + 5, nameEnd);
  let at = nameEnd;
  let topic: string | undefined;
  if ((frame[1]! & FLAG_TOPIC) !== 0) {
    if (frame.byteLength < at + 2) return undefined;
    const end = at + 2 + frame.readUInt16BE(at);
    if (frame.byteLength < end) return undefined;
    topic = frame.toString("utf8", at + 2, end);
    at = end;
  }
  return { id, name, topic, data: payloadAt(frame, at) };
}

export function encodeReply(instance: Buffer, id: number, status: number, data: BusPayload): Buffer {
  const frame = header(KIND_REPLY, typeof data === "string" ? 0 : FLAG_BINARY, instance, 5 + payloadLength(data));
  frame.writeUInt32BE(id >>> 0, HEADER);
  frame[HEADER + 4] = status;
  writePayload(frame, data, HEADER + 5);
  return frame;
}

export function decodeReply(frame: Buffer): { id: number; status: number; data: BusPayload } | undefined {
  if (frame.byteLength < HEADER + 5) return undefined;
  return { id: frame.readUInt32BE(HEADER), status: frame[HEADER + 4]!, data: payloadAt(frame, HEADER + 5) };
}

/** `hello`: the sender is new (or back), so every receiver answers with its own heartbeat straight away. */
export function encodeHeartbeat(instance: Buffer, intervalMs: number, hello: boolean): Buffer {
  const frame = header(KIND_HEARTBEAT, hello ? FLAG_HELLO : 0, instance, 4);
  frame.writeUInt32BE(intervalMs, HEADER);
  return frame;
}

/**
 * A heartbeat sent to one instance to time the round trip through the broker: `stamp` is the prober's
 * `performance.now()`, read back only by the prober (one clock, so no skew). An older bunwire reads a plain heartbeat.
 */
export function encodeProbe(instance: Buffer, intervalMs: number, stamp: number, echo: boolean): Buffer {
  const frame = header(KIND_HEARTBEAT, echo ? FLAG_ECHO : FLAG_PROBE, instance, 12);
  frame.writeUInt32BE(intervalMs, HEADER);
  frame.writeDoubleBE(stamp, HEADER + 4);
  return frame;
}

/** The probe a heartbeat carries, if any. */
export function probeOf(frame: Buffer): { echo: boolean; stamp: number } | undefined {
  if ((frame[1]! & (FLAG_PROBE | FLAG_ECHO)) === 0 || frame.byteLength < HEADER + 12) return undefined;
  return { echo: (frame[1]! & FLAG_ECHO) !== 0, stamp: frame.readDoubleBE(HEADER + 4) };
}

export function heartbeatInterval(frame: Buffer): number {
  return frame.byteLength >= HEADER + 4 ? frame.readUInt32BE(HEADER) : 0;
}

export function isHello(frame: Buffer): boolean {
  return (frame[1]! & FLAG_HELLO) !== 0;
}

export function encodeBye(instance: Buffer): Buffer {
  return header(KIND_BYE, 0, instance, 0);
}

/** True when `frame` was sent by `instance` (compares the 8 id bytes without allocating). */
export function sentBy(frame: Buffer, instance: Buffer): boolean {
  return frame.readUInt32BE(2) === instance.readUInt32BE(0) && frame.readUInt32BE(6) === instance.readUInt32BE(4);
}

/** The sender's instance id as hex (allocates: not for the message path). */
export function senderOf(frame: Buffer): string {
  return frame.toString("hex", 2, 10);
}

/** The sender's clock when it built the frame (ms since the epoch). */
export function sentAt(frame: Buffer): number {
  return frame.readUIntBE(10, 6);
}

function payloadAt(frame: Buffer, at: number): BusPayload {
  if ((frame[1]! & FLAG_BINARY) !== 0) return new Uint8Array(frame.buffer, frame.byteOffset + at, frame.byteLength - at);
  return frame.toString("utf8", at);
}

export function payloadOf(frame: Buffer): BusPayload {
  return payloadAt(frame, HEADER);
}

export function compressOf(frame: Buffer): boolean {
  return (frame[1]! & FLAG_COMPRESS) !== 0;
}

/** A well-formed frame is at least a header long and of a known kind; anything else (0) is ignored. */
export function kindOf(frame: Buffer): number {
  return frame.byteLength >= HEADER ? frame[0]! : 0;
}

/** One batch frame from message frames to one topic (oldest first): one allocation, each payload copied once. */
export function encodeBatch(instance: Buffer, frames: readonly Buffer[]): Buffer {
  let body = 0;
  for (const frame of frames) body += 5 + frame.byteLength - HEADER;
  const batch = header(KIND_BATCH, 0, instance, body);
  let at = HEADER;
  for (const frame of frames) {
    const length = frame.byteLength - HEADER;
    batch[at] = frame[1]! & (FLAG_COMPRESS | FLAG_BINARY);
    batch.writeUInt32BE(length, at + 1);
    frame.copy(batch, at + 5, HEADER);
    at += 5 + length;
  }
  return batch;
}

/**
 * Calls `deliver` for each message of a batch frame, in order; returns how many. A truncated entry ends the
 * walk (what came before it is delivered): malformed frames are ignored, never thrown.
 */
export function eachInBatch(batch: Buffer, deliver: (data: BusPayload, compress: boolean) => void): number {
  let at = HEADER;
  let count = 0;
  while (at + 5 <= batch.byteLength) {
    const flags = batch[at]!;
    const end = at + 5 + batch.readUInt32BE(at + 1);
    if (end > batch.byteLength) break;
    const data: BusPayload = (flags & FLAG_BINARY) !== 0 ? new Uint8Array(batch.buffer, batch.byteOffset + at + 5, end - at - 5) : batch.toString("utf8", at + 5, end);
    deliver(data, (flags & FLAG_COMPRESS) !== 0);
    count++;
    at = end;
  }
  return count;
}
