// The engine's per-connection record. It is pinned on the socket under a symbol at `open`, taken from the data
// object the upgrade carried, so user code may replace `ws.data` wholesale and dispatch still finds its route.

import type { Params } from "./path-pattern.ts";
import type { Socket, SocketHandlers, SocketRoute } from "./socket-route.ts";

export const CONNECTION: unique symbol = Symbol("bunwire.connection");

export interface Connection {
  readonly route: SocketRoute;
  readonly handlers: SocketHandlers<any>;
  readonly params: Params;
  readonly context: unknown;
  /** A handler's promise is pending: later events wait in `queue`, so one connection is handled in order. */
  busy: boolean;
  queue: QueuedEvent[] | null;
  /** The queue overflowed once: the socket is closing and further events are dropped. */
  overflowed: boolean;
  /** Topics this socket subscribed to while a bus is attached (Bun forgets them before `close` runs). */
  topics: Set<string> | null;
}

export type QueuedEvent =
  | { kind: "message"; message: string | Buffer<ArrayBuffer> }
  | { kind: "close"; code: number; reason: string }
  | { kind: "drain" }
  | { kind: "ping" | "pong"; data: Buffer<ArrayBuffer> };

export type PinnedSocket = Socket & { [CONNECTION]: Connection };

/** The per-connection context a front door granted at admission (a file route's `ctx`). */
export function contextOf<T = unknown>(ws: Socket<any>): T {
  return (ws as PinnedSocket)[CONNECTION]?.context as T;
}

/** The params the connection's route matched, whatever `ws.data` holds now. */
export function paramsOf(ws: Socket<any>): Params {
  return (ws as PinnedSocket)[CONNECTION]?.params ?? {};
}

/**
 * Connections between `server.upgrade()` and `open`, keyed by the data object they carry. A data object may be
 * shared by several upgrades, and data may be a primitive: both fall back to arrival order, which Bun keeps.
 */
export class PendingConnections {
  readonly #byObject = new WeakMap<object, Connection | Connection[]>();
  readonly #byArrival: Connection[] = [];

  put(data: unknown, connection: Connection): void {
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

  /** Forgets a connection whose upgrade failed after it was recorded. */
  drop(data: unknown, connection: Connection): void {
    if (data === null || (typeof data !== "object" && typeof data !== "function")) {
      const at = this.#byArrival.lastIndexOf(connection);
      if (at !== -1) this.#byArrival.splice(at, 1);
      return;
    }
    const existing = this.#byObject.get(data);
    if (existing === connection) this.#byObject.delete(data);
    else if (Array.isArray(existing)) existing.splice(existing.indexOf(connection) >>> 0, 1);
  }
}
