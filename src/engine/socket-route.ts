// What a front door hands the engine for one WebSocket path: the handlers (Bun's own signatures, receiving Bun's
// own ServerWebSocket) and an admission step that runs before the upgrade (middleware, `upgrade()` exports, guards).

import type { Server, ServerWebSocket } from "bun";
import type { BunwireError } from "./errors.ts";
import type { ConnectionUser } from "./identity.ts";
import type { RouteLimits } from "./limits.ts";
import type { Params } from "./path-pattern.ts";

declare module "bun" {
  interface ServerWebSocket<T> {
    /** Bytes queued for sending and not yet written: `getBufferedAmount()` as a property (bunwire, buffered-amount.ts). */
    readonly bufferedAmount: number;
  }
}

/** Bun's ServerWebSocket, as every handler receives it (no wrapper). */
export type Socket<Data = unknown> = ServerWebSocket<Data>;

/** Headers as a Response accepts them; not `HeadersInit`, a global that exists only with the DOM lib. */
export type HeadersLike = ResponseInit["headers"];

/**
 * `ws.data` where a route does not type it: a loose record, so code reading and writing `ws.data.room` on an
 * untyped socket compiles, as room chats write it. The one `any` of the public API, on purpose; type your
 * data with `ServerWebSocket<MyData>` for precise types.
 */
export interface LooseData {
  [key: string]: any;
}

/** The one socket type every entry point exports: Bun's own ServerWebSocket, `ws.data` loose unless you type it. */
export type ServerWebSocketOf<Data = LooseData> = ServerWebSocket<Data>;

export type SocketEventName = "open" | "message" | "close" | "drain" | "ping" | "pong";

/**
 * Optional on a handlers object: called once with each Bun server that starts serving it (when the engine listens,
 * or when the route is added to a listening engine). Typed protocols record their per-`handle()` state on that
 * server, so `protocol.publish(app | server, ...)` finds the history of the handlers served there.
 */
export const SERVED_ON: unique symbol = Symbol("bunwire.servedOn");

/**
 * Optional on a handlers object: sees each message that arrives while one of the connection's async handlers still
 * runs, before it waits its turn; returns true when it took the message. The typed protocol takes the client's
 * replies to server requests here: the running handler may be the one awaiting that reply.
 */
export const URGENT: unique symbol = Symbol("bunwire.urgent");
/** Optional: called at once when the socket closes, even while an async handler still runs (`close` waits its turn). */
export const GONE: unique symbol = Symbol("bunwire.gone");

/** The lifecycle handlers of a route. A handler may return a promise: the engine awaits it before the next event. */
export interface SocketHandlers<Data = unknown> {
  [SERVED_ON]?(server: Server<unknown>): void;
  [URGENT]?(ws: Socket<Data>, message: string | Buffer<ArrayBuffer>): boolean;
  [GONE]?(ws: Socket<Data>): void;
  open?(ws: Socket<Data>): unknown;
  message?(ws: Socket<Data>, message: string | Buffer<ArrayBuffer>): unknown;
  close?(ws: Socket<Data>, code: number, reason: string): unknown;
  drain?(ws: Socket<Data>): unknown;
  ping?(ws: Socket<Data>, data: Buffer<ArrayBuffer>): unknown;
  pong?(ws: Socket<Data>, data: Buffer<ArrayBuffer>): unknown;
  /** Receives what `open`, `message`, `close`, `drain`, `ping` or `pong` threw or rejected with. */
  error?(ws: Socket<Data>, error: unknown): unknown;
  /**
   * The subprotocols these handlers speak, in preference order. The engine answers the first one the client
   * offers; a client offering only others gets 400 UNSUPPORTED_SUBPROTOCOL.
   */
  readonly subprotocols?: readonly string[];
  /** Called instead of `message` when `messageRateLimit` with `action: "reply"` refuses a message. */
  rejected?(ws: Socket<Data>, message: string | Buffer<ArrayBuffer>, error: BunwireError): unknown;
}

type LifecycleName = "open" | "message" | "close" | "drain" | "ping" | "pong" | "error" | "rejected";
type WithContext<F, Context> = F extends (...args: infer A) => infer R ? (...args: [...A, context: Context]) => R : F;

/**
 * The handlers as the engine calls them: Bun's arguments, then the connection's context (what the front door's
 * admission granted: a file route's `ctx`; `undefined` elsewhere). Passing it costs nothing on the message path
 * and spares a front door a wrapper per event; handlers that do not need it declare fewer parameters, so every
 * `SocketHandlers` object is a `RouteHandlers` one.
 */
export type RouteHandlers<Data = any, Context = any> = {
  [K in keyof SocketHandlers<Data>]: K extends LifecycleName ? WithContext<NonNullable<SocketHandlers<Data>[K]>, Context> : SocketHandlers<Data>[K];
};

/** Admission granted: upgrade with this `ws.data`, these extra 101 headers and a per-connection front-door context. */
export interface Grant {
  data: unknown;
  headers?: HeadersLike;
  /** The connection's identity (`connectionOf(ws).user`). */
  user?: ConnectionUser;
  /** Whatever the front door needs per connection (a file route's `ctx`): the last argument of every handler. */
  context?: unknown;
  /** The handlers for this one connection, when they differ from the route's. */
  handlers?: RouteHandlers;
  /**
   * The params the connection keeps (`paramsOf(ws)`), when the front door matched its own route inside the engine's
   * (a Router's GET route inside its any-path socket route); default: what the engine's route matched.
   */
  params?: Params;
}

/** Refuse with a Response or admit with a Grant (src/engine/admission.ts reads user decisions into one). */
export type Admission = Response | Grant;

export interface SocketRoute {
  /** The route path as registered (`/chat/:room`). */
  readonly path: string;
  readonly handlers: RouteHandlers;
  /** The limits of the front door that owns the route, when mounted into another server and it set its own. */
  readonly limits?: RouteLimits;
  /** `pathname` is the request's path, already cut out of `req.url` by the engine. */
  admit(req: Request, server: Server<unknown>, params: Params, pathname: string): Admission | Promise<Admission>;
  /** Called as each socket of this route opens, before its `open` handler (the App binds `ws.data.req` here). */
  opened?(ws: Socket): void;
}
