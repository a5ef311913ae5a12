// The in-memory idempotency store of one instance (the default of `handle(..., { idempotency: true })`).
//
// Keys are grouped by client: the part of a key before its last ":" (bunwire's client sends `<clientId>:<session>:<n>`,
// n counting up). Numbered keys, every client's, go to one log written in order (`KeyLog`: owner, number, expiry and
// outcome side by side, in chunks of 64 entries, `maxKeys` of them, the oldest reused first), and each client has an
// index from number to entry (`NumberedWindow`), so a claim touches memory in order and no hash table. (A Map of
// thousands of keys per client, each insert and delete at a random place in memory, cost more than the rest of a
// keyed request; a ring per client, written at 64 places at once by 64 busy clients, 3–6 points of request/ack
// throughput more than the log.) Any other key (a custom client's UUIDs, a number older than the window) goes to a Map with a queue in claim
// order. Times come from the engine's coarse clock (a millisecond tick): two `Date.now()` calls were a fifth of what a
// key cost.

import { coarseNow } from "../engine/coarse-clock.ts";
import { BunwireError } from "../engine/errors.ts";
import type { WireError } from "./envelope.ts";
import type { Claim, IdempotencyRecord, IdempotencyStore } from "./idempotency.ts";

export interface MemoryIdempotencyOptions {
  /**
   * Keys kept at most, over all clients (default 100 000): past it the oldest numbered keys go first, whoever's
   * they are; then keys held by string, oldest first, taking turns from the longest-known client, at most half of a
   * client's per turn. A numbered key that left its client's window keeps its entry until a newer key reuses it.
   * Clients known are bounded by it too: past it, a new one forgets a longest-known client that holds no key.
   */
  maxKeys?: number;
  /**
   * Keys kept per client, the part of a key before its last ":" (bunwire's client sends `<clientId>:<session>:<n>`,
   * so each client object has its own window): its keys numbered within this many of its highest number, and as
   * many other keys, the oldest going first (default 4 096). Keys with no ":" (a custom client's UUIDs) belong to no
   * client: only `maxKeys` bounds them.
   */
  maxKeysPerClient?: number;
}

/**
 * One client's keys as a connection holds them (`MemoryIdempotency.clientKeys`), so its numbered keys skip the
 * string. Opaque: only the store reads `group`.
 */
export interface ClientKeys {
  readonly client: string;
  group: unknown;
}

const CLAIMED: Claim = Object.freeze({ state: "claimed" });
const RUNNING: Claim = Object.freeze({ state: "running" });
/** Every this many claims, the longest-known client is swept (its expired keys go; a client with none is forgotten). */
const SWEEP_EVERY = 64;
const EMPTY = -1;

/**
 * Slots a client's index starts with: a client that sends one key (a page load, a script, or a hostile connection
 * naming a new client per request) costs a few dozen bytes of index, not kilobytes.
 */
const START_SLOTS = 8;
/**
 * Slots after a client's first growth (2 KB): each growth before the index reaches the window's size reads the log,
 * so a busy client's first thousands of keys cost more when it grows in small steps (8 slots doubling: 0.88x of keyed
 * request/ack without idempotency at capacity; 512: 0.90x; 4 096: 0.91x). From here it grows eightfold at a time
 * (from 512, straight to 4 096: 0.916x against 0.887x growing twofold, interleaved).
 */
const FIRST_SLOTS = 512;
/** Clients a new one looks at, when more clients than `maxKeys` are known, to forget one that holds no key. */
const IDLE_LOOKS = 4;
/** An index slot that points at no entry of the log. */
const NONE = -1;

/** Values per entry of the log: [owner, number, expires, event, ack, error]. */
const ENTRY = 6;

/**
 * Entries per chunk of the log (2^CHUNK_BITS). The log is an array of small arrays: the garbage collector rescans a
 * whole array written since its last collection, so it rescans only the chunks written since, the newest.
 */
const CHUNK_BITS = 6;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;

/**
 * Every client's numbered keys in the order they were written: a circular log of `capacity` (maxKeys) entries, each
 * its owner (a client's window), number, expiry and outcome (`event` undefined while the run goes). A new key takes
 * the next entry; when the log is full that entry holds the oldest key, which goes. So requests write memory in
 * order, one stream for all clients, instead of each a slot of its own client's ring last written thousands of
 * requests ago (with 64 busy clients, rings at full size measured 3–6 points of request/ack throughput below this). Once
 * a client's index is at full size, its next number reads nothing of the log: the owner of an overwritten entry is
 * not told, and finds out when it looks the number up (the entry's owner and number no longer match).
 */
