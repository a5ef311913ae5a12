// An in-memory TopicHistory for one instance: the last `maxLength` events per topic (and at most `maxAgeMs` old),
// so a client that reconnects to the same process gets what it missed. Offsets are "<epoch>-<seq>": the random
// epoch makes offsets from another process (or an earlier history) read as "not recoverable" instead of wrong.
// Memory is bounded twice: a sweep forgets topics whose events all expired, and at most `maxTopics` topics are
// kept (the least recently written one goes first). Only appends create a topic: reading a position (a `$join`
// of a topic nobody wrote) stores nothing, so clients cannot fill the history or push real topics out of it.

import { BunwireError } from "../engine/errors.ts";
import type { HistoryEntry, HistoryPosition, Replay, TopicHistory } from "../engine/history.ts";

export interface MemoryHistoryOptions {
  /** Events kept per topic (default 1000). */
  maxLength?: number;
  /** Events older than this are dropped, and a topic with none left is forgotten (default: no age limit). */
  maxAgeMs?: number;
  /** Topics kept; past it the least recently written topic is forgotten (default 10 000). */
  maxTopics?: number;
  /** How often expired topics are swept (default: `maxAgeMs`, between 1 s and 60 s; only with `maxAgeMs`). */
  sweepIntervalMs?: number;
}

interface Stored {
  seq: number;
  at: number;
  payload: string;
}

interface Log {
  /** The number the next append takes. */
  next: number;
  /** entries[head..] are live; the dead prefix is compacted in batches rather than shifted per append. */
  head: number;
  entries: Stored[];
  /** Last append (or creation): an empty topic is forgotten once this is older than `maxAgeMs`. */
  touched: number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) throw new BunwireError("INVALID_OPTION", `MemoryHistory: ${name} must be a number > 0, got ${String(value)}`);
  return value;
}

export class MemoryHistory implements TopicHistory {
  private readonly maxLength: number;
  private readonly maxAgeMs: number;
  private readonly maxTopics: number;
  private readonly epoch = Math.random().toString(36).slice(2, 10);
  /** In write order: the first key is the least recently written topic. */
  private readonly logs = new Map<string, Log>();
  /** The highest number appended on any topic. */
  private highest = 0;
  /**
   * `highest` when a topic was last forgotten, so at or above every number a topic not held now ever had. The
   * position of a topic not held, and a new topic numbers from the next one: a position read before the first
   * append is then that append's predecessor, unless a topic was forgotten in between.
   */
  private forgotten = 0;
  private readonly sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(options: MemoryHistoryOptions = {}) {
    this.maxLength = Math.max(1, Math.floor(positive("maxLength", options.maxLength, 1000)));
    this.maxAgeMs = positive("maxAgeMs", options.maxAgeMs, Infinity);
    this.maxTopics = Math.max(1, Math.floor(positive("maxTopics", options.maxTopics, 10_000)));
    if (this.maxAgeMs !== Infinity) {
      const interval = positive("sweepIntervalMs", options.sweepIntervalMs, Math.min(60_000, Math.max(1_000, this.maxAgeMs)));
      this.sweeper = setInterval(() => this.sweep(), interval);
      // A history must not keep the process alive by itself.
      this.sweeper.unref?.();
    }
  }

  /** Topics currently held. */
  get size(): number {
    return this.logs.size;
  }

  append(topic: string, payload: string): Promise<HistoryPosition> {
    const log = this.logFor(topic);
    // Re-inserting keeps the Map in write order, so the first key is the one to forget when full.
    this.logs.delete(topic);
    this.logs.set(topic, log);
    const seq = log.next++;
    if (seq > this.highest) this.highest = seq;
    log.touched = Date.now();
    log.entries.push({ seq, at: log.touched, payload });
    this.trim(log);
    return Promise.resolve({ offset: `${this.epoch}-${seq}`, seq });
  }

  since(topic: string, offset: string): Promise<Replay> {
    const dash = offset.lastIndexOf("-");
    const seq = Number(offset.slice(dash + 1));
    const log = this.logs.get(topic);
    // Another epoch or a malformed offset: nothing here can vouch for the gap.
    if (dash < 0 || offset.slice(0, dash) !== this.epoch || !Number.isSafeInteger(seq) || seq < 0) {
      return Promise.resolve({ recovered: false, entries: [] });
    }
    // A topic not held (never written, or forgotten): nothing was missed unless it was forgotten after this offset.
    if (log === undefined) return Promise.resolve({ recovered: seq >= this.forgotten && seq <= this.highest, entries: [] });
    this.trim(log);
    const oldest = log.entries[log.head]?.seq ?? log.next;
    // Recovered only if nothing between the client's offset and the oldest kept entry was dropped.
    if (seq < oldest - 1 || seq >= log.next) return Promise.resolve({ recovered: false, entries: [] });
    const entries: HistoryEntry[] = [];
    for (let i = log.head; i < log.entries.length; i++) {
      const stored = log.entries[i]!;
      if (stored.seq > seq) entries.push({ offset: `${this.epoch}-${stored.seq}`, seq: stored.seq, payload: stored.payload });
    }
    return Promise.resolve({ recovered: true, entries });
  }

  /** The latest position on `topic`; a topic not held is not created (its first append takes the next number). */
  last(topic: string): Promise<HistoryPosition> {
    const log = this.logs.get(topic);
    const seq = log === undefined ? this.forgotten : log.next - 1;
    return Promise.resolve({ offset: `${this.epoch}-${seq}`, seq });
  }

  /** Forgets topics whose events have all expired (runs on its own every `sweepIntervalMs`). */
  sweep(): void {
    if (this.maxAgeMs === Infinity) return;
    const cutoff = Date.now() - this.maxAgeMs;
    for (const [topic, log] of this.logs) {
      this.trim(log);
      if (log.head >= log.entries.length && log.touched < cutoff) this.forget(topic);
    }
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    this.logs.clear();
    return Promise.resolve();
  }

  private logFor(topic: string): Log {
    let log = this.logs.get(topic);
    if (log !== undefined) return log;
    if (this.logs.size >= this.maxTopics) {
      const oldest = this.logs.keys().next().value;
      if (oldest !== undefined) this.forget(oldest);
    }
    log = { next: this.forgotten + 1, head: 0, entries: [], touched: Date.now() };
    this.logs.set(topic, log);
    return log;
  }

  private forget(topic: string): void {
    this.logs.delete(topic);
    this.forgotten = this.highest;
  }

  private trim(log: Log): void {
    const entries = log.entries;
    if (entries.length - log.head > this.maxLength) log.head = entries.length - this.maxLength;
    if (this.maxAgeMs !== Infinity) {
      const cutoff = Date.now() - this.maxAgeMs;
      while (log.head < entries.length && entries[log.head]!.at < cutoff) log.head++;
    }
    if (log.head === entries.length) {
      entries.length = 0;
      log.head = 0;
    } else if (log.head > 64 && log.head * 2 > entries.length) {
      entries.splice(0, log.head);
      log.head = 0;
    }
  }
}
