// RFC 6455 framing for the load generator: pre-built masked client frames, the handshake request
// and its expected Sec-WebSocket-Accept, and a tiny frame reader used only outside the hot path
// (handshake preambles and one calibration frame). The hot path never parses frames: it counts bytes.

import { createHash } from "node:crypto";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** One fixed key for every connection: servers only hash it, and a fixed key lets us precompute the accept. */
export const HANDSHAKE_KEY = "YnVud2lyZS1iZW5jaC0xNg=="; // base64 of the 16 bytes "bunwire-bench-16"
export const HANDSHAKE_ACCEPT = acceptFor(HANDSHAKE_KEY);

export function acceptFor(key: string): string {
  return createHash("sha1").update(key + GUID).digest("base64");
}

export interface HandshakeOptions {
  host: string;
  path: string;
  headers?: Record<string, string>;
}

export function handshakeRequest(o: HandshakeOptions): Uint8Array {
  let text =
    `GET ${o.path} HTTP/1.1\r\nHost: ${o.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${HANDSHAKE_KEY}\r\nSec-WebSocket-Version: 13\r\n`;
  for (const [k, v] of Object.entries(o.headers ?? {})) text += `${k}: ${v}\r\n`;
  return new TextEncoder().encode(text + "\r\n");
}

export class HandshakeError extends Error {
  readonly code = "HANDSHAKE_FAILED";
  constructor(message: string) {
    super(message);
    this.name = "HandshakeError";
  }
}

/**
 * Checks a complete response head (up to and excluding the blank line): status 101 and the right accept.
 * Throws HandshakeError with the status line otherwise.
 */
export function checkHandshakeResponse(head: string): void {
  const firstLine = head.slice(0, head.indexOf("\r\n"));
  if (!/^HTTP\/1\.1 101 /.test(firstLine)) throw new HandshakeError(`expected 101, got "${firstLine}"`);
  const m = /\r\nsec-websocket-accept:\s*([^\r]+)/i.exec(head);
  if (!m || m[1]!.trim() !== HANDSHAKE_ACCEPT) throw new HandshakeError(`bad Sec-WebSocket-Accept: ${m?.[1] ?? "missing"}`);
}

/** A masked client text frame. The mask is fixed: servers must unmask, none may reject a reused key. */
export function maskedTextFrame(text: string): Uint8Array {
  const payload = new TextEncoder().encode(text);
  const n = payload.length;
  const headLen = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = new Uint8Array(headLen + 4 + n);
  out[0] = 0x81; // FIN + text
  if (n < 126) out[1] = 0x80 | n;
  else if (n < 65536) {
    out[1] = 0x80 | 126;
    out[2] = n >> 8;
    out[3] = n & 0xff;
  } else throw new RangeError("bench frames stay under 64 KiB");
  const mask = [0x37, 0xfa, 0x21, 0x3d];
  out.set(mask, headLen);
  for (let i = 0; i < n; i++) out[headLen + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return out;
}

/** Concatenates `frames` (cycled) into one buffer of `count` frames, so a refill is one subarray + one write. */
export function frameBatch(frames: Uint8Array[], count: number): { buf: Uint8Array; offsets: number[] } {
  const total = Array.from({ length: count }, (_, i) => frames[i % frames.length]!.length).reduce((a, b) => a + b, 0);
  const buf = new Uint8Array(total);
  const offsets = [0];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const f = frames[i % frames.length]!;
    buf.set(f, at);
    at += f.length;
    offsets.push(at);
  }
  return { buf, offsets };
}

export interface ServerFrame {
  opcode: number;
  payload: Uint8Array;
  /** header + payload bytes on the wire */
  size: number;
}

/** Reads one unmasked server frame from the start of `buf`, or returns null if it is incomplete. */
export function readServerFrame(buf: Uint8Array): ServerFrame | null {
  if (buf.length < 2) return null;
  const opcode = buf[0]! & 0x0f;
  let len = buf[1]! & 0x7f;
  let at = 2;
  if (len === 126) {
    if (buf.length < 4) return null;
    len = (buf[2]! << 8) | buf[3]!;
    at = 4;
  } else if (len === 127) {
    if (buf.length < 10) return null;
    len = Number(new DataView(buf.buffer, buf.byteOffset + 2, 8).getBigUint64(0));
    at = 10;
  }
  if (buf[1]! & 0x80) at += 4; // servers do not mask; tolerate it anyway
  if (buf.length < at + len) return null;
  return { opcode, payload: buf.subarray(at, at + len), size: at + len };
}
