// The in-memory idempotency store of one instance (the default of `handle(..., { idempotency: true })`).
//
// Keys are grouped by client: the part of a key before its last ":" (bunwire's client sends `<clientId>:<n>`, n
// counting up). A client's numbered keys live in a ring of slots indexed by the number (number, expiry and outcome
// side by side, in chunks of 64 slots): a new key writes the slot after the last one, and the key that leaves the
// client's window sits a fixed distance behind, so a claim touches memory in order and no hash table. (A Map of
// thousands of keys per client, each insert and delete at a random place in memory, cost more than the rest of a keyed
// request.) Any other key (a custom client's UUIDs, a number older than the window) goes to a Map with a queue in claim
// order. Times come from the engine's coarse clock (a millisecond tick): two `Date.now()` calls were a fifth of what a
// key cost.

import { coarseNow } from "../engine/coarse-clock.ts";
import { BunwireError } from "../engine/errors.ts";
import type { WireError } from "./envelope.ts";
import type { Claim, IdempotencyRecord, IdempotencyStore } from "./idempotency.ts";

export interface MemoryIdempotencyOptions {
  /**
   * Keys kept at most, over all clients; past it clients' oldest keys go, taking turns from the longest-known, at
   * most half of a client's keys per turn (default 100 000).
   */
  maxKeys?: number;
  /**
   * Keys kept per client, the part of a key before its last ":" (bunwire's client sends `<clientId>:<n>`, so each
   * client has its own window): its keys numbered within this many of its highest number, and as many other keys,
   * the oldest going first (default 4 096). Keys with no ":" (a custom client's UUIDs) belong to no client: only
   * `maxKeys` bounds them.
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

/** Slots a client's ring starts with: a client that sends a few keys costs a few hundred bytes. */
const FIRST_SLOTS = 8;

/** Values per slot of a ring: [number, expires, event, ack, error]. */
const SLOT = 5;

/**
 * Slots per chunk of a ring (2^CHUNK_BITS). A ring is an array of small arrays, not one large one: the garbage
 * collector rescans a whole array that was written since its last collection, and a ring is written on every
 * request, so one array of 4 096 slots was rescanned in full by every young collection (GC time per request tripled);
 * now only the chunks written since, the client's newest.
 */
const CHUNK_BITS = 6;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;

/**
 * A client's numbered keys within its window: the numbers in (top - cap, top], each in slot `n & mask`. A slot holds
 * its number, when it expires and the run's outcome (`event` undefined while the run goes), side by side in its
 * chunk: a claim reads one object and touches one or two neighbouring cache lines (the loads a claim chains one
 * after another, from the connection to its slot, cost more than the arithmetic). The ring starts small and doubles
 * while the window needs more slots, up to a power of two >= cap, where two numbers of one window can no longer
 * share a slot.
 */
class NumberedWindow {
  private chunks = newChunks(FIRST_SLOTS);
  private mask = FIRST_SLOTS - 1;
  /** The highest number claimed; `EMPTY` before the first. */
  private top = EMPTY;
  /** Numbers up to this one were trimmed away (past `maxKeys`): they are outside the window too. */
  private low = EMPTY;
  /** Slots that hold a number of the window. */
  count = 0;
  /** The latest expiry written: once it has passed, every key here has expired. */
  lastExpires = 0;

  constructor(private readonly cap: number, private readonly maxSlots: number) {}

  /** Is `n` above every number claimed so far (so no slot holds it)? */
  above(n: number): boolean {
    return n > this.top;
  }

  /** Is `n` inside the window (or above it: a new top)? Numbers at or below `top - cap` (or `low`) have left it. */
  covers(n: number): boolean {
    return n > this.top - this.cap && n > this.low;
  }

  /** The number slot `slot` holds (`EMPTY`: none). */
  private held(slot: number): number {
    return this.chunks[slot >> CHUNK_BITS]![(slot & CHUNK_MASK) * SLOT] as number;
  }

  /** The slot holding `n`, or -1. */
  find(n: number): number {
    const at = n & this.mask;
    return this.held(at) === n ? at : -1;
  }

  holds(slot: number, n: number): boolean {
    return this.held(slot) === n;
  }

  live(slot: number, now: number): boolean {
    return (this.chunks[slot >> CHUNK_BITS]![(slot & CHUNK_MASK) * SLOT + 1] as number) > now;
  }

  running(slot: number): boolean {
    return this.chunks[slot >> CHUNK_BITS]![(slot & CHUNK_MASK) * SLOT + 2] === undefined;
  }

  /** The slot's outcome as a record (a new object: a repeat is rare). */
  record(slot: number): IdempotencyRecord {
    const chunk = this.chunks[slot >> CHUNK_BITS]!;
    const at = (slot & CHUNK_MASK) * SLOT;
    const event = chunk[at + 2] as string;
    const error = chunk[at + 4] as WireError | undefined;
    return error === undefined ? { event, ack: chunk[at + 3] } : { event, error };
  }

