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
  /** Keys kept at most, over all clients; past it the oldest keys of the longest-known client go (default 100 000). */
  maxKeys?: number;
  /**
   * Keys kept per client, the part of a key before its last ":" (bunwire's client sends `<clientId>:<n>`, so each
   * client has its own window); past it that client's oldest key goes (default 4 096).
   */
  maxKeysPerClient?: number;
}

interface Entry {
  readonly key: string;
  /** Undefined while the run goes; its outcome once completed (the same entry, so a key costs one entry). */
  record: IdempotencyRecord | undefined;
  expires: number;
  /** Claimed again after it expired, or evicted: a newer entry holds the key, or none; the queue skips this one. */
  dead: boolean;
}

/** One client's keys: a Map to look them up and a queue in claim order, from whose front old keys go. */
class KeyGroup {
  readonly entries = new Map<string, Entry>();
  queue: Entry[] = [];
  head = 0;

  /** Drops keys from the front while they are expired or more than `cap`; `force` drops one more. Returns how many. */
  evict(now: number, cap: number, force = false): number {
    const { queue, entries } = this;
    let dropped = 0;
    while (this.head < queue.length) {
      const oldest = queue[this.head]!;
      if (!oldest.dead) {
        if (!force && oldest.expires > now && entries.size <= cap) break;
        force = false;
        oldest.dead = true;
        entries.delete(oldest.key);
        dropped++;
      }
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > queue.length) {
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
    return dropped;
  }
}

const CLAIMED: Claim = Object.freeze({ state: "claimed" });
const RUNNING: Claim = Object.freeze({ state: "running" });
/** Every this many claims, the longest-known client's expired keys are swept (clients that went away). */
const SWEEP_EVERY = 64;

function clientOf(key: string): string {
  const at = key.lastIndexOf(":");
  return at <= 0 ? "" : key.slice(0, at);
}

/**
 * Keys of one process, grouped by client: each client's keys in a Map of their own with a queue in claim order,
 * from whose front expired and overflowing keys go. Per client the working set stays small however many keys the
 * process holds, which is what keeps a claim cheap (one Map of 100 000 fresh keys costs most of a request). A run
 * that completes right after its claim (a synchronous handler) finds its entry without a second lookup.
 */
export class MemoryIdempotency implements IdempotencyStore {
  private readonly groups = new Map<string, KeyGroup>();
  private held = 0;
  private claims = 0;
  /** The entry claimed last: what a synchronous run completes. */
  private last: Entry | undefined;
  private readonly maxKeys: number;
  private readonly maxKeysPerClient: number;

  constructor(options: MemoryIdempotencyOptions = {}) {
    this.maxKeys = positiveInteger(options.maxKeys, 100_000, "maxKeys");
    this.maxKeysPerClient = positiveInteger(options.maxKeysPerClient, 4_096, "maxKeysPerClient");
  }

  /** Keys held now (running or done). */
  get size(): number {
    return this.held;
  }

  claim(key: string, leaseMs: number): Claim {
    const now = Date.now();
    if (++this.claims % SWEEP_EVERY === 0) this.evictOldest(now);
    const name = clientOf(key);
    let group = this.groups.get(name);
    if (group === undefined) this.groups.set(name, (group = new KeyGroup()));
    const fresh: Entry = { key, record: undefined, expires: now + leaseMs, dead: false };
    // One hash lookup that finds or inserts (Map.getOrInsert where the runtime has it; Bun does).
    const held = getOrInsert(group.entries, key, fresh);
    if (held !== fresh) {
      if (held.expires > now) return held.record === undefined ? RUNNING : { state: "done", record: held.record };
      held.dead = true;
      group.entries.set(key, fresh);
    } else this.held++;
    group.queue.push(fresh);
    this.held -= group.evict(now, this.maxKeysPerClient);
    if (this.held > this.maxKeys) this.evictOldest(now);
    this.last = fresh;
    return CLAIMED;
  }

  complete(key: string, record: IdempotencyRecord, windowMs: number): void {
    const now = Date.now();
    const last = this.last;
    const entry = last !== undefined && last.key === key && !last.dead ? last : this.groups.get(clientOf(key))?.entries.get(key);
    this.last = undefined;
    if (entry !== undefined && !entry.dead) {
      entry.record = record;
      entry.expires = now + windowMs;
      return;
    }
    // Evicted while it ran (maxKeys reached): keep the outcome anyway.
    this.claim(key, windowMs);
    this.last!.record = record;
    this.last = undefined;
  }

  close(): Promise<void> {
    this.groups.clear();
    this.held = 0;
    this.last = undefined;
    return Promise.resolve();
  }

  /**
   * Past `maxKeys`, drops the oldest keys of the longest-known client; otherwise sweeps that client's expired keys.
   * A client left with keys goes to the back of the line, one with none is forgotten.
   */
  private evictOldest(now: number): void {
    for (const [name, group] of this.groups) {
      const over = this.held > this.maxKeys;
      this.held -= group.evict(now, this.maxKeysPerClient, over);
      this.groups.delete(name);
      if (group.entries.size > 0) this.groups.set(name, group);
      if (this.held <= this.maxKeys) return;
    }
  }
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 1) throw new BunwireError("INVALID_OPTION", `MemoryIdempotency: ${name} must be an integer >= 1, got ${String(value)}`);
  return chosen;
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
