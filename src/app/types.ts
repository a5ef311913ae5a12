// The App's public WebSocket types, generic over the route's params and what the upgrade attached, so
// `ws.data.params.roomId` type-checks on `app.ws("/room/:roomId", ...)`.

import type { ServerWebSocket } from "bun";
import type { MaybeDecision, SocketHandlers } from "../engine/index.ts";
import type { Middleware } from "./middleware-chain.ts";
import type { BunwireRequest } from "./request.ts";

type Segments<Path extends string> = Path extends `${infer Head}/${infer Rest}` ? Head | Segments<Rest> : Path;
/** `:name` and `*` are always there; `:name?` is absent from `req.params` when the request leaves it out. */
type RequiredName<Segment extends string> = Segment extends `:${string}?` ? never : Segment extends `:${infer Name}` ? Name : Segment extends "*" ? "*" : never;
type OptionalName<Segment extends string> = Segment extends `:${infer Name}?` ? Name : never;
type Flat<T> = { [K in keyof T]: T[K] };

/** The params of a route path: `ParamsOf<"/chat/:room/:page?">` is `{ room: string; page?: string }`. */
export type ParamsOf<Path extends string> = string extends Path
  ? Record<string, string>
  : Flat<{ [Name in RequiredName<Segments<Path>>]: string } & { [Name in OptionalName<Segments<Path>>]?: string }>;

/** `ws.data` on an App WebSocket route, plus whatever middleware put on `res.locals`. */
export type WebSocketData<Params extends object = Record<string, string>, Extra extends object = {}> = Extra & {
  /** The route path as registered (`/chat/:room`). */
  routePath: string;
  /** Route params, URL-decoded. */
  params: Params;
  /** The handlers of this route. */
  handlers: WebSocketHandlers<any>;
  /** The upgrade request: headers, `get()`, cookies, `session`. */
  req: BunwireRequest<Params>;
};

/** Bun's own ServerWebSocket, as every handler receives it (bunwire adds `bufferedAmount`). */
export type BunWebSocket<Data = WebSocketData> = ServerWebSocket<Data>;

/**
 * `open`, `message`, `close`, `drain`, `ping`, `pong` and `error`, with Bun's signatures, and `upgrade`, which
 * decides admission once the route's middleware passed (README "Security and limits": the decision table).
 */
export type WebSocketHandlers<Data = WebSocketData> = SocketHandlers<Data> & {
  /** `true`/`undefined` admit with the default `ws.data`; `{ data, headers, user }` admit with those; `false` or a Response >= 400 refuse. */
  upgrade?(req: BunwireRequest<any>): MaybeDecision;
  /**
   * The request headers `ws.data.req` keeps once the socket is open (default `true`: all of them). A list of names
   * keeps only those (with `trustProxy`, the X-Forwarded-* and Forwarded headers too), `false` none: the cookie line a
   * browser sends costs a few hundred bytes per idle socket otherwise. Middleware and `upgrade(req)` still see every
   * header; after the upgrade, reading one that was not kept (`get`, `cookies`, `hostname`...) throws
   * `HEADER_NOT_KEPT`, and `req.headers` lists the kept ones. `req.session`, `params`, `query`, `ip` and `url` stay.
   */
  keepHeaders?: boolean | readonly string[];
};

export interface WebSocketRouteDefinition<Data = WebSocketData> {
  path: string;
  middleware: Middleware[];
  handlers: WebSocketHandlers<Data>;
}