  /** A run starts in the slot: no outcome yet, held until `expires`. */
  start(slot: number, expires: number): void {
    const chunk = this.chunks[slot >> CHUNK_BITS]!;
    const at = (slot & CHUNK_MASK) * SLOT;
    chunk[at + 1] = expires;
    // No event marks a run that goes; `settle` writes all three (a slot taken over may keep an old ack until then).
    chunk[at + 2] = undefined;
    if (expires > this.lastExpires) this.lastExpires = expires;
  }

  /** The slot's run ended with this outcome, kept until `expires`. */
  settle(slot: number, event: string, ack: unknown, error: WireError | undefined, expires: number): void {
    const chunk = this.chunks[slot >> CHUNK_BITS]!;
    const at = (slot & CHUNK_MASK) * SLOT;
    chunk[at + 1] = expires;
    chunk[at + 2] = event;
    chunk[at + 3] = ack;
    chunk[at + 4] = error;
    if (expires > this.lastExpires) this.lastExpires = expires;
  }

  /**
   * The usual synchronous run: `n` is the next number and its slot is free or holds the number leaving the window,
   * so `n` takes it with its outcome in one step. Returns how many more slots are held (0 or 1), or -1 when `n` is
   * not such a number (then `place` and `settle` do it).
   */
  settleNext(n: number, event: string, ack: unknown, error: WireError | undefined, expires: number): number {
    if (n !== this.top + 1) return -1;
    const before = this.count;
    const at = this.takeNext(n);
    if (at === -1) return -1;
    this.settle(at, event, ack, error, expires);
    return this.count - before;
  }

  /**
   * A slot for `n` (covered, not held): moves the window up when `n` is a new top, grows the ring when the slot
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
      const held = this.held(at);
      if (held === EMPTY || !this.covers(held) || !this.live(at, now) || this.mask + 1 >= this.maxSlots) break;
      this.grow();
      at = n & this.mask;
    }
    this.take(at, n);
    return at;
  }

  /**
   * The usual claim: `n` is the next number, so one number leaves the window (`n - cap`). When `n`'s slot is empty,
   * or holds that leaving number (a ring of `cap` slots), `n` takes the slot and the leaving number goes: what
   * `raise` and `place` would do, in one look at the slot. -1 when the slot holds another number.
   */
  private takeNext(n: number): number {
    const at = n & this.mask;
    // None leaves below 0, nor at or below `low` (those went already).
    const leaving = n - this.cap > this.low ? n - this.cap : EMPTY;
    const held = this.held(at);
    if (held === EMPTY) {
      // A ring larger than `cap` keeps the leaving number in a slot of its own.
      if (leaving !== EMPTY && this.held(leaving & this.mask) === leaving) this.free(leaving & this.mask);
    } else if (held !== leaving) return -1;
    this.take(at, n);
    this.top = n;
    return at;
  }

  /** `n` goes into slot `at` (empty, or holding a number that leaves). */
  private take(at: number, n: number): void {
    const chunk = this.chunks[at >> CHUNK_BITS]!;
    const first = (at & CHUNK_MASK) * SLOT;
    if (chunk[first] === EMPTY) this.count++;
    chunk[first] = n;
  }

  /** Frees the window's `count` oldest numbers (all it holds, if fewer), and returns how many it freed. */
  trim(count: number): number {
    let freed = 0;
    let left = Math.max(this.top - this.cap, this.low) + 1;
    for (; left <= this.top && freed < count; left++) {
      const at = left & this.mask;
      if (this.held(at) === left) {
        this.free(at);
        freed++;
      }
    }
    this.low = left - 1;
    return freed;
  }

  /** The window moves up to `n`: the numbers that leave it, (top - cap, n - cap], free their slots. */
  private raise(n: number): void {
    const last = n - this.cap;
    const slots = this.mask + 1;
    if (n - this.top >= slots) {
      for (let at = 0; at < slots; at++) {
        const held = this.held(at);
        if (held !== EMPTY && held <= last) this.free(at);
      }
    } else {
      for (let left = Math.max(0, this.top - this.cap + 1, this.low + 1); left <= last; left++) {
        const at = left & this.mask;
        if (this.held(at) === left) this.free(at);
      }
    }
    this.top = n;
  }

  private free(slot: number): void {
    const chunk = this.chunks[slot >> CHUNK_BITS]!;
    const first = (slot & CHUNK_MASK) * SLOT;
    chunk[first] = EMPTY;
    // Its ack and error are let go; its event (a protocol's event name, kept anyway) is read only once it is held.
    chunk[first + 3] = chunk[first + 4] = undefined;
    this.count--;
  }

