// Exactly-once effects for client requests that carry a key (`handle(..., { idempotency })`): the first arrival of a
// key claims it and runs the handler; its outcome (ack or error reply) is kept for `windowMs`; a repeat within the
// window gets that outcome again, under its own request id, without running the handler; a repeat that arrives while
// the first run still goes waits for it (on this instance through its promise, whatever the store says; across
// instances by asking the store again, while this instance renews the run's lease until it ends). Keys are scoped to
// the caller: the connection's user when it has one, else the key itself, which bunwire's client makes from a random
// per-client id and session, so no client reads another's reply. A key comes as a string
// (`key`), or as a number of the client a string key named on this connection: `k`, or the request's id once that
// string key came with `keys: "id"` (key-scope.ts); with the memory store all go straight to that client's keys.

import { CONNECTION, type PinnedSocket } from "../engine/connection.ts";
import { MAX_TIMER_MS } from "../engine/limits.ts";
import { isThenable } from "../engine/thenable.ts";
import type { Route } from "./route.ts";
import type { Envelope, WireError } from "./envelope.ts";
import { ProtocolError } from "./errors.ts";
import type { Claim, IdempotencyRecord, IdempotencyStore } from "./idempotency.ts";
import { MemoryIdempotency, numberOf, type ClientKeys } from "./memory-idempotency.ts";
import { noteScope, scopedKey, scopeOf, type KeyScope } from "./key-scope.ts";
import type { ProtocolSocket } from "./reply.ts";

export interface IdempotencyOptions {
  /** Where keys are kept (default: a `MemoryIdempotency` of this handle(); `redisIdempotency` for several instances). */
  store?: IdempotencyStore;
  /** How long a key's outcome is remembered after its run (default 300 000 ms = 5 minutes). */
  windowMs?: number;
  /**
   * How long a run holds its key without word from its instance, which renews it every `leaseMs / 3` while the
   * handler runs: a repeat runs the handler again only when the instance running it died (default 60 000).
   */
  leaseMs?: number;
}

export interface Idempotency {
  readonly store: IdempotencyStore;
  readonly windowMs: number;
  readonly leaseMs: number;
}

/** Reads `handle({ idempotency })`, once checked (handle-options.ts): false/undefined is off, true the defaults. */
export function readIdempotency(value: boolean | IdempotencyOptions | undefined): Idempotency | undefined {
  if (value === undefined || value === false) return undefined;
  const options: IdempotencyOptions = value === true ? {} : value;
  return { store: options.store ?? new MemoryIdempotency(), windowMs: options.windowMs ?? 300_000, leaseMs: options.leaseMs ?? 60_000 };
}

const MAX_KEY_LENGTH = 200;

/** What the dispatcher lends this module: how it answers a run's outcome. */
export interface OnceHooks {
  /** The handler returned (or resolved with) `result`: ack it. */
  settled(ws: ProtocolSocket, route: Route, id: number | undefined, binary: boolean, result: unknown): void;
  /** The handler threw: answer and report it. */
  failed(ws: ProtocolSocket, route: Route, id: number | undefined, binary: boolean, error: unknown): void;
  /** Answer a repeat with a recorded outcome, or a bad key with its error. */
  reply(ws: ProtocolSocket, route: Route, id: number | undefined, binary: boolean, outcome: IdempotencyRecord): void;
  toWire(error: unknown, event: string): WireError;
}

/**
 * `envelope` carries `key` (a string, with `keys: "id"` when it makes the connection keyed by ids), `k` (a number of
 * the connection's client), or neither on a connection keyed by ids (its `id` is the number).
 */
export type RunOnce = (ws: ProtocolSocket, route: Route, value: unknown, id: number | undefined, binary: boolean, envelope: Envelope) => void | Promise<void>;

