// The contract of an idempotency store (remembers request keys and their replies for a bounded window).
// `MemoryIdempotency` (memory-idempotency.ts) keeps them for one instance; `bunwire/redis` has one on Redis, so a
// retry that lands on another instance is recognised too. A store answers synchronously when it can (memory): the
// dispatcher then stays on its promise-free path, which is what keeps idempotency cheap.

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
  /**
   * Extends the lease of `key` to `leaseMs` from now while its run still goes (a key already done is left as it is).
   * Called every `leaseMs / 3` while a handler runs, so a slow handler keeps its key and a repeat waits for it; the
   * lease then ends only when the instance running it died. A store without it: a run longer than `leaseMs` loses
   * its key, and a repeat after that runs the handler again.
   */
  renew?(key: string, leaseMs: number): void | Promise<void>;
  /** Records the outcome of the run that claimed `key`, kept `windowMs`. */
  complete(key: string, record: IdempotencyRecord, windowMs: number): void | Promise<void>;
  close(): Promise<void>;
}