class KeyLog {
  private readonly chunks: unknown[][] = [];
  /** Where the next entry goes. */
  private cursor = 0;
  /** Entries from `cursor` up to here are free (released or evicted): the oldest key lies at or after it. */
  private scan = 0;
  /** Entries that hold a key. */
  live = 0;

  constructor(readonly capacity: number) {}

  owner(pos: number): NumberedWindow | undefined {
    return this.chunks[pos >> CHUNK_BITS]![(pos & CHUNK_MASK) * ENTRY] as NumberedWindow | undefined;
  }

  number(pos: number): number {
    return this.chunks[pos >> CHUNK_BITS]![(pos & CHUNK_MASK) * ENTRY + 1] as number;
  }

  expires(pos: number): number {
    return this.chunks[pos >> CHUNK_BITS]![(pos & CHUNK_MASK) * ENTRY + 2] as number;
  }

  running(pos: number): boolean {
    return this.chunks[pos >> CHUNK_BITS]![(pos & CHUNK_MASK) * ENTRY + 3] === undefined;
  }

  /** The entry's outcome as a record (a new object: a repeat is rare). */
  record(pos: number): IdempotencyRecord {
    const chunk = this.chunks[pos >> CHUNK_BITS]!;
    const at = (pos & CHUNK_MASK) * ENTRY;
    const event = chunk[at + 3] as string;
    const error = chunk[at + 5] as WireError | undefined;
    return error === undefined ? { event, ack: chunk[at + 4] } : { event, error };
  }

  /** A run starts: no outcome yet, held until `expires`. */
  start(pos: number, expires: number): void {
    const chunk = this.chunks[pos >> CHUNK_BITS]!;
    const at = (pos & CHUNK_MASK) * ENTRY;
    chunk[at + 2] = expires;
    // No event marks a run that goes; `settle` writes all three (an entry taken over may keep an old ack until then).
    chunk[at + 3] = undefined;
  }

  /** The run ended with this outcome, kept until `expires`. */
  settle(pos: number, event: string, ack: unknown, error: WireError | undefined, expires: number): void {
    const chunk = this.chunks[pos >> CHUNK_BITS]!;
    const at = (pos & CHUNK_MASK) * ENTRY;
    chunk[at + 2] = expires;
    chunk[at + 3] = event;
    chunk[at + 4] = ack;
    chunk[at + 5] = error;
  }

  /** A new entry for `owner`'s key `n`, at the next position (the key held there, the oldest, goes); its position. */
  append(owner: NumberedWindow, n: number): number {
    const pos = this.cursor;
    const chunk = (this.chunks[pos >> CHUNK_BITS] ??= newLogChunk());
    const at = (pos & CHUNK_MASK) * ENTRY;
    const previous = chunk[at] as NumberedWindow | undefined;
    // Over the oldest key: its owner is not told (it finds out when it looks the number up), but holds one fewer.
    if (previous === undefined) this.live++;
    else previous.held--;
    chunk[at] = owner;
    owner.held++;
    chunk[at + 1] = n;
    const next = pos + 1 === this.capacity ? 0 : pos + 1;
    if (this.scan === pos) this.scan = next;
    this.cursor = next;
    return pos;
  }

  /** The entry's key went (it left its window, or its client was forgotten): the entry is free. */
  release(pos: number): void {
    const chunk = this.chunks[pos >> CHUNK_BITS]!;
    const at = (pos & CHUNK_MASK) * ENTRY;
    (chunk[at] as NumberedWindow).held--;
    chunk[at] = undefined;
    chunk[at + 4] = chunk[at + 5] = undefined; // its ack and error are let go
    this.live--;
  }

  /** The oldest key goes (past `maxKeys`, counting keys held by string too): its owner is told. */
  evictOldest(): void {
    if (this.live === 0) return;
    let pos = this.scan;
    for (;;) {
      const chunk = this.chunks[pos >> CHUNK_BITS];
      const owner = chunk?.[(pos & CHUNK_MASK) * ENTRY] as NumberedWindow | undefined;
      if (owner !== undefined) {
        owner.evicted(this.number(pos), pos);
        this.release(pos);
        break;
      }
      pos = pos + 1 === this.capacity ? 0 : pos + 1;
    }
    this.scan = pos + 1 === this.capacity ? 0 : pos + 1;
  }
}

