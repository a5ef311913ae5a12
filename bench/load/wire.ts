// What each wire flavour sends and expects: plain WebSocket text frames, or Socket.IO's
// engine.io/socket.io packets carried in the same frames (so the one generator drives every server).

import { frameBatch, maskedTextFrame } from "./frame.ts";
import type { WireConn } from "./conn.ts";

export type Wire = "plain" | "socketio";
export type Kind = "echo" | "publish" | "rpc";

/** The fixed 64-byte text payload of echo and fan-out. */
export const PAYLOAD = ("bunwire-bench:" + "x".repeat(64)).slice(0, 64);
/** Request ids stay four digits wide, so every ack has the same size and bytes turn into acks exactly. */
const RPC_IDS = 32;
export const RPC_A = 20;
export const RPC_B = 22;

function requestText(wire: Wire, kind: Kind, i: number): string {
  const id = 1000 + (i % RPC_IDS);
  if (wire === "socketio") {
    if (kind === "echo") return `42["echo","${PAYLOAD}"]`;
    if (kind === "publish") return `42["pub","${PAYLOAD}"]`;
    return `42${id}["add",{"a":${RPC_A},"b":${RPC_B}}]`; // socket.io EVENT with ack id = emit-with-ack
  }
  if (kind === "rpc") return `{"event":"add","data":{"a":${RPC_A},"b":${RPC_B}},"id":${id}}`;
  return PAYLOAD;
}

/**
 * Keyed requests (rpc, plain wire) as bunwire's client sends them: the connection's first request carries the string
 * key `<scope>:<n>` with `"keys":"id"` (n its id), which names its client; once it is acked a request's id is its key,
 * with no key field (docs/PROTOCOL.md). With `strings`, every key is `"key":"<scope>:<n>"` (a client that never
 * names its client). Keys are of fixed width (10 digits), so the frames of a batch keep one size and `stamp` rewrites
 * only the digits, in place, before each write. `scope` must be fixed-width too and new for each run (a server keeps
 * keys for minutes).
 */
export class KeyedFrames {
  readonly batch: Uint8Array;
  readonly offsets: number[];
  private readonly size: number;
  /** Where the digits start in each frame's masked payload, and the mask byte that covers each digit. */
  private readonly digitsAt: number;
  private readonly mask: number[];
  private next = 1_000_000_000;

  constructor(private readonly scope: string, count: number, private readonly strings = false) {
    const frames = Array.from({ length: RPC_IDS }, (_, i) => maskedTextFrame(this.text(1000 + i, this.next)));
    const { buf, offsets } = frameBatch(frames, count);
    this.batch = buf;
    this.offsets = offsets;
    this.size = frames[0]!.length;
    const text = this.text(1000, this.next);
    const payloadAt = this.size - text.length;
    const textAt = text.length - (strings ? 12 : 11); // the 10 digits before `"}` or `}`
    this.digitsAt = payloadAt + textAt;
    const maskAt = payloadAt - 4;
    this.mask = Array.from({ length: 10 }, (_, d) => frames[0]![maskAt + ((textAt + d) & 3)]!);
  }

  /** The request id of the connection's first request (set by `first()`), which its reply carries. */
  firstId = 1000;

  /** The connection's first request, keyed by string: it names the client its later ids are keys of. */
  first(): Uint8Array {
    const n = this.next++;
    if (this.strings) return maskedTextFrame(keyedText(1000, `"key":"${this.scope}:${n}"`));
    this.firstId = n;
    return maskedTextFrame(keyedText(n, `"key":"${this.scope}:${n}","keys":"id"`));
  }

  /** Gives the first `count` frames of the batch fresh keys. */
  stamp(count: number): void {
    for (let f = 0; f < count; f++) {
      let n = this.next++;
      const at = f * this.size + this.digitsAt;
      for (let d = 9; d >= 0; d--, n = Math.floor(n / 10)) this.batch[at + d] = (48 + (n % 10)) ^ this.mask[d]!;
    }
  }

  /** A request keyed `n`: by its string, or (the id then being n) by its id alone. */
  private text(id: number, n: number): string {
    return this.strings ? keyedText(id, `"key":"${this.scope}:${n}"`) : keyedText(n);
  }
}

/** `key`: the key's fields, as `"key":"<client>:<n>"`; none when the id is the key. */
function keyedText(id: number, key?: string): string {
  return `{"event":"add","data":{"a":${RPC_A},"b":${RPC_B}},"id":${id}${key === undefined ? "" : `,${key}`}}`;
}

/** The distinct frames a connection cycles through. */
export function requestFrames(wire: Wire, kind: Kind): Uint8Array[] {
  const n = kind === "rpc" ? RPC_IDS : 1;
  return Array.from({ length: n }, (_, i) => maskedTextFrame(requestText(wire, kind, i)));
}

/** A publish of `text` in this wire (the latency probe's timestamped messages), and how it is delivered. */
export function publishText(wire: Wire, text: string): string {
  return wire === "socketio" ? `42["pub","${text}"]` : text;
}
export function deliveredText(wire: Wire, text: string): string {
  return wire === "socketio" ? `42["m","${text}"]` : text;
}

/** Is `text` the right reply to request 0 of `kind` (with request id `id`)? Checked once per connection during calibration. */
export function replyMatches(wire: Wire, kind: Kind, text: string, id = 1000): boolean {
  const sum = RPC_A + RPC_B;
  if (wire === "socketio") {
    if (kind === "rpc") return text === `431000[${sum}]`;
    return text === `42["${kind === "echo" ? "echo" : "m"}","${PAYLOAD}"]`;
  }
  if (kind === "rpc") {
    try {
      const v = JSON.parse(text) as { id?: unknown; ack?: unknown };
      return v.id === id && v.ack === sum;
    } catch {
      return false;
    }
  }
  return text === PAYLOAD;
}

/** Frames a server may send unprompted that are not replies (Socket.IO pings are disabled by the server file). */
export function isNoise(wire: Wire, text: string): boolean {
  return wire === "socketio" && (text === "2" || text === "3");
}

/** Brings a fresh connection to the point where application messages flow. */
export async function preamble(wire: Wire, conn: WireConn): Promise<void> {
  if (wire !== "socketio") return;
  const open = await conn.nextText();
  if (!open.text.startsWith("0{")) throw new Error(`socket.io: expected open packet, got ${open.text.slice(0, 40)}`);
  conn.send(maskedTextFrame("40"));
  const connected = await conn.nextText((t) => isNoise(wire, t));
  if (!connected.text.startsWith("40")) throw new Error(`socket.io: expected CONNECT ack, got ${connected.text.slice(0, 40)}`);
}
