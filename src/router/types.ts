// The Router's public types (bun-router style): fetch-style HTTP handlers and one `websocket({...})` config
// that holds the handlers next to every Bun WebSocket option, generic over the user's `ws.data`.

import type { Server, ServerWebSocket } from "bun";
import type { Bus, ErrorHook, Params, SocketHandlers, WebSocketOptions } from "../engine/index.ts";

/** The request an HTTP route receives: Bun's own Request plus the route's URL-decoded params. */
export type RouterRequest = Request & { readonly params: Params };

/**
 * A fetch-style route handler. Returning nothing means "not mine": the next matching route answers (or 404); for a
 * WebSocket handshake, the upgrade goes on.
 */
export type RouteHandler = (req: RouterRequest) => Response | undefined | Promise<Response | undefined>;

/** Bun's ServerWebSocket, as every Router handler receives it. */
export type RouterWebSocket<Data> = ServerWebSocket<Data>;

/** The handlers (`open`, `message`, `close`, `error`, `drain`, `ping`, `pong`) and Bun's WebSocket options in one object. */
export type WebSocketConfig<Data> = SocketHandlers<Data> & WebSocketOptions;

export interface UpgradeOptions<Data> {
  /** Extra headers on the 101 Switching Protocols response. */
  headers?: ResponseInit["headers"]; // not `HeadersInit`: that global exists only with the DOM lib
  /** Becomes `ws.data` exactly. */
  data?: Data;
}

export interface RouterOptions {
  /** Bun's WebSocket options for `router.serve()` (those given to `websocket({...})` win); mounted, the app's apply. */
  websocket?: WebSocketOptions;
  /** Cross-instance pub/sub for `router.serve()` (`bunwire/redis`, `bunwire/nats`); mounted, the app's bus applies. */
  bus?: Bus;
  /** Errors no `error` handler took, for `router.serve()` (default: logged with their route). */
  onError?: ErrorHook;
}

export interface ServeOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number | string;
  hostname?: string;
}

export type { Server };