function newLogChunk(): unknown[] {
  return new Array<unknown>((CHUNK_MASK + 1) * ENTRY).fill(undefined);
}

/**
 * A client's numbered keys within its window: the numbers in (top - cap, top], each in slot `n & mask` of an index
 * holding its entry's position in the log (an Int32Array: nothing there for the garbage collector to scan). The
 * index starts small and grows eightfold while the window needs more slots, up to a power of two >= cap, where two numbers
 * of one window can no longer share a slot: from then on the next number takes its slot without looking at it (what
 * the slot held has left the window), and the entry of the number leaving stays in the log until the log reuses it.
 */
class NumberedWindow {
  private positions: Int32Array;
  private mask: number;
  /** The highest number claimed; `EMPTY` before the first. */
  private top = EMPTY;
  /** The latest expiry written: once it has passed, every key here has expired. */
  lastExpires = 0;
  /** Entries of the log this window owns (kept by the log as it writes, releases and reuses entries). */
  held = 0;

  constructor(private readonly log: KeyLog, private readonly cap: number, private readonly maxSlots: number) {
    const slots = Math.min(START_SLOTS, maxSlots);
    this.positions = new Int32Array(slots).fill(NONE);
    this.mask = slots - 1;
  }

  /** Is `n` above every number claimed so far (so no slot holds it)? */
  above(n: number): boolean {
    return n > this.top;
  }

  /** Is `n` inside the window (or above it: a new top)? Numbers at or below `top - cap` have left it. */
  covers(n: number): boolean {
    return n > this.top - this.cap;
  }

  /** Does slot `at` point at an entry of this window for a number of this slot (not reused by the log since)? */
  private used(at: number): boolean {
    const pos = this.positions[at]!;
    return pos !== NONE && this.log.owner(pos) === this && (this.log.number(pos) & this.mask) === at;
  }

  /** The number slot `at` holds (when `used`). */
  private numberAt(at: number): number {
    return this.log.number(this.positions[at]!);
  }

  /** The slot holding `n`, or -1. */
  find(n: number): number {
    const at = n & this.mask;
    return this.holds(at, n) ? at : -1;
  }

  holds(slot: number, n: number): boolean {
    return this.used(slot) && this.numberAt(slot) === n;
  }

  live(slot: number, now: number): boolean {
    return this.log.expires(this.positions[slot]!) > now;
  }

  running(slot: number): boolean {
    return this.log.running(this.positions[slot]!);
  }

  record(slot: number): IdempotencyRecord {
    return this.log.record(this.positions[slot]!);
  }

  start(slot: number, expires: number): void {
    this.log.start(this.positions[slot]!, expires);
    if (expires > this.lastExpires) this.lastExpires = expires;
  }

  settle(slot: number, event: string, ack: unknown, error: WireError | undefined, expires: number): void {
    this.log.settle(this.positions[slot]!, event, ack, error, expires);
    if (expires > this.lastExpires) this.lastExpires = expires;
  }

  /**
   * The usual synchronous run: `n` is the next number and its slot is free or holds the number leaving the window,
   * so `n` takes it with its outcome in one step. False when `n` is not such a number (then `place` and `settle` do it).
   */
  settleNext(n: number, event: string, ack: unknown, error: WireError | undefined, expires: number): boolean {
    if (n !== this.top + 1) return false;
    const at = this.takeNext(n);
    if (at === -1) return false;
    this.settle(at, event, ack, error, expires);
    return true;
  }

  /**
   * A slot for `n` (covered, not held): moves the window up when `n` is a new top, grows the index when the slot
   * holds another live number of the window. Returns the slot.
   */
  place(n: number, now: number): number {
    if (n === this.top + 1) {
      const next = this.takeNext(n);
      if (next !== -1) return next;
    }
    if (n > this.top) this.raise(n);
    let at = n & this.mask;
    for (;;) {
      if (!this.used(at)) break;
      if (!this.covers(this.numberAt(at)) || !this.live(at, now) || this.mask + 1 >= this.maxSlots) {
        this.drop(at);
        break;
      }
      this.grow();
      at = n & this.mask;
    }
    this.take(at, n);
    return at;
  }

