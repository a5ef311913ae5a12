// The one WebSocket handler object every bunwire server gives Bun. Per event it reads the connection pinned on
// the socket and calls the route's handler with Bun's own arguments: no route matching, no wrapper, no closure.
// A handler that returns a promise holds the connection's later events in a bounded queue until it settles, so
// async handlers run in order; throws and rejections go to the route's `error` or the engine's error hook.

import type { WebSocketHandler } from "bun";
import { BunwireError } from "./errors.ts";
import { installBufferedAmount } from "./buffered-amount.ts";
import { CONNECTION, type Connection, type PendingConnections, type PinnedSocket, type QueuedEvent } from "./connection.ts";
import type { Socket } from "./socket-route.ts";
import { isThenable } from "./thenable.ts";

export type SocketEventName = "open" | "message" | "close" | "drain" | "ping" | "pong";

export interface DispatchHooks {
  readonly pending: PendingConnections;
  /** Events a connection may hold while an async handler runs; past it the socket closes with 1013. */
  readonly maxQueuedEvents: number;
  /** Called when no route `error` handler exists, or when it throws itself. */
  reportError(ws: Socket, error: unknown, event: SocketEventName, routePath: string): void;
  /** Socket opened / closed: the engine's topic bookkeeping when a bus is attached. */
  opened?(ws: Socket, connection: Connection): void;
  closed?(ws: Socket, connection: Connection): void;
}

const TRY_AGAIN_LATER = 1013;

export type Dispatch = WebSocketHandler<unknown> & {
  message: NonNullable<WebSocketHandler<unknown>["message"]>;
  /** Resolves once no async handler is running (what a graceful close waits for). */
  idle(): Promise<void>;
};

export function createDispatch(hooks: DispatchHooks): Dispatch {
  const inflight = new Set<Promise<void>>();
  function fail(ws: Socket, connection: Connection, error: unknown, event: SocketEventName): void {
    const onError = connection.handlers.error;
    if (onError !== undefined) {
      try {
        const result = onError(ws, error);
        if (isThenable(result)) result.then(undefined, (again: unknown) => hooks.reportError(ws, again, event, connection.route.path));
        return;
      } catch (again) {
        error = again;
      }
    }
    hooks.reportError(ws, error, event, connection.route.path);
  }

  /** Runs one event; returns the handler's promise when it is async so the caller holds later events. */
  function invoke(ws: Socket, connection: Connection, event: QueuedEvent | { kind: "open" }): PromiseLike<unknown> | undefined {
    const handlers = connection.handlers;
    let result: unknown;
    try {
      switch (event.kind) {
        case "open":
          result = handlers.open?.(ws);
          break;
        case "message":
          result = handlers.message?.(ws, event.message);
          break;
        case "close":
          result = handlers.close?.(ws, event.code, event.reason);
          break;
        case "drain":
          result = handlers.drain?.(ws);
          break;
        case "ping":
          result = handlers.ping?.(ws, event.data);
          break;
        case "pong":
          result = handlers.pong?.(ws, event.data);
          break;
      }
    } catch (error) {
      fail(ws, connection, error, event.kind);
      return undefined;
    }
    if (!isThenable(result)) return undefined;
    return result.then(undefined, (error: unknown) => fail(ws, connection, error, event.kind));
  }

  function hold(ws: Socket, connection: Connection, pending: PromiseLike<unknown>): void {
    connection.busy = true;
    const settled = Promise.resolve(pending).then(() => {
      inflight.delete(settled);
      drainQueue(ws, connection);
    });
    inflight.add(settled);
  }

  /** Runs held events in arrival order, stopping again at the next async handler. */
  function drainQueue(ws: Socket, connection: Connection): void {
    const queue = connection.queue;
    while (queue !== null && queue.length > 0) {
      const event = queue.shift()!;
      if (event.kind === "close") hooks.closed?.(ws, connection);
      const pending = invoke(ws, connection, event);
      if (pending !== undefined) return hold(ws, connection, pending);
    }
    connection.busy = false;
  }

  function enqueue(ws: Socket, connection: Connection, event: QueuedEvent): void {
    const queue = (connection.queue ??= []);
    if (event.kind !== "close" && queue.length >= hooks.maxQueuedEvents) {
      // Bun cannot stop reading a socket, so a client that outruns its async handler is cut off, not buffered forever.
      if (!connection.overflowed) {
        connection.overflowed = true;
        hooks.reportError(ws, new BunwireError("QUEUE_OVERFLOW", `more than ${hooks.maxQueuedEvents} events waited for an async handler; closed with 1013`, { closeCode: 1013 }), event.kind, connection.route.path);
        ws.close(TRY_AGAIN_LATER, "message queue full");
      }
      return;
    }
    queue.push(event);
  }

  function dispatch(ws: Socket, event: QueuedEvent): void {
    const connection = (ws as PinnedSocket)[CONNECTION];
    if (connection === undefined) return;
    if (connection.busy) return enqueue(ws, connection, event);
    if (event.kind === "close") hooks.closed?.(ws, connection);
    const pending = invoke(ws, connection, event);
    if (pending !== undefined) hold(ws, connection, pending);
  }

  return {
    async idle() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },

    open(ws) {
      installBufferedAmount(ws);
      const connection = hooks.pending.take(ws.data);
      if (connection === undefined) {
        ws.close(1011, "bunwire: connection without a route");
        return;
      }
      (ws as PinnedSocket)[CONNECTION] = connection;
      hooks.opened?.(ws, connection);
      if (connection.handlers.open === undefined) return;
      const pending = invoke(ws, connection, { kind: "open" });
      if (pending !== undefined) hold(ws, connection, pending);
    },

    // The hot path: one symbol read, one busy check, one call.
    message(ws, message) {
      const connection = (ws as PinnedSocket)[CONNECTION];
      if (connection === undefined) return;
      if (connection.busy) return enqueue(ws, connection, { kind: "message", message: message as string | Buffer<ArrayBuffer> });
      const handler = connection.handlers.message;
      if (handler === undefined) return;
      let result: unknown;
      try {
        result = handler(ws, message as string | Buffer<ArrayBuffer>);
      } catch (error) {
        return fail(ws, connection, error, "message");
      }
      if (isThenable(result)) hold(ws, connection, result.then(undefined, (error: unknown) => fail(ws, connection, error, "message")));
    },

    close(ws, code, reason) {
      dispatch(ws, { kind: "close", code, reason });
    },
    drain(ws) {
      dispatch(ws, { kind: "drain" });
    },
    ping(ws, data) {
      dispatch(ws, { kind: "ping", data: data as Buffer<ArrayBuffer> });
    },
    pong(ws, data) {
      dispatch(ws, { kind: "pong", data: data as Buffer<ArrayBuffer> });
    },
  };
}
