// The contract of an idempotency store (remembers request keys and their replies for a bounded window) and the
// in-memory store for one instance. `bunwire/redis` has one on Redis, so a retry that lands on another instance is
// recognised too. A store answers synchronously when it can (memory): the dispatcher then stays on its promise-free
// path, which is what keeps idempotency cheap.

import { BunwireError } from "../engine/errors.ts";
import type { WireError } from "./envelope.ts";

/** What a handler's run ended with: the ack it returned, or the error reply it got. */
export type IdempotentOutcome = { ack: unknown; error?: undefined } | { error: WireError; ack?: undefined };

/** The outcome kept under a key, with the event it answered (a key reused for another event is a conflict). */
export interface IdempotencyRecord {
  event: string;
  outcome: IdempotentOutcome;
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
  record: IdempotencyRecord | undefined;
  expires: number;
}

const CLAIMED: Claim = Object.freeze({ state: "claimed" });
const RUNNING: Claim = Object.freeze({ state: "running" });

/** Keys of one process, in a Map kept in write order: expired and overflowing keys go from its front. */
export class MemoryIdempotency implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
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
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expires > now) return entry.record === undefined ? RUNNING : { state: "done", record: entry.record };
    this.put(key, { record: undefined, expires: now + leaseMs }, now);
    return CLAIMED;
  }

  complete(key: string, record: IdempotencyRecord, windowMs: number): void {
    const now = Date.now();
    this.put(key, { record, expires: now + windowMs }, now);
  }

  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }

  private put(key: string, entry: Entry, now: number): void {
    // Re-inserting keeps the Map in write order, close to expiry order: expired keys are found at its front.
    this.entries.delete(key);
    for (const [oldest, held] of this.entries) {
      if (held.expires > now && this.entries.size < this.maxKeys) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, entry);
  }
}