  /** Twice the slots; every held number of the window moves to its slot in the larger ring. */
  private grow(): void {
    const old = this.chunks;
    const size = (this.mask + 1) * 2;
    this.chunks = newChunks(size);
    this.mask = size - 1;
    this.count = 0;
    for (const chunk of old) {
      for (let from = 0; from < chunk.length; from += SLOT) {
        const n = chunk[from] as number;
        if (n === EMPTY || !this.covers(n)) continue;
        const slot = n & this.mask;
        const to = this.chunks[slot >> CHUNK_BITS]!;
        const at = (slot & CHUNK_MASK) * SLOT;
        for (let i = 0; i < SLOT; i++) to[at + i] = chunk[from + i];
        this.count++;
      }
    }
  }
}

/** A ring of `size` empty slots (every number `EMPTY`, every outcome undefined), in chunks of up to 2^CHUNK_BITS. */
function newChunks(size: number): unknown[][] {
  const perChunk = Math.min(size, CHUNK_MASK + 1);
  return Array.from({ length: size / perChunk }, () => {
    const chunk = new Array<unknown>(perChunk * SLOT).fill(undefined);
    for (let at = 0; at < chunk.length; at += SLOT) chunk[at] = EMPTY;
    return chunk;
  });
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
  constructor(readonly cap: number) {}

  get size(): number {
    return (this.numbered?.count ?? 0) + this.named.size;
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
  private held = 0;
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
  /** A client's ring grows up to this many slots: the power of two at or above its cap. */
  private readonly maxSlots: number;

  constructor(options: MemoryIdempotencyOptions = {}) {
    this.maxKeys = positiveInteger(options.maxKeys, 100_000, "maxKeys");
    this.maxKeysPerClient = positiveInteger(options.maxKeysPerClient, 4_096, "maxKeysPerClient");
    this.maxSlots = 2 ** Math.min(30, Math.max(4, Math.ceil(Math.log2(this.maxKeysPerClient))));
  }

  /** Keys held now (running or done). */
  get size(): number {
    return this.held;
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
    const window = (group.numbered ??= new NumberedWindow(this.maxKeysPerClient, this.maxSlots));
    const added = window.settleNext(n, event, ack, error, now + windowMs);
    if (added !== -1) {
      this.held += added;
      if (this.held > this.maxKeys) this.dropOldest(now);
      return;
    }
    if (!window.covers(n)) return this.keep(`${keys.client}:${n}`, error === undefined ? { event, ack } : { event, error }, now, windowMs);
    window.settle(this.slotFor(window, n, now), event, ack, error, now + windowMs);
    if (this.held > this.maxKeys) this.dropOldest(now);
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
    if (slot !== -1) return slot;
    const before = window.count;
    const placed = window.place(n, now);
    this.held += window.count - before;
    return placed;
  }

  /** A claim of `group`'s key numbered `n` (-1: not a number), `key` its string (undefined: made only if needed). */
  private claimIn(group: KeyGroup, n: number, key: string | undefined, now: number, leaseMs: number): Claim {
    // No completion takes the fast path until this claim succeeds.
    this.lastKey = "";
    this.lastEntry = undefined;
    this.lastSlot = -1;
    if (n !== EMPTY && (group.numbered ??= new NumberedWindow(this.maxKeysPerClient, this.maxSlots)).covers(n)) {
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
    if (this.held > this.maxKeys) this.dropOldest(now);
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

  close(): Promise<void> {
    for (const group of this.groups.values()) group.gone = true;
    this.groups.clear();
    this.held = 0;
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
    } else this.held++;
    const fresh: Entry = { key, record: undefined, expires: now + leaseMs, dead: false };
    if (group.named === NO_NAMES) {
      group.named = new Map();
      group.queue = [];
    }
    group.named.set(key, fresh);
    group.queue.push(fresh);
    this.held -= group.evictNamed(now);
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
    if (this.held > this.maxKeys) this.dropOldest(now);
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
    if (group === undefined) this.groups.set(name, (group = new KeyGroup(name === "" ? this.maxKeys : this.maxKeysPerClient)));
    return group;
  }

  /** The longest-known client: its expired keys by string go, and all of it once every key has expired. */
  private sweep(now: number): void {
    for (const [name, group] of this.groups) {
      this.held -= group.evictNamed(now);
      if (group.expired(now)) this.forget(name, group);
      else {
        this.groups.delete(name);
        this.groups.set(name, group);
      }
      return;
    }
  }

  /**
   * Past `maxKeys`: the oldest keys of the longest-known clients go, down to 1/64 below it (so this runs once per many
   * claims), at most half of a client's keys per turn; a client that keeps keys goes to the back of the line, so the
   * next trim takes from another one. A busy client is never emptied, so it is not forgotten and its ring is not
   * built again from 8 slots (64 busy clients past `maxKeys` ran at 0.67x of keyed frames with those rebuilds, 0.78x
   * without).
   */
  private dropOldest(now: number): void {
    const floor = this.maxKeys - (this.maxKeys >> 6);
    for (const [name, group] of this.groups) {
      if (this.held <= floor) return;
      let share = Math.min(this.held - floor, (group.size + 1) >> 1);
      const named = group.evictNamed(now, Math.min(share, group.named.size));
      this.held -= named;
      share -= named;
      if (share > 0 && group.numbered !== undefined) this.held -= group.numbered.trim(share);
      this.groups.delete(name);
      if (group.size > 0) this.groups.set(name, group);
      else this.forget(name, group);
    }
  }

  private forget(name: string, group: KeyGroup): void {
    this.held -= group.size;
    group.gone = true;
    this.groups.delete(name);
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