export function compileOnce(idempotency: Idempotency, hooks: OnceHooks): RunOnce {
  const { store, windowMs, leaseMs } = idempotency;
  /** Runs of this handle() still going, by scoped key: a repeat here awaits the run instead of asking the store. */
  const running = new Map<string, Promise<IdempotencyRecord>>();
  /** The store failed and it was logged: quiet until a claim works again. */
  let storeDown = false;
  /** Renews the leases of `running` every leaseMs / 3 while there are any: one timer per handle(), not one per run. */
  let renewal: ReturnType<typeof setInterval> | undefined;
  /** A renewal failed and it was logged: quiet until one works again. */
  let renewalDown = false;

  function renewLeases(): void {
    if (running.size === 0) {
      clearInterval(renewal);
      renewal = undefined;
      return;
    }
    for (const scoped of running.keys()) {
      try {
        const renewed = store.renew!(scoped, leaseMs);
        if (isThenable(renewed)) renewed.then(renewedOk, unrenewed);
        else renewalDown = false;
      } catch (error) {
        unrenewed(error);
      }
    }
  }

  function renewedOk(): void {
    renewalDown = false;
  }

  function unrenewed(error: unknown): void {
    if (!renewalDown) console.error(`[bunwire] idempotency store could not renew the lease of a running key (another instance may run it again once the lease ends):`, error);
    renewalDown = true;
  }

  function record(scoped: string, kept: IdempotencyRecord): IdempotencyRecord {
    try {
      const stored = store.complete(scoped, kept, windowMs);
      if (isThenable(stored)) stored.then(undefined, (error: unknown) => unrecorded(kept.event, error));
    } catch (error) {
      unrecorded(kept.event, error);
    }
    return kept;
  }

  /**
   * Runs the handler of a key this run may take, and holds its outcome. `keys` and `n`: a numbered key of the memory
   * store that `peekNumbered` found free, not held yet: a synchronous outcome is held in one step, and a run that
   * goes on holds the key (`claimNumbered`) before anything else runs. Otherwise `scoped` was claimed already.
   */
  function execute(ws: ProtocolSocket, route: Route, value: unknown, id: number | undefined, binary: boolean, scoped: string, keys?: ClientKeys, n = -1): void | Promise<void> {
    let result: unknown;
    try {
      result = route.handler.call(route.self, ws, value);
    } catch (error) {
      keep(scoped, keys, n, route.event, undefined, hooks.toWire(error, route.event));
      return hooks.failed(ws, route, id, binary, error);
    }
    if (!isThenable(result)) {
      keep(scoped, keys, n, route.event, result, undefined);
      return hooks.settled(ws, route, id, binary, result);
    }
    if (keys === undefined) return goesOn(ws, route, id, binary, scoped, result);
    memory!.claimNumbered(keys, n, leaseMs);
    return goesOn(ws, route, id, binary, `${scoped}:${n}`, result);
  }

  /** A synchronous run's outcome: into the memory store's numbered slot, or the store's record of `scoped`. */
  function keep(scoped: string, keys: ClientKeys | undefined, n: number, event: string, ack: unknown, error: WireError | undefined): void {
    if (keys !== undefined) memory!.settleNumbered(keys, n, event, ack, error, windowMs);
    else record(scoped, error === undefined ? { event, ack } : { event, error });
  }

  /** A run whose handler returned a promise: its key is held (running) until it settles, then holds the outcome. */
  function goesOn(ws: ProtocolSocket, route: Route, id: number | undefined, binary: boolean, scoped: string, result: PromiseLike<unknown>): Promise<void> {
    let thrown: unknown;
    const run = Promise.resolve(result).then(
      (ack) => record(scoped, { event: route.event, ack }),
      (error: unknown) => {
        thrown = error;
        return record(scoped, { event: route.event, error: hooks.toWire(error, route.event) });
      },
    );
    running.set(scoped, run);
    if (renewal === undefined && store.renew !== undefined) {
      renewal = setInterval(renewLeases, Math.min(leaseMs / 3, MAX_TIMER_MS));
      // Not what keeps a process alive: it stops by itself once no run goes.
      (renewal as { unref?: () => void }).unref?.();
    }
    return run.then((kept) => {
      running.delete(scoped);
      // The reply goes to the socket that asked, if it is still there: a retry elsewhere reads the record.
      if (kept.error === undefined) hooks.settled(ws, route, id, binary, kept.ack);
      else hooks.failed(ws, route, id, binary, thrown);
    });
  }

  function repeat(ws: ProtocolSocket, route: Route, id: number | undefined, binary: boolean, kept: IdempotencyRecord): void {
    if (kept.event !== route.event) {
      return hooks.reply(ws, route, id, binary, { event: route.event, error: { code: "IDEMPOTENCY_CONFLICT", message: `this key was used for "${kept.event}", not "${route.event}"` } });
    }
    hooks.reply(ws, route, id, binary, kept);
  }

  function claimed(ws: ProtocolSocket, route: Route, value: unknown, id: number | undefined, binary: boolean, scoped: string, claim: Claim): void | Promise<void> {
    storeDown = false;
    if (claim.state === "claimed") {
      // A run of this key still goes here (its lease ran out while the event loop was blocked, or the store lost it):
      // wait for it, whatever the store says.
      const local = running.size === 0 ? undefined : running.get(scoped);
      if (local !== undefined) return follow(ws, route, id, binary, local);
      return execute(ws, route, value, id, binary, scoped);
    }
    if (claim.state === "done") return repeat(ws, route, id, binary, claim.record);
    return wait(ws, route, value, id, binary, scoped);
  }

  /** A repeat of a run that goes on this instance: its outcome, when it comes. */
  async function follow(ws: ProtocolSocket, route: Route, id: number | undefined, binary: boolean, run: Promise<IdempotencyRecord>): Promise<void> {
    return repeat(ws, route, id, binary, await run);
  }

  /** A run holds the key: await it here, or ask the store until it completes (or its lease ends: run then). */
  async function wait(ws: ProtocolSocket, route: Route, value: unknown, id: number | undefined, binary: boolean, scoped: string): Promise<void> {
    const local = running.get(scoped);
    if (local !== undefined) return repeat(ws, route, id, binary, await local);
    for (let delay = 10; ; delay = Math.min(delay * 2, 250)) {
      await Bun.sleep(delay); // the store has no completion event to await: poll it, backing off
      if (ws.readyState !== 1) return;
      const claim = await store.claim(scoped, leaseMs);
      if (claim.state !== "running") return claimed(ws, route, value, id, binary, scoped, claim);
    }
  }

  const memory = store instanceof MemoryIdempotency ? store : undefined;

  /**
   * A numbered key of the memory store, through the connection's hold on its client. A free key runs at once and
   * its outcome is held in one step when the handler returns (no claim before: nothing else runs meanwhile); a run
   * that goes on holds its key until it settles.
   */
  function onceNumbered(ws: ProtocolSocket, route: Route, value: unknown, id: number | undefined, binary: boolean, scope: KeyScope, n: number): void | Promise<void> {
    const keys = scope.keys!;
    const held = memory!.peekNumbered(keys, n);
    if (held === null) return claimed(ws, route, value, id, binary, `${scope.scoped}:${n}`, memory!.claimNumbered(keys, n, leaseMs));
    if (held.state !== "claimed") return claimed(ws, route, value, id, binary, `${scope.scoped}:${n}`, held);
    // Free in the store, but maybe still running here (its lease lapsed): the string only while some run goes.
    if (running.size !== 0) {
      const local = running.get(`${scope.scoped}:${n}`);
      if (local !== undefined) return follow(ws, route, id, binary, local);
    }
    return execute(ws, route, value, id, binary, scope.scoped, keys, n);
  }

  return function once(ws, route, value, id, binary, envelope) {
    const user = (ws as unknown as PinnedSocket)[CONNECTION]?.user;
    const key = envelope.key;
    if (key === undefined) {
      // A number of the client a string key named: `k`, or the request id on a connection keyed by ids (the usual
      // keyed request of bunwire's client); in the memory store, synchronous.
      const k = envelope.k;
      const n = k === undefined ? id : k;
      const scope = scopeOf(ws);
      if (scope !== undefined && scope.keys !== undefined && scope.owner === memory && typeof n === "number" && (n | 0) === n && n >= 0 && scope.user === user) {
        return onceNumbered(ws, route, value, id, binary, scope, n);
      }
      if (envelope.keys !== undefined) return badKey(ws, route, id, binary, 'envelope.keys ("id") goes with a string key <client>:<n>, which names the client');
      const field = k === undefined ? "envelope.id (the key on a connection keyed by ids)" : "envelope.k";
      if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) return badKey(ws, route, id, binary, `${field} must be an integer >= 0`);
      if (scope === undefined || scope.user !== user) return badKey(ws, route, id, binary, `${field} needs a string key <client>:<n> earlier on this connection (under the same user): it names the client`);
      // A store that reads strings, or a number past the memory store's windows: the whole key.
      return claimByString(ws, route, value, id, binary, `${scope.scoped}:${n}`);
    }
    if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH || key.charCodeAt(0) < 33) {
      return badKey(ws, route, id, binary, `envelope.key must be a string of 1 to ${MAX_KEY_LENGTH} characters, not starting with a space or control character`);
    }
    const keys = envelope.keys;
    if (keys !== undefined && keys !== "id") return badKey(ws, route, id, binary, 'envelope.keys must be "id" when present');
    const scope = noteScope(ws, key, user, memory, keys === "id");
    // `<client>:<n>` with n a plain number: the same key as `k: n`, found the same way (no lookup of its client).
    const n = scope?.keys === undefined ? -1 : numberOf(key, scope.client.length);
    if (n !== -1) return onceNumbered(ws, route, value, id, binary, scope!, n);
    // An anonymous key is used as it is (no copy on the hot path).
    return claimByString(ws, route, value, id, binary, scopedKey(user, key));
  };

  function claimByString(ws: ProtocolSocket, route: Route, value: unknown, id: number | undefined, binary: boolean, scoped: string): void | Promise<void> {
    let claim: Claim | Promise<Claim>;
    try {
      claim = store.claim(scoped, leaseMs);
    } catch (error) {
      return unavailable(ws, route, id, binary, error);
    }
    if (isThenable(claim)) return claim.then((result) => claimed(ws, route, value, id, binary, scoped, result), (error: unknown) => unavailable(ws, route, id, binary, error));
    return claimed(ws, route, value, id, binary, scoped, claim);
  }

  function badKey(ws: ProtocolSocket, route: Route, id: number | undefined, binary: boolean, message: string): void {
    const error = new ProtocolError("INVALID_ENVELOPE", message);
    return hooks.reply(ws, route, id, binary, { event: route.event, error: { code: error.code, message: error.message } });
  }

  /** The store is down: refuse rather than run a handler that may already have run elsewhere (logged once per outage). */
  function unavailable(ws: ProtocolSocket, route: Route, id: number | undefined, binary: boolean, error: unknown): void {
    if (!storeDown) console.error(`[bunwire] idempotency store unavailable: keyed requests are refused with IDEMPOTENCY_UNAVAILABLE until it answers again:`, error);
    storeDown = true;
    hooks.reply(ws, route, id, binary, { event: route.event, error: { code: "IDEMPOTENCY_UNAVAILABLE", message: `"${route.event}" was not run: its key could not be checked; retry later` } });
  }
}

function unrecorded(event: string, error: unknown): void {
  console.error(`[bunwire] idempotency store could not record the outcome of "${event}" (a retry may run it again once its lease ends):`, error);
}
