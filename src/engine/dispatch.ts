// The one WebSocket handler object every bunwire server gives Bun. Per event it reads the connection pinned on
// the socket and calls the route's handler with Bun's own arguments, then the connection's context (what the
// front door granted at admission): no route matching, no wrapper, no closure.
// A handler that returns a promise holds the connection's later events in a queue, bounded by events and bytes,
// until it settles, so async handlers run in order; throws and rejections go to the route's `error` or the
// engine's error hook. Limits (queue bounds, message rate) are checked off the hot path: see `message`. Counting
// (metrics, the inspector) is a `++` on the route's counters the connection already points to (src/engine/stats.ts).

import type { WebSocketHandler } from "bun";
import { BunwireError } from "./errors.ts";
import { installBufferedAmount } from "./buffered-amount.ts";
import { BUSY, CONNECTION, DROPPING, RATE_LIMITED, type Connection, type PendingConnections, type PinnedSocket, type QueuedEvent } from "./connection.ts";
import { GONE, URGENT, type Socket, type SocketEventName } from "./socket-route.ts";
import { isThenable } from "./thenable.ts";
import { coarseNow, exactNow } from "./coarse-clock.ts";

export type { SocketEventName } from "./socket-route.ts";

export interface DispatchHooks {
  readonly pending: PendingConnections;
  /** Called when no route `error` handler exists, or when it throws itself. */
  reportError(ws: Socket, error: unknown, event: SocketEventName, routePath: string): void;
  /** Socket opened / its close handler is about to run: the engine's topic bookkeeping when a bus is attached. */
  opened?(ws: Socket, connection: Connection): void;
  closed?(ws: Socket, connection: Connection): void;
  /** The socket is gone (at once, even while a handler still runs): connection caps are released here. */
  gone?(connection: Connection, ws: Socket): void;
}

const TRY_AGAIN_LATER = 1013;
const POLICY_VIOLATION = 1008;

export type Dispatch = WebSocketHandler<unknown> & {
  message: NonNullable<WebSocketHandler<unknown>["message"]>;
  /** Resolves once no async handler is running (what a graceful close waits for). */
  idle(): Promise<void>;
  /** Async handlers still running. */
  readonly running: number;
};

/** What a held event weighs in the queue's byte budget (text counts characters). */
function sizeOf(event: QueuedEvent): number {
  switch (event.kind) {
    case "message":
      return typeof event.message === "string" ? event.message.length : event.message.byteLength;
    case "ping":
    case "pong":
      return event.data.byteLength;
    default:
      return 0;
  }
}

