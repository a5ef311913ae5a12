// What a front door hands the engine for one WebSocket path: the handlers (Bun's own signatures, receiving Bun's
// own ServerWebSocket) and an admission step that runs before the upgrade (middleware, `upgrade()` exports, guards).

import type { Server, ServerWebSocket } from "bun";
import type { Params } from "./path-pattern.ts";

/** Bun's ServerWebSocket, as every handler receives it (no wrapper). */
export type Socket<Data = unknown> = ServerWebSocket<Data>;

/**
 * Optional on a handlers object: called once with each Bun server that starts serving it (when the engine listens,
 * or when the route is added to a listening engine). Typed protocols record their per-`handle()` state on that
 * server, so `protocol.publish(app | server, ...)` finds the history of the handlers served there.
 */
export const SERVED_ON: unique symbol = Symbol("bunwire.servedOn");

/** The lifecycle handlers of a route. A handler may return a promise: the engine awaits it before the next event. */
export interface SocketHandlers<Data = unknown> {
  [SERVED_ON]?(server: Server<unknown>): void;
  open?(ws: Socket<Data>): unknown;
  message?(ws: Socket<Data>, message: string | Buffer<ArrayBuffer>): unknown;
  close?(ws: Socket<Data>, code: number, reason: string): unknown;
  drain?(ws: Socket<Data>): unknown;
  ping?(ws: Socket<Data>, data: Buffer<ArrayBuffer>): unknown;
  pong?(ws: Socket<Data>, data: Buffer<ArrayBuffer>): unknown;
  /** Receives what `open`, `message`, `close`, `drain`, `ping` or `pong` threw or rejected with. */
  error?(ws: Socket<Data>, error: unknown): unknown;
}

/** Admission granted: upgrade with this `ws.data`, these extra 101 headers and a per-connection front-door context. */
export interface Grant {
  data: unknown;
  headers?: HeadersInit;
  /** Whatever the front door needs per connection (a file route's `ctx`); read it back with `contextOf(ws)`. */
  context?: unknown;
  /** The handlers for this one connection, when they differ from the route's. */
  handlers?: SocketHandlers<any>;
}

/** Returned by an admission step that already upgraded through `Engine.upgrade` itself (the Router's `router.upgrade`). */
export const UPGRADED: unique symbol = Symbol("bunwire.upgraded");

/** Refuse with a Response, admit with a Grant, or report that the request was upgraded already. */
export type Admission = Response | Grant | typeof UPGRADED;

export interface SocketRoute {
  /** The route path as registered (`/chat/:room`). */
  readonly path: string;
  readonly handlers: SocketHandlers<any>;
  /** `pathname` is the request's path, already cut out of `req.url` by the engine. */
  admit(req: Request, server: Server<unknown>, params: Params, pathname: string): Admission | Promise<Admission>;
}
