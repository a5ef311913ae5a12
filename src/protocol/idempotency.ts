// The contract of an idempotency store (remembers request keys and their replies for a bounded window) and the
// in-memory store for one instance. `bunwire/redis` has one on Redis, so a retry that lands on another instance is
// recognised too. A store answers synchronously when it can (memory): the dispatcher then stays on its promise-free
// path, which is what keeps idempotency cheap.

import { BunwireError } from "../engine/errors.ts";
import type { WireError } from "./envelope.ts";

/**
 * What a key's run ended with: the event it answered (a key reused for another event is a conflict) and the ack the
 * handler returned, or the error reply it got. One flat object: a remembered key costs little memory.
 */
export interface IdempotencyRecord {
  event: string;
  ack?: unknown;
  /** Present when the run failed: the error reply, sent again to a repeat. */
  error?: WireError;
}

/**
 * `claimed`: run the handler now (and `complete` the key after); `running`: a run holds the key (here or on another
 * instance); `done`: the key ran within the window and this is its record.
 */
export type Claim = { state: "claimed"; record?: undefined } | { state: "running"; record?: undefined } | { state: "done"; record: IdempotencyRecord };

export interface IdempotencyStore {
  /**
   * Claims `key` for a first run for `leaseMs` (a run that never completes, e.g. its instance died, frees the key
   * after that), or tells that a run holds it, or returns its record.
   */
  claim(key: string, leaseMs: number): Claim | Promise<Claim>;
  /** Records the outcome of the run that claimed `key`, kept `windowMs`. */
  complete(key: string, record: IdempotencyRecord, windowMs: number): void | Promise<void>;
  close(): Promise<void>;
}

export interface MemoryIdempotencyOptions {
  /** Keys kept at most; past it the oldest is forgotten (default 100 000). */
  maxKeys?: number;
}

interface Entry {
  readonly key: string;
  /** Undefined while the run goes; its outcome once completed (the same entry, so a key costs one entry). */
  record: IdempotencyRecord | undefined;
  expires: number;
  /** Claimed again after it expired: a newer entry holds the key, the queue skips this one. */
  dead: boolean;
}

const CLAIMED: Claim = Object.freeze({ state: "claimed" });
const RUNNING: Claim = Object.freeze({ state: "running" });

/**
 * Keys of one process: a Map to look them up, and a queue of entries in claim order, from whose front expired and
 * overflowing keys go. A request costs one lookup and one insert (and later one delete); a run that completes right
 * after its claim (a synchronous handler) finds its entry without a second lookup. The queue, not the Map, is walked:
 * a Map whose oldest keys keep being deleted makes every walk from its front skip their holes.
 */
export class MemoryIdempotency implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private queue: Entry[] = [];
  private head = 0;
  /** The entry claimed last: what a synchronous run completes. */
  private last: Entry | undefined;
  private readonly maxKeys: number;

  constructor(options: MemoryIdempotencyOptions = {}) {
    const maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new BunwireError("INVALID_OPTION", `MemoryIdempotency: maxKeys must be an integer >= 1, got ${String(options.maxKeys)}`);
    this.maxKeys = maxKeys;
  }

  /** Keys held now (running or done). */
  get size(): number {
    return this.entries.size;
  }

  claim(key: string, leaseMs: number): Claim {
    const now = Date.now();
    const fresh: Entry = { key, record: undefined, expires: now + leaseMs, dead: false };
    // One hash lookup that finds or inserts (Map.getOrInsert where the runtime has it; Bun does).
    const held = getOrInsert(this.entries, key, fresh);
    if (held !== fresh) {
      if (held.expires > now) return held.record === undefined ? RUNNING : { state: "done", record: held.record };
      held.dead = true;
      this.entries.set(key, fresh);
    }
    this.queue.push(fresh);
    this.evict(now);
    this.last = fresh;
    return CLAIMED;
  }

  complete(key: string, record: IdempotencyRecord, windowMs: number): void {
    const now = Date.now();
    const last = this.last;
    const entry = last !== undefined && last.key === key && !last.dead ? last : this.entries.get(key);
    this.last = undefined;
    if (entry !== undefined && !entry.dead) {
      entry.record = record;
      entry.expires = now + windowMs;
      return;
    }
    // Evicted while it ran (maxKeys reached): keep the outcome anyway.
    this.insert(key, record, now + windowMs, now);
  }

  close(): Promise<void> {
    this.entries.clear();
    this.queue = [];
    this.head = 0;
    this.last = undefined;
    return Promise.resolve();
  }

  private insert(key: string, record: IdempotencyRecord | undefined, expires: number, now: number): Entry {
    const entry: Entry = { key, record, expires, dead: false };
    this.entries.set(key, entry);
    this.queue.push(entry);
    this.evict(now);
    return entry;
  }

  /** Drops keys from the front of the queue while they are expired or too many; a key claimed again is skipped. */
  private evict(now: number): void {
    const queue = this.queue;
    const entries = this.entries;
    while (this.head < queue.length) {
      const oldest = queue[this.head]!;
      if (!oldest.dead) {
        if (oldest.expires > now && entries.size <= this.maxKeys) break;
        oldest.dead = true;
        entries.delete(oldest.key);
      }
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > queue.length) {
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
  }
}

type Upsert = <K, V>(map: Map<K, V>, key: K, value: V) => V;
const nativeGetOrInsert = (Map.prototype as { getOrInsert?: (key: unknown, value: unknown) => unknown }).getOrInsert;
const getOrInsert: Upsert =
  nativeGetOrInsert !== undefined
    ? (map, key, value) => nativeGetOrInsert.call(map, key, value) as typeof value
    : (map, key, value) => {
        const held = map.get(key);
        if (held !== undefined) return held;
        map.set(key, value);
        return value;
      };