  /**
   * The usual claim: `n` is the next number, so one number leaves the window (`n - cap`). With the index at its full
   * size, `n`'s slot can only hold a number at least one index length back, out of the window: `n` takes it without
   * a look (the old entry stays in the log until reused). While the index grows, the slot is checked: free, or the
   * leaving number (freed), else -1.
   */
  private takeNext(n: number): number {
    const at = n & this.mask;
    if (this.mask + 1 < this.maxSlots) {
      const leaving = n - this.cap; // below 0: none leaves
      if (this.used(at)) {
        if (this.numberAt(at) !== leaving) return -1;
        this.drop(at);
      } else if (leaving >= 0) {
        const other = leaving & this.mask;
        if (this.holds(other, leaving)) this.drop(other);
      }
    }
    this.take(at, n);
    this.top = n;
    return at;
  }

  /** `n` gets a new entry of the log, in slot `at`. */
  private take(at: number, n: number): void {
    this.positions[at] = this.log.append(this, n);
  }

  /** The key in slot `at` goes. */
  private drop(at: number): void {
    this.log.release(this.positions[at]!);
    this.positions[at] = NONE;
  }

  /** The log evicted the entry at `pos` (holding `n`) past `maxKeys`: `n` is no longer held. */
  evicted(n: number, pos: number): void {
    const at = n & this.mask;
    if (this.positions[at] === pos) this.positions[at] = NONE;
  }

  /** Every key goes (its client is forgotten). */
  clear(): void {
    for (let at = 0; at <= this.mask; at++) if (this.used(at)) this.drop(at);
  }

  /** The window moves up to `n`: the numbers that leave it, (top - cap, n - cap], free their slots. */
  private raise(n: number): void {
    const last = n - this.cap;
    const slots = this.mask + 1;
    if (n - this.top >= slots) {
      for (let at = 0; at < slots; at++) if (this.used(at) && this.numberAt(at) <= last) this.drop(at);
    } else {
      for (let left = Math.max(0, this.top - this.cap + 1); left <= last; left++) {
        const at = left & this.mask;
        if (this.holds(at, left)) this.drop(at);
      }
    }
    this.top = n;
  }

  /**
   * `FIRST_SLOTS` slots, then eight times as many (at most `maxSlots`); every held number of the window moves to its
   * slot in the larger index.
   */
  private grow(): void {
    const old = this.positions;
    const oldMask = this.mask;
    const size = Math.min(old.length < FIRST_SLOTS ? FIRST_SLOTS : old.length * 8, this.maxSlots);
    this.positions = new Int32Array(size).fill(NONE);
    this.mask = size - 1;
    for (let from = 0; from < old.length; from++) {
      const pos = old[from]!;
      if (pos === NONE || this.log.owner(pos) !== this) continue;
      const n = this.log.number(pos);
      if ((n & oldMask) !== from) continue; // the log reused it for another number of this window
      if (this.covers(n)) this.positions[n & this.mask] = pos;
      else this.log.release(pos);
    }
  }
}

/** A key held by its string: a Map entry, and a place in the claim-order queue. */
interface Entry {
  readonly key: string;
  /** The run's outcome; undefined while it goes. */
  record: IdempotencyRecord | undefined;
  expires: number;
  /** Claimed again after it expired, or evicted: the queue skips it. */
  dead: boolean;
}

/** Never written: a KeyGroup swaps in its own Map and queue before its first key held by string. */
const NO_NAMES = new Map<string, Entry>();
const NO_QUEUE = Object.freeze([]) as unknown as Entry[]; // frozen: a push by mistake throws

/** One client's keys: a window of numbered keys (made on its first one), and the others by string. */
class KeyGroup {
  /** Forgotten by the store: a connection holding it as its `ClientKeys` looks its client up again. */
  gone = false;
  numbered: NumberedWindow | undefined;
  /** Shared empty ones until the client's first key held by its string (most clients never have one). */
  named: Map<string, Entry> = NO_NAMES;
  queue: Entry[] = NO_QUEUE;
  head = 0;

  /**
   * `cap`: keys it holds by string at most, `maxKeysPerClient`; `maxKeys` for the keys of no client (no ":", such
   * as a custom client's UUIDs), which every such client shares.
   */
  constructor(readonly name: string, readonly cap: number) {}

  /** Does it hold a key (a numbered one still in the log, or one by string)? */
  holdsKeys(): boolean {
    return (this.numbered !== undefined && this.numbered.held > 0) || this.named.size > 0;
  }