export function createDispatch(hooks: DispatchHooks): Dispatch {
  const inflight = new Set<Promise<void>>();
  function fail(ws: Socket, connection: Connection, error: unknown, event: SocketEventName): void {
    connection.stats.server.failed(connection, error, event);
    const onError = connection.handlers.error;
    if (onError !== undefined) {
      try {
        const result = onError(ws, error, connection.context);
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
    const { handlers, context } = connection;
    let result: unknown;
    try {
      switch (event.kind) {
        case "open":
          result = handlers.open?.(ws, context);
          break;
        case "message":
          result = handlers.message?.(ws, event.message, context);
          break;
        case "close":
          result = handlers.close?.(ws, event.code, event.reason, context);
          break;
        case "drain":
          result = handlers.drain?.(ws, context);
          break;
        case "ping":
          result = handlers.ping?.(ws, event.data, context);
          break;
        case "pong":
          result = handlers.pong?.(ws, event.data, context);
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
    connection.state |= BUSY;
    const settled = Promise.resolve(pending).then(() => {
      inflight.delete(settled);
      drainQueue(ws, connection);
    });
    inflight.add(settled);
  }

  /** Runs held events in arrival order, stopping again at the next async handler. */
  function drainQueue(ws: Socket, connection: Connection): void {
    const backlog = connection.heldBacklog;
    while (backlog !== null && backlog.events.length > 0) {
      const event = backlog.events.shift()!;
      backlog.bytes -= sizeOf(event);
      if (event.kind === "close") hooks.closed?.(ws, connection);
      const pending = invoke(ws, connection, event);
      if (pending !== undefined) return hold(ws, connection, pending);
    }
    connection.state &= ~BUSY;
  }

  /**
   * The client outran its async handler past a queue bound (Bun cannot stop reading a socket): close 1013, drop
   * what waits (counted in the report), so the close handler runs as soon as the running handler settles.
   */
  function overflow(ws: Socket, connection: Connection, event: QueuedEvent, why: string): void {
    const backlog = connection.backlog;
    const discarded = backlog.events.length + 1;
    backlog.events.length = 0;
    backlog.bytes = 0;
    connection.state |= DROPPING;
    connection.stats.queueOverflows++;
    const error = new BunwireError("QUEUE_OVERFLOW", `${why}; closed with 1013 and discarded ${discarded} waiting event${discarded === 1 ? "" : "s"}`, { closeCode: TRY_AGAIN_LATER });
    hooks.reportError(ws, error, event.kind, connection.route.path);
    ws.close(TRY_AGAIN_LATER, "message queue full");
  }

  function enqueue(ws: Socket, connection: Connection, event: QueuedEvent): void {
    const backlog = connection.backlog;
    if (event.kind !== "close") {
      if ((connection.state & DROPPING) !== 0) return;
      const { maxQueuedEvents, maxQueuedBytes } = connection.policy;
      // Bytes are counted only here, while a handler is busy: the idle path never measures a message.
      const size = sizeOf(event);
      if (backlog.events.length >= maxQueuedEvents) return overflow(ws, connection, event, `more than ${maxQueuedEvents} events waited for an async handler`);
      if (backlog.bytes + size > maxQueuedBytes) return overflow(ws, connection, event, `more than ${maxQueuedBytes} bytes waited for an async handler`);
      backlog.bytes += size;
    }
    backlog.events.push(event);
  }

  function dispatch(ws: Socket, event: QueuedEvent): void {
    const connection = (ws as PinnedSocket)[CONNECTION];
    if (connection === undefined) return;
    if ((connection.state & BUSY) !== 0) return enqueue(ws, connection, event);
    if (event.kind === "close") hooks.closed?.(ws, connection);
    else if ((connection.state & DROPPING) !== 0) return;
    const pending = invoke(ws, connection, event);
    if (pending !== undefined) hold(ws, connection, pending);
  }

  /** A message refused by the rate limit: close 1008, or hand it to the route's `rejected` hook. */
  function refuse(ws: Socket, connection: Connection, message: string | Buffer<ArrayBuffer>): void {
    const rate = connection.policy.rate!;
    connection.stats.rateLimited++;
    if (rate.close) {
      connection.state |= DROPPING;
      hooks.reportError(ws, rate.error, "message", connection.route.path);
      ws.close(POLICY_VIOLATION, "rate limit exceeded");
      return;
    }
    const rejected = connection.handlers.rejected;
    if (rejected === undefined) return;
    try {
      const result = rejected(ws, message, rate.error, connection.context);
      if (isThenable(result)) result.then(undefined, (error: unknown) => fail(ws, connection, error, "message"));
    } catch (error) {
      fail(ws, connection, error, "message");
    }
  }

  function run(ws: Socket, connection: Connection, message: string | Buffer<ArrayBuffer>): void {
    const handler = connection.handlers.message;
    if (handler === undefined) return;
    let result: unknown;
    try {
      result = handler(ws, message, connection.context);
    } catch (error) {
      return fail(ws, connection, error, "message");
    }
    if (isThenable(result)) hold(ws, connection, result.then(undefined, (error: unknown) => fail(ws, connection, error, "message")));
  }

  /** Everything `message` does not do on its fast path: dropping, the rate limit, holding behind a busy handler. */
  function gated(ws: Socket, connection: Connection, message: string | Buffer<ArrayBuffer>): void {
    const state = connection.state;
    if ((state & DROPPING) !== 0) return;
    if ((state & RATE_LIMITED) !== 0) {
      const size = typeof message === "string" ? message.length : message.byteLength;
      // The bucket runs on the coarse clock; a refusal is confirmed against the exact time first, so a message is
      // never refused only because the clock lagged.
      const bucket = connection.bucket!;
      const rate = connection.entry.policy.rate!;
      if (!bucket.take(rate, size, coarseNow()) && !bucket.take(rate, size, exactNow())) return refuse(ws, connection, message);
    }
    if ((state & BUSY) !== 0) {
      // A reply the running handler may be awaiting must not wait behind it.
      const urgent = connection.handlers[URGENT];
      if (urgent !== undefined && urgent(ws, message)) return;
      return enqueue(ws, connection, { kind: "message", message });
    }
    run(ws, connection, message);
  }

  return {
    async idle() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    get running() {
      return inflight.size;
    },

    open(ws) {
      installBufferedAmount(ws);
      const connection = hooks.pending.take(ws.data);
      if (connection === undefined) {
        ws.close(1011, "bunwire: connection without a route");
        return;
      }
      (ws as PinnedSocket)[CONNECTION] = connection;
      connection.openedAt = Date.now();
      const stats = connection.stats;
      stats.open++;
      stats.opened++;
      stats.lastOpened = connection;
      hooks.opened?.(ws, connection);
      if (connection.handlers.open === undefined) return;
      const pending = invoke(ws, connection, { kind: "open" });
      if (pending !== undefined) hold(ws, connection, pending);
    },

    // The hot path: one symbol read, two counter bumps, one state check, one call. Busy, rate-limited and closing
    // connections all have a non-zero state and take `gated` instead, so a server without limits pays nothing for
    // them. Text is counted in characters: its UTF-8 size would mean scanning every string. The connection's
    // context rides along as the last argument, so a front door (file routes' `ctx`) needs no wrapper.
    message(ws, message) {
      const connection = (ws as PinnedSocket)[CONNECTION];
      if (connection === undefined) return;
      const stats = connection.entry.stats;
      stats.messagesIn++;
      stats.bytesIn += typeof message === "string" ? message.length : message.byteLength;
      if (connection.state !== 0) return gated(ws, connection, message as string | Buffer<ArrayBuffer>);
      const handler = connection.handlers.message;
      if (handler === undefined) return;
      let result: unknown;
      try {
        result = handler(ws, message as string | Buffer<ArrayBuffer>, connection.context);
      } catch (error) {
        return fail(ws, connection, error, "message");
      }
      if (isThenable(result)) hold(ws, connection, result.then(undefined, (error: unknown) => fail(ws, connection, error, "message")));
    },

    close(ws, code, reason) {
      const connection = (ws as PinnedSocket)[CONNECTION];
      if (connection !== undefined) {
        const stats = connection.stats;
        stats.open--;
        stats.closes.add(code);
        hooks.gone?.(connection, ws);
        connection.handlers[GONE]?.(ws);
      }
      dispatch(ws, { kind: "close", code, reason });
    },
    drain(ws) {
      const connection = (ws as PinnedSocket)[CONNECTION];
      if (connection !== undefined) connection.stats.drains++;
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
