// The opt-in tail of one topic: while an inspector page polls it, this instance keeps the last messages published
// on that topic (through bunwire, or arriving from other instances), each passed through the redaction hook and
// truncated before it is stored. Nobody polling for TAIL_IDLE_MS ends it; the publish path then checks one null.

import { REDACTED, redactText } from "../../engine/redact.ts";
import type { ServerStats, TopicTap } from "../../engine/stats.ts";
import type { TailEntry } from "./protocol.ts";

/** Turns a published message into what the inspector may show (bunwire's masking and truncation still follow); undefined hides it. */
export type RedactHook = (data: string | Uint8Array, topic: string) => string | Uint8Array | undefined;

export interface TailOptions {
  /** Your redaction, run before bunwire's own masking and truncation (default: bunwire's only). */
  redact?: RedactHook;
  /** Characters kept per message (default 200). */
  maxLength?: number;
}

const KEPT = 100;
const TAIL_IDLE_MS = 15_000;
const SECRET_KEY = /token|secret|password|passwd|pwd|cookie|authorization|api[_-]?key|session|credential/i;

function maskKeys(value: unknown, depth: number): unknown {
  if (typeof value === "string") return depth > 8 ? value : maskJsonText(value, depth);
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => maskKeys(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? REDACTED : maskKeys(item, depth + 1);
  return out;
}

/** JSON text masked by key, at any depth, including JSON carried as a string inside it (an envelope's payload). */
function maskJsonText(text: string, depth: number): string {
  const first = text.trimStart()[0];
  if (first !== "{" && first !== "[") return text;
  try {
    return JSON.stringify(maskKeys(JSON.parse(text), depth + 1));
  } catch {
    return text;
  }
}

/** bunwire's own masking: JSON values under secret-looking keys, then secret-looking text (src/engine/redact.ts). */
export function defaultRedact(data: string | Uint8Array): string {
  if (typeof data !== "string") return `<binary, ${data.byteLength} bytes>`;
  return redactText(maskJsonText(data, 0));
}

function asPayload(data: unknown): string | Uint8Array {
  if (typeof data === "string" || data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return `<${typeof data}>`;
}

export class Tap implements TopicTap {
  readonly #entries: TailEntry[] = [];
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly topic: string, readonly instance: string, readonly stats: ServerStats, readonly options: TailOptions) {}

  push(data: unknown): void {
    const payload = asPayload(data);
    const size = typeof payload === "string" ? payload.length : payload.byteLength;
    let text: string | undefined;
    try {
      const own = this.options.redact === undefined ? payload : this.options.redact(payload, this.topic);
      text = own === undefined ? undefined : defaultRedact(own);
    } catch {
      text = "<redact hook failed>";
    }
    if (text === undefined) return;
    const max = this.options.maxLength ?? 200;
    if (text.length > max) text = `${text.slice(0, max)}…`;
    this.#entries.push({ instance: this.instance, seq: ++this.#seq, at: Date.now(), size, text });
    if (this.#entries.length > KEPT) this.#entries.shift();
  }

  /** Entries after `seq`; keeps the tap alive for another TAIL_IDLE_MS. */
  read(after: number): TailEntry[] {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.stop(), TAIL_IDLE_MS);
    this.#timer.unref?.();
    return this.#entries.filter((entry) => entry.seq > after);
  }

  stop(): void {
    clearTimeout(this.#timer);
    if (this.stats.tap === this) this.stats.tap = null;
  }
}

/** Starts (or keeps) this instance's tap on `topic`, replacing a tap on another topic, and reads it. */
export function readTail(stats: ServerStats, instance: string, topic: string, after: number, options: TailOptions): TailEntry[] {
  let tap = stats.tap instanceof Tap && stats.tap.topic === topic ? stats.tap : undefined;
  if (tap === undefined) {
    if (stats.tap instanceof Tap) stats.tap.stop();
    tap = new Tap(topic, instance, stats, options);
    stats.tap = tap;
  }
  return tap.read(after);
}
