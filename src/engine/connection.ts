// The engine's per-connection record. It is pinned on the socket under a symbol at `open`, taken from the data
// object the upgrade carried, so user code may replace `ws.data` wholesale and dispatch still finds its route.
// It is kept small (issue 16 counts bytes per idle connection): the id is a number until someone reads it, the
// rate-limit bucket exists only when a limit is set, and what few connections have (a user, an address, bus
// topics, a read id) sits in one side object, created when one of them is.

import type { ConnectionInfo, ConnectionUser } from "./identity.ts";
import type { RateBucket } from "./message-rate.ts";
import type { Params } from "./path-pattern.ts";
import type { Policy } from "./policy.ts";
import { SIZES, type Sizes } from "./sizes.ts";
import type { RouteHandlers, Socket, SocketRoute } from "./socket-route.ts";
import type { Bus } from "../bus/contract.ts";
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

/** The route a connection came in on, as the engine keeps it: one object per route, shared by its connections. */
export interface ConnectionEntry {
  readonly route: SocketRoute;
  readonly policy: Policy;
  /** The counters of the route pattern (metrics, the inspector): `++` on them, nothing more. */
  readonly stats: RouteStats;
  /** The binding its last connection got: the next one with the same handlers, params and context shares it. */
  last?: Binding;
  /**
   * With a bus: the engine's topic counter (src/engine/topics.ts). Kept here, per route, so a socket that never
   * subscribes carries nothing for it.
   */
  readonly counter: TopicCounting | undefined;
}

/** What a route's sockets need of their engine's bus topic counter (`TopicCounter`, src/engine/topics.ts). */
export interface TopicCounting {
  readonly bus: Pick<Bus, "publish">;
  acquire(topic: string): void;
  release(topic: string): void;
  /** Resolves once this instance's bus subscription to `topic` is live. */
  whenLive(topic: string): Promise<void>;
}

/**
 * What a connection runs with: its route's entry, its handlers, params and front-door context. Every connection of
 * a route without params whose admission added nothing of its own shares one (`bindingFor`), so a socket carries
 * one field for the four (issue 16: bytes per idle connection).
 */
export interface Binding {
  readonly entry: ConnectionEntry;
  readonly handlers: RouteHandlers;
  readonly params: Params;
  /** The per-connection context a front door granted at admission (a file route's `ctx`). */
  readonly context: unknown;
}

/** The entry's last binding when it holds exactly these, else a new one (remembered for the next connection). */
export function bindingFor(entry: ConnectionEntry, handlers: RouteHandlers, params: Params, context: unknown): Binding {
  const last = entry.last;
  if (last !== undefined && last.handlers === handlers && last.params === params && last.context === context) return last;
  return (entry.last = { entry, handlers, params, context });
}

/** Events held while an async handler runs, and their weight against `maxQueuedBytes`. */
export interface Backlog {
  readonly events: QueuedEvent[];
  bytes: number;
}

/**
 * What few connections have, kept apart: a plain connection carries one null instead of six fields. A rate bucket
 * is made at admission when a limit applies; a backlog when an async handler first holds events.
 */
interface Extras {
  user: ConnectionUser | undefined;
  ip: string | undefined;
  topics: Set<string> | null;
  id: string | undefined;
  bucket: RateBucket | null;
  backlog: Backlog | null;
}

function extras(user: ConnectionUser | undefined, ip: string | undefined, bucket: RateBucket | null): Extras {
  return { user, ip, topics: null, id: undefined, bucket, backlog: null };
}

/** Six fields (64 bytes of heap): what every connection has. The rest is in its shared binding or its extras. */
export class Connection {
  readonly binding: Binding;
  readonly serial: number;
  openedAt = 0;
  /** BUSY | RATE_LIMITED | DROPPING. */
  state: number;
  /** Where the engine's registry of open sockets holds this one (src/engine/open-connections.ts); -1: not there. */
  slot = -1;
  #extras: Extras | null = null;

  constructor(binding: Binding, user: ConnectionUser | undefined, ip: string | undefined, serial: number, bucket: RateBucket | null) {
    this.binding = binding;
    this.serial = serial;
    this.state = bucket === null ? 0 : RATE_LIMITED;
    if (user !== undefined || ip !== undefined || bucket !== null) this.#extras = extras(user, ip, bucket);
  }

  #extra(): Extras {
    return (this.#extras ??= extras(undefined, undefined, null));
  }

  get entry(): ConnectionEntry {
    return this.binding.entry;
  }

  get handlers(): RouteHandlers {
    return this.binding.handlers;
  }

  get params(): Params {
    return this.binding.params;
  }

  /** The per-connection context a front door granted at admission (a file route's `ctx`). */
  get context(): unknown {
    return this.binding.context;
  }

  get route(): SocketRoute {
    return this.binding.entry.route;
  }

  get policy(): Policy {
    return this.binding.entry.policy;
  }

  get stats(): RouteStats {
    return this.binding.entry.stats;
  }

  /** The message rate bucket, when the route's policy has a limit (RATE_LIMITED is then set). */
  get bucket(): RateBucket | null {
    return this.#extras?.bucket ?? null;
  }

  /** Events held while an async handler runs, so one connection is handled in order; made on first use. */
  get backlog(): Backlog {
    return (this.#extra().backlog ??= { events: [], bytes: 0 });
  }

  /** The backlog if one was ever made. */
  get heldBacklog(): Backlog | null {
    return this.#extras?.backlog ?? null;
  }

  get user(): ConnectionUser | undefined {
    return this.#extras?.user;
  }

  /** The client address, when the pipeline had to find it out (per-IP caps, trustProxy), or a lazy per-IP count
   *  started while the socket was open (src/engine/caps.ts). */
  get ip(): string | undefined {
    return this.#extras?.ip;
  }

  set ip(ip: string | undefined) {
    this.#extra().ip = ip;
  }

  /** Topics this socket subscribed to while a bus is attached (Bun forgets them before `close` runs). */
  get topics(): Set<string> | null {
    return this.#extras?.topics ?? null;
  }

  set topics(topics: Set<string> | null) {
    this.#extra().topics = topics;
  }

  /** The connection id, built from the serial number on first read. */
  get id(): string {
    const extras = this.#extra();
    return (extras.id ??= this.policy.idPrefix + String(this.serial));
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