  /** Are all its keys expired? */
  expired(now: number): boolean {
    return (this.numbered === undefined || this.numbered.lastExpires <= now) && this.named.size === 0;
  }

  /** Drops keys by string from the queue's front while expired or more than `cap`, `force` more. Returns how many. */
  evictNamed(now: number, force = 0): number {
    const cap = this.cap;
    const queue = this.queue;
    let dropped = 0;
    while (this.head < queue.length) {
      const oldest = queue[this.head]!;
      if (!oldest.dead) {
        if (force === 0 && oldest.expires > now && this.named.size <= cap) break;
        if (force > 0) force--;
        oldest.dead = true;
        this.named.delete(oldest.key);
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

/** The key's number after its client part (`at` is where that part ends), or -1 if it is not a plain decimal one. */
export function numberOf(key: string, at: number): number {
  const digits = key.length - at - 1;
  // No leading zero ("07" and "7" are different keys), and below 2^31, so `n & mask` is the slot.
  if (at <= 0 || digits < 1 || digits > 10 || (digits > 1 && key.charCodeAt(at + 1) === 48)) return -1;
  let n = 0;
  for (let i = at + 1; i < key.length; i++) {
    const digit = key.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n <= 0x7fffffff ? n : -1;
}

/**
 * Keys of one process, grouped by client (see the top of this file). The client of the last claim is remembered
 * (a socket's frames arrive together), and a run that completes right after its claim (a synchronous handler)
 * finds its slot without a second lookup.
 */
export class MemoryIdempotency implements IdempotencyStore {
  private readonly groups = new Map<string, KeyGroup>();
  /** Every client's numbered keys, oldest first. */
  private log: KeyLog;
  /** Keys held by their string, over all clients. */
  private namedHeld = 0;
  /** Swept in turn, one every SWEEP_EVERY claims: the clients in the order they came (forgotten ones leave at their turn). */
  private readonly turns: KeyGroup[] = [];
  private turn = 0;
  private claims = 0;
  /** The client of the last claim, and its keys: found again without slicing and hashing its name. */
  private lastName = "";
  private lastGroup: KeyGroup | undefined;
  /** The last claim: its key and where it is held (a slot of `lastGroup`'s window, or an entry). */
  private lastKey = "";
  /** The last claim's slot in `lastGroup`'s window (-1: none), holding `lastNumber`. */
  private lastSlot = -1;
  private lastNumber = EMPTY;
  private lastEntry: Entry | undefined;
  private readonly maxKeys: number;
  private readonly maxKeysPerClient: number;
  /** A client's index grows up to this many slots: the power of two at or above its cap. */
  private readonly maxSlots: number;

  constructor(options: MemoryIdempotencyOptions = {}) {
    this.maxKeys = positiveInteger(options.maxKeys, 100_000, "maxKeys");
    this.maxKeysPerClient = positiveInteger(options.maxKeysPerClient, 4_096, "maxKeysPerClient");
    this.maxSlots = 2 ** Math.min(30, Math.max(4, Math.ceil(Math.log2(this.maxKeysPerClient))));
    this.log = new KeyLog(this.maxKeys);
  }

  /** Keys held now (running or done). */
  get size(): number {
    return this.log.live + this.namedHeld;
  }

  claim(key: string, leaseMs: number): Claim {
    const now = coarseNow();
    if (++this.claims % SWEEP_EVERY === 0) this.sweep(now);
    const at = key.lastIndexOf(":");
    return this.claimIn(this.groupOf(key, at, true)!, numberOf(key, at), key, now, leaseMs);
  }

  /**
   * The keys of `client` (the part of a key before its last ":"), held by a connection whose requests carry numbered
   * keys: `claimNumbered` and `completeNumbered` then find them without reading a string per request.
   */
  clientKeys(client: string): ClientKeys {
    return { client, group: this.named(client) };
  }

  /**
   * What a claim of `<keys.client>:<n>` would answer, without holding the key: a synchronous handler's run then holds
   * it once, with its outcome (`settleNumbered`). `null`: n has left the client's window; claim it with
   * `claimNumbered`. While a run goes asynchronously, hold its key with `claimNumbered`.
   */
  peekNumbered(keys: ClientKeys, n: number): Claim | null {
    const group = this.groupFor(keys);
    const window = group.numbered;
    // A number above the client's highest is held by no slot, nor by string unless a run lost its slot (rare).
    if (window !== undefined && window.above(n) && group.named.size === 0) return CLAIMED;
    if (window !== undefined && !window.covers(n)) return null;
    return this.answerIn(group, n, undefined, keys.client, coarseNow()) ?? CLAIMED;
  }

  /**
   * A run of `<keys.client>:<n>` that `peekNumbered` found free ended synchronously: its outcome is held for
   * `windowMs`, in one step (no claim first: nothing else ran in between).
   */
  settleNumbered(keys: ClientKeys, n: number, event: string, ack: unknown, error: WireError | undefined, windowMs: number): void {
    const now = coarseNow();
    if (++this.claims % SWEEP_EVERY === 0) this.sweep(now);
    const group = this.groupFor(keys);
    const window = (group.numbered ??= new NumberedWindow(this.log, this.maxKeysPerClient, this.maxSlots));
    if (!window.settleNext(n, event, ack, error, now + windowMs)) {
      if (!window.covers(n)) return this.keep(`${keys.client}:${n}`, error === undefined ? { event, ack } : { event, error }, now, windowMs);
      window.settle(this.slotFor(window, n, now), event, ack, error, now + windowMs);
    }
    // The log holds at most maxKeys: only keys held by string can take the count past it.
    if (this.namedHeld > 0) this.makeRoom(now);
  }

  /** The group a connection holds, looked up again if the store forgot it. */
  private groupFor(keys: ClientKeys): KeyGroup {
    const group = keys.group as KeyGroup;
    return group.gone ? ((keys.group = this.named(keys.client)) as KeyGroup) : group;
  }

  /** `claim` of the key `<keys.client>:<n>` (n an integer from 0 to 2^31 - 1). */
  claimNumbered(keys: ClientKeys, n: number, leaseMs: number): Claim {
    const now = coarseNow();
    if (++this.claims % SWEEP_EVERY === 0) this.sweep(now);
    const group = this.groupFor(keys);
    this.lastName = keys.client;
    this.lastGroup = group;
    return this.claimIn(group, n, undefined, now, leaseMs);
  }

  /** `complete` of the key `<keys.client>:<n>`. */
  completeNumbered(keys: ClientKeys, n: number, record: IdempotencyRecord, windowMs: number): void {
    this.complete(`${keys.client}:${n}`, record, windowMs);
  }

  /**
   * What a live key numbered `n` of `group` answers (running, or done with its record), or undefined when none
   * holds it. `key` is its string, made from `client` only if needed.
   */
  private answerIn(group: KeyGroup, n: number, key: string | undefined, client: string, now: number): Claim | undefined {
    const window = group.numbered;
    const slot = window === undefined ? -1 : window.find(n);
    if (slot !== -1) {
      if (!window!.live(slot, now)) return undefined;
      return window!.running(slot) ? RUNNING : { state: "done", record: window!.record(slot) };
    }
    if (group.named.size > 0) {
      // A run that lost its slot while it went keeps its outcome by string (`keep`): it still answers.
      const kept = group.named.get(key ?? `${client}:${n}`);
      if (kept !== undefined && kept.expires > now) return answerOf(kept);
    }
    return undefined;
  }

  /** The slot of `n` in `window` (covered): the one it holds, or a new one. */
  private slotFor(window: NumberedWindow, n: number, now: number): number {
    const slot = window.find(n);
    return slot !== -1 ? slot : window.place(n, now);
  }

  /** A claim of `group`'s key numbered `n` (-1: not a number), `key` its string (undefined: made only if needed). */
  private claimIn(group: KeyGroup, n: number, key: string | undefined, now: number, leaseMs: number): Claim {
    // No completion takes the fast path until this claim succeeds.
    this.lastKey = "";
    this.lastEntry = undefined;
    this.lastSlot = -1;
    if (n !== EMPTY && (group.numbered ??= new NumberedWindow(this.log, this.maxKeysPerClient, this.maxSlots)).covers(n)) {
      const answer = this.answerIn(group, n, key, this.lastName, now);
      if (answer !== undefined) return answer;
      const window = group.numbered;
      const slot = this.slotFor(window, n, now);
      window.start(slot, now + leaseMs);
      this.lastSlot = slot;
      this.lastNumber = n;
    } else {
      key ??= `${this.lastName}:${n}`;
      const claim = this.claimNamed(group, key, now, leaseMs);
      if (claim !== CLAIMED) return claim;
    }
    if (key !== undefined) this.lastKey = key;
    if (this.namedHeld > 0) this.makeRoom(now);
    return CLAIMED;
  }

  complete(key: string, record: IdempotencyRecord, windowMs: number): void {
    const now = coarseNow();
    let group = key === this.lastKey ? this.lastGroup : undefined;
    let slot = group === undefined ? -1 : this.lastSlot;
    let entry = group === undefined ? undefined : this.lastEntry;
    this.lastKey = "";
    if (group === undefined) {
      const at = key.lastIndexOf(":");
      group = this.groupOf(key, at, false);
      const n = numberOf(key, at);
      if (group === undefined) return this.keep(key, record, now, windowMs);
      if (n !== EMPTY && group.numbered !== undefined && group.numbered.covers(n)) slot = group.numbered.find(n);
      if (slot === -1) entry = group.named.get(key);
    } else if (slot !== -1 && !group.numbered!.holds(slot, this.lastNumber)) slot = -1; // left the window meanwhile
    if (slot !== -1) group.numbered!.settle(slot, record.event, record.ack, record.error, now + windowMs);
    else if (entry !== undefined && !entry.dead) {
      entry.record = record;
      entry.expires = now + windowMs;
    } else this.keep(key, record, now, windowMs);
  }

  /**
   * A run of `key` still goes: its lease ends `leaseMs` from now. Looks the key up by its string without touching the
   * remembered last claim (`lastKey`, `lastGroup`), which a completion right after its claim reads.
   */
  renew(key: string, leaseMs: number): void {
    const at = key.lastIndexOf(":");
    const group = this.groups.get(at <= 0 ? "" : key.slice(0, at));
    if (group === undefined) return;
    const expires = coarseNow() + leaseMs;
    const n = numberOf(key, at);
    const window = group.numbered;
    const slot = n === EMPTY || window === undefined || !window.covers(n) ? -1 : window.find(n);
    if (slot !== -1) {
      if (window!.running(slot)) window!.start(slot, expires);
      return;
    }
    const entry = group.named.get(key);
    if (entry !== undefined && !entry.dead && entry.record === undefined) entry.expires = expires;
  }

  close(): Promise<void> {
    for (const group of this.groups.values()) group.gone = true;
    this.groups.clear();
    this.turns.length = 0;
    this.log = new KeyLog(this.maxKeys);
    this.namedHeld = 0;
    this.lastKey = "";
    this.lastGroup = undefined;
    this.lastEntry = undefined;
    return Promise.resolve();
  }

  /** A key held by its string: claimed, running, or done. */
  private claimNamed(group: KeyGroup, key: string, now: number, leaseMs: number): Claim {
    const held = group.named.get(key);
    if (held !== undefined) {
      if (held.expires > now) return answerOf(held);
      held.dead = true;
    } else this.namedHeld++;
    const fresh: Entry = { key, record: undefined, expires: now + leaseMs, dead: false };
    if (group.named === NO_NAMES) {
      group.named = new Map();
      group.queue = [];
    }
    group.named.set(key, fresh);
    group.queue.push(fresh);
    this.namedHeld -= group.evictNamed(now);
    this.lastEntry = fresh;
    return CLAIMED;
  }

  /** The run of `key` lost its place while it went (its client's window moved on, or maxKeys): keep its outcome. */
  private keep(key: string, record: IdempotencyRecord, now: number, windowMs: number): void {
    const at = key.lastIndexOf(":");
    const group = this.groupOf(key, at, true)!;
    const held = group.named.get(key);
    if (held !== undefined && !held.dead) {
      held.record = record;
      held.expires = now + windowMs;
      return;
    }
    this.claimNamed(group, key, now, windowMs);
    this.lastEntry!.record = record;
    this.lastEntry = undefined;
    this.makeRoom(now);
  }

  /** The keys of the client `key` belongs to (the part before its last ":", `at`; none: the shared "" client). */
  private groupOf(key: string, at: number, create: boolean): KeyGroup | undefined {
    const name = this.lastName;
    if (this.lastGroup !== undefined && (at <= 0 ? name.length === 0 : at === name.length && key.startsWith(name))) return this.lastGroup;
    const wanted = at <= 0 ? "" : key.slice(0, at);
    const group = create ? this.named(wanted) : this.groups.get(wanted);
    if (group === undefined) return undefined;
    this.lastName = wanted;
    this.lastGroup = group;
    return group;
  }

  /** The keys of the client `name`, made on first use. */
  private named(name: string): KeyGroup {
    let group = this.groups.get(name);
    if (group === undefined) {
      if (this.groups.size >= this.maxKeys) this.forgetIdle();
      this.groups.set(name, (group = new KeyGroup(name, name === "" ? this.maxKeys : this.maxKeysPerClient)));
      // Forgotten clients wait in the turns until the sweep reaches them: past twice the known ones, they go at once.
      if (this.turns.length >= 2 * this.groups.size + SWEEP_EVERY) this.compactTurns();
      this.turns.push(group);
    }
    return group;
  }

  /**
   * As many clients known as `maxKeys`: every key belongs to one client, so past it some hold none (the log reused
   * their entries, their keys by string went). The longest-known are looked at, `IDLE_LOOKS` of them: one that holds
   * no key is forgotten, one that does goes to the back. Without this, a connection naming a new client on every
   * request (`"key": "<new>:1"`) made a client per request, kept until its keys' window ended, whatever `maxKeys` said.
   */
  private forgetIdle(): void {
    let looks = IDLE_LOOKS;
    for (const [name, group] of this.groups) {
      if (looks-- === 0 || this.groups.size < this.maxKeys) return;
      this.groups.delete(name);
      if (group.holdsKeys()) this.groups.set(name, group);
      else this.forget(group);
    }
  }

  /** The turns without the clients forgotten since they were taken (the sweep skips those one at a time). */
  private compactTurns(): void {
    const turns = this.turns;
    let kept = 0;
    for (const group of turns) if (!group.gone) turns[kept++] = group;
    turns.length = kept;
    this.turn = 0;
  }

  /**
   * The next client in turn: its expired keys by string go, and all of it once every key has expired. An array and a
   * cursor, not the Map: a Map's delete and set per sweep (to send the client to the back) cost ~3 points of keyed
   * request/ack at capacity.
   */
  private sweep(now: number): void {
    const turns = this.turns;
    if (this.turn >= turns.length) this.turn = 0;
    const group = turns[this.turn];
    if (group === undefined) return;
    if (!group.gone) {
      this.namedHeld -= group.evictNamed(now);
      if (!group.expired(now)) {
        this.turn++;
        return;
      }
      this.forget(group);
    }
    // It leaves the turns: the last one takes its place.
    turns[this.turn] = turns[turns.length - 1]!;
    turns.pop();
  }

  /**
   * Past `maxKeys` (numbered keys and keys held by string together): the oldest numbered keys go first, whoever's
   * they are, one by one; once none is left, keys held by string go (`dropOldestNamed`).
   */
  private makeRoom(now: number): void {
    while (this.log.live + this.namedHeld > this.maxKeys) {
      if (this.log.live === 0) return this.dropOldestNamed(now);
      this.log.evictOldest();
    }
  }

  /**
   * Keys held by string past `maxKeys`: the oldest of the longest-known clients go, down to 1/64 below it (so this
   * runs once per many claims), at most half of a client's keys per turn; a client that keeps keys goes to the back
   * of the line, so the next turn takes from another one.
   */
  private dropOldestNamed(now: number): void {
    const floor = this.maxKeys - (this.maxKeys >> 6);
    for (const [name, group] of this.groups) {
      if (this.namedHeld <= floor) return;
      const share = Math.min(this.namedHeld - floor, (group.named.size + 1) >> 1);
      this.namedHeld -= group.evictNamed(now, share);
      this.groups.delete(name);
      if (group.named.size > 0 || group.numbered !== undefined) this.groups.set(name, group);
      else this.forget(group);
    }
  }

  private forget(group: KeyGroup): void {
    this.namedHeld -= group.named.size;
    group.numbered?.clear();
    group.gone = true;
    this.groups.delete(group.name);
    if (group === this.lastGroup) {
      this.lastGroup = undefined;
      this.lastKey = "";
    }
  }
}

/** What a live key held by its string answers a claim: its run still goes, or its record. */
function answerOf(entry: Entry): Claim {
  return entry.record === undefined ? RUNNING : { state: "done", record: entry.record };
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 1) throw new BunwireError("INVALID_OPTION", `MemoryIdempotency: ${name} must be an integer >= 1, got ${String(value)}`);
  return chosen;
}
