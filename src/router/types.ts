// The Router's public types (bun-router style): fetch-style HTTP handlers and one `websocket({...})` config
// that holds the handlers next to every Bun WebSocket option, generic over the user's `ws.data`.

import type { Server } from "bun";
import type { ListenOptions, Params, ServerOptions, SocketHandlers, UserInit, WebSocketOptions } from "../engine/index.ts";

/** The request an HTTP route receives: Bun's own Request plus the route's URL-decoded params. */
export type RouterRequest = Request & { readonly params: Params };

/**
 * A fetch-style route handler. Returning nothing means "not mine": the next matching route answers (or 404); for a
 * WebSocket handshake, the upgrade goes on.
 */
export type RouteHandler = (req: RouterRequest) => Response | undefined | Promise<Response | undefined>;

/** The handlers (`open`, `message`, `close`, `error`, `drain`, `ping`, `pong`) and Bun's WebSocket options in one object. */
export type WebSocketConfig<Data> = SocketHandlers<Data> & WebSocketOptions;

export interface UpgradeOptions<Data> {
  /** Extra headers on the 101 Switching Protocols response. */
  headers?: ResponseInit["headers"]; // not `HeadersInit`: that global exists only with the DOM lib
  /** Becomes `ws.data` exactly. */
  data?: Data;
  /** The connection's identity (`connectionOf(ws).user`): `"ada"` or `{ id: "ada", ...meta }`. */
  user?: UserInit;
}

/**
 * The one option set (README "Security and limits"). Served (`listen()` / `serve()`), all of it applies; mounted
 * into an App, the App's server-wide options (`websocket`, `bus`, `onError`, ...) apply and the limits set here
 * (`allowedOrigins`, caps, queue and rate limits, `upgradeTimeout`) win over the App's for this router's routes.
 */
export interface RouterOptions extends ServerOptions {}

/** `router.serve(options)`: the same as `router.listen(options)`. */
export interface ServeOptions extends ListenOptions {}

export type { Server };
