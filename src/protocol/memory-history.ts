// An in-memory TopicHistory for one instance: the last `maxLength` events per topic (and at most `maxAgeMs` old),
// so a client that reconnects to the same process gets what it missed. Offsets are "<epoch>-<seq>": the random
// epoch makes offsets from another process (or an earlier history) read as "not recoverable" instead of wrong.

import type { HistoryEntry, Replay, TopicHistory } from "../engine/history.ts";

export interface MemoryHistoryOptions {
  /** Events kept per topic (default 1000). */
  maxLength?: number;
  /** Events older than this are dropped (default: no age limit). */
  maxAgeMs?: number;
}

interface Stored {
  seq: number;
  at: number;
  payload: string;
}

interface Log {
  next: number;
  /** entries[head..] are live; the dead prefix is compacted in batches rather than shifted per append. */
  head: number;
  entries: Stored[];
}

export class MemoryHistory implements TopicHistory {
  private readonly maxLength: number;
  private readonly maxAgeMs: number;
  private readonly epoch = Math.random().toString(36).slice(2, 10);
  private readonly logs = new Map<string, Log>();

  constructor(options: MemoryHistoryOptions = {}) {
    this.maxLength = Math.max(1, options.maxLength ?? 1000);
    this.maxAgeMs = options.maxAgeMs ?? Infinity;
  }

  append(topic: string, payload: string): Promise<string> {
    let log = this.logs.get(topic);
    if (log === undefined) {
      log = { next: 1, head: 0, entries: [] };
      this.logs.set(topic, log);
    }
    const seq = log.next++;
    log.entries.push({ seq, at: Date.now(), payload });
    this.trim(log);
    return Promise.resolve(`${this.epoch}-${seq}`);
  }

  since(topic: string, offset: string): Promise<Replay> {
    const log = this.logs.get(topic);
    if (log !== undefined) this.trim(log);
    const live = log === undefined ? [] : log.entries.slice(log.head);
    const dash = offset.lastIndexOf("-");
    const seq = Number(offset.slice(dash + 1));
    if (dash < 0 || offset.slice(0, dash) !== this.epoch || !Number.isSafeInteger(seq) || seq < 0) {
      return Promise.resolve({ recovered: false, entries: live.map((stored) => this.entry(stored)) });
    }
    const oldest = live[0]?.seq ?? log?.next ?? 1;
    // Recovered only if nothing between the client's offset and the oldest kept entry was dropped.
    const recovered = seq >= oldest - 1 && seq < (log?.next ?? 1);
    const entries: HistoryEntry[] = [];
    for (const stored of live) if (stored.seq > seq) entries.push(this.entry(stored));
    return Promise.resolve({ recovered: recovered || (seq === 0 && log === undefined), entries });
  }

  /** The latest offset on `topic` ("<epoch>-0" before its first event): where a new subscriber starts. */
  last(topic: string): Promise<string> {
    const log = this.logs.get(topic);
    return Promise.resolve(`${this.epoch}-${log === undefined ? 0 : log.next - 1}`);
  }

  close(): Promise<void> {
    this.logs.clear();
    return Promise.resolve();
  }

  private entry(stored: Stored): HistoryEntry {
    return { offset: `${this.epoch}-${stored.seq}`, payload: stored.payload };
  }

  private trim(log: Log): void {
    const entries = log.entries;
    if (entries.length - log.head > this.maxLength) log.head = entries.length - this.maxLength;
    if (this.maxAgeMs !== Infinity) {
      const cutoff = Date.now() - this.maxAgeMs;
      while (log.head < entries.length && entries[log.head]!.at < cutoff) log.head++;
    }
    if (log.head > 64 && log.head * 2 > entries.length) {
      entries.splice(0, log.head);
      log.head = 0;
    }
  }
}
