// The engine's per-connection record. It is pinned on the socket under a symbol at `open`, taken from the data
// object the upgrade carried, so user code may replace `ws.data` wholesale and dispatch still finds its route.
// It is kept small (issue 16 counts bytes per idle connection): the id is a number until someone reads it,
// the rate-limit bucket exists only when a limit is set, the address only when caps or a proxy needed it.

import type { ConnectionInfo, ConnectionUser } from "./identity.ts";
import type { RateBucket } from "./message-rate.ts";
import type { Params } from "./path-pattern.ts";
import type { Policy } from "./policy.ts";
import { SIZES, type Sizes } from "./sizes.ts";
import type { RouteHandlers, Socket, SocketRoute } from "./socket-route.ts";
import type { RouteStats } from "./stats.ts";

export const CONNECTION: unique symbol = Symbol("bunwire.connection");

/** `Connection.state` bits. Zero means "nothing to check": the message hot path tests that one number. */
export const BUSY = 1;
/** A message rate limit applies: every message goes through the bucket. */
export const RATE_LIMITED = 2;
/** The connection is being closed by a limit: further events are dropped (the close event still runs). */
export const DROPPING = 4;

export type QueuedEvent =
  | { kind: "message"; message: string | Buffer<ArrayBuffer> }
  | { kind: "close"; code: number; reason: string }
  | { kind: "drain" }
  | { kind: "ping" | "pong"; data: Buffer<ArrayBuffer> };

export class Connection {
  readonly route: SocketRoute;
  readonly handlers: RouteHandlers;
  readonly params: Params;
  readonly context: unknown;
  readonly policy: Policy;
  readonly user: ConnectionUser | undefined;
  /** The client address, when the pipeline had to find it out (per-IP caps, trustProxy), or a lazy per-IP count
   *  started while the socket was open (src/engine/caps.ts). */
  ip: string | undefined;
  readonly serial: number;
  openedAt = 0;
  /** BUSY | RATE_LIMITED | DROPPING. */
  state: number;
  /** Events held while an async handler runs, so one connection is handled in order. */
  queue: QueuedEvent[] | null = null;
  queuedBytes = 0;
  readonly bucket: RateBucket | null;
  /** The counters of the connection's route pattern (metrics, the inspector): `++` on them, nothing more. */
  readonly stats: RouteStats;
  /** Topics this socket subscribed to while a bus is attached (Bun forgets them before `close` runs). */
  topics: Set<string> | null = null;
  /** Where the engine's registry of open sockets holds this one (src/engine/open-connections.ts); -1: not there. */
  slot = -1;
  #id: string | undefined;

  constructor(route: SocketRoute, handlers: RouteHandlers, params: Params, context: unknown, policy: Policy, user: ConnectionUser | undefined, ip: string | undefined, serial: number, bucket: RateBucket | null, stats: RouteStats) {
    this.route = route;
    this.handlers = handlers;
    this.params = params;
    this.context = context;
    this.policy = policy;
    this.user = user;
    this.ip = ip;
    this.serial = serial;
    this.bucket = bucket;
    this.stats = stats;
    this.state = bucket === null ? 0 : RATE_LIMITED;
  }

  /** The connection id, built from the serial number on first read. */
  get id(): string {
    return (this.#id ??= this.policy.idPrefix + String(this.serial));
  }
}

export type PinnedSocket = Socket & { [CONNECTION]: Connection };

/** The per-connection context a front door granted at admission (a file route's `ctx`). */
export function contextOf<T = unknown>(ws: Socket<any>): T {
  return (ws as PinnedSocket)[CONNECTION]?.context as T;
}

/** The params the connection's route matched, whatever `ws.data` holds now. */
export function paramsOf(ws: Socket<any>): Params {
  return (ws as PinnedSocket)[CONNECTION]?.params ?? {};
}

/** Who and what a connection is: its id, its user (from admission), its route, address and opening time. */
export function connectionOf(ws: Socket<any>): ConnectionInfo | undefined {
  const connection = (ws as PinnedSocket)[CONNECTION];
  if (connection === undefined) return undefined;
  const info: { -readonly [K in keyof ConnectionInfo]: ConnectionInfo[K] } = {
    id: connection.id,
    route: connection.route.path,
    ip: connection.ip ?? ws.remoteAddress,
    openedAt: connection.openedAt,
  };
  if (connection.user !== undefined) info.user = connection.user;
  return info;
}

/**
 * Connections between `server.upgrade()` and `open`. Bun 1.4 calls `open` inside `server.upgrade()` (sync and
 * async `fetch` alike), so the pipeline hands the record over through one slot (`expect` before the upgrade,
 * `settle` after it): no map write per upgrade. Should `open` ever come later, `settle` files the record by the
 * data object it carries; a data object may be shared by several upgrades, and data may be a primitive: both
 * fall back to arrival order, which Bun keeps.
 */
export class PendingConnections {
  readonly #byObject = new WeakMap<object, Connection | Connection[]>();
  readonly #byArrival: Connection[] = [];
  /** The upgrade in progress: `open` takes it from here when it runs inside `server.upgrade()`. */
  #next: Connection | undefined;
  #nextData: unknown;
  /** Connections recorded and not yet taken or dropped (the WeakMap cannot say). */
  #held = 0;

  [SIZES](): Sizes {
    return { "pending.connections": this.#held + (this.#next === undefined ? 0 : 1) };
  }

  /** Before `server.upgrade(req, { data })`: the record `open` will take. */
  expect(data: unknown, connection: Connection): void {
    this.#next = connection;
    this.#nextData = data;
  }

  /** After `server.upgrade()`: true when `open` took the record; a failed upgrade forgets it. */
  settle(upgraded: boolean): void {
    const connection = this.#next;
    if (connection === undefined) return;
    const data = this.#nextData;
    this.#next = undefined;
    this.#nextData = undefined;
    if (upgraded) this.put(data, connection);
  }

  put(data: unknown, connection: Connection): void {
    this.#held++;
    if (data === null || (typeof data !== "object" && typeof data !== "function")) {
      this.#byArrival.push(connection);
      return;
    }
    const existing = this.#byObject.get(data);
    if (existing === undefined) this.#byObject.set(data, connection);
    else if (Array.isArray(existing)) existing.push(connection);
    else this.#byObject.set(data, [existing, connection]);
  }

  take(data: unknown): Connection | undefined {
    const next = this.#next;
    if (next !== undefined && this.#nextData === data) {
      this.#next = undefined;
      this.#nextData = undefined;
      return next;
    }
    const taken = this.#find(data);
    if (taken !== undefined) this.#held--;
    return taken;
  }

  #find(data: unknown): Connection | undefined {
    if (data === null || (typeof data !== "object" && typeof data !== "function")) return this.#byArrival.shift();
    const existing = this.#byObject.get(data);
    if (!Array.isArray(existing)) {
      this.#byObject.delete(data);
      return existing;
    }
    const first = existing.shift();
    if (existing.length === 0) this.#byObject.delete(data);
    return first;
  }
}
