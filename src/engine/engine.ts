// The engine every front door sits on: it owns the one Bun.serve, the one table of WebSocket routes, the one
// upgrade pipeline (match → admit → server.upgrade with the route pinned) and the one publish path, which a
// cross-instance bus joins when configured. Front doors only translate their style into SocketRoutes and HTTP.

import type { Server, WebSocketHandler } from "bun";
import type { Bus } from "./bus.ts";
import { PendingConnections, type Connection } from "./connection.ts";
import { createDispatch, type Dispatch, type SocketEventName } from "./dispatch.ts";
import { BunwireError } from "./errors.ts";
import { pathnameOf, type Params, type PathPattern } from "./path-pattern.ts";
import { RouteTable, type RouteMatch } from "./route-table.ts";
import { SERVED_ON, UPGRADED, type Admission, type Grant, type Socket, type SocketRoute } from "./socket-route.ts";
import { TopicCounter, toBusPayload } from "./topics.ts";
import { isThenable } from "./thenable.ts";

/** Every Bun WebSocket option, passed through untouched (the handlers are the engine's). */
export type WebSocketOptions = Omit<WebSocketHandler<unknown>, "open" | "message" | "close" | "drain" | "ping" | "pong" | "error" | "data">;

export type ErrorSource =
  | { kind: "websocket"; ws: Socket<any>; event: SocketEventName; routePath: string }
  | { kind: "http"; request: Request };

export type ErrorHook = (error: unknown, source: ErrorSource) => void;

export interface EngineOptions {
  websocket?: WebSocketOptions;
  /** Carries `publish` to other instances (`bunwire/redis`, `bunwire/nats`). Without one, pub/sub is in-process. */
  bus?: Bus;
  /** Events one connection may hold while its async handler runs (default 1024); past it: close 1013. */
  maxQueuedEvents?: number;
  onError?: ErrorHook;
}

export interface ListenOptions {
  port?: number | string;
  hostname?: string;
  /** Answers every request that is not a WebSocket upgrade. */
  http(req: Request, server: Server<unknown>): Response | Promise<Response>;
}

/** What Bun's `publish` accepts. */
export type PublishData = Parameters<Server<unknown>["publish"]>[1];

export function isUpgradeRequest(req: Request): boolean {
  const upgrade = req.headers.get("upgrade");
  return upgrade !== null && upgrade.toLowerCase() === "websocket";
}

export function logError(error: unknown, source: ErrorSource): void {
  const where = source.kind === "http" ? `${source.request.method} ${pathnameOf(source.request.url)}` : `${source.event} handler on WS ${source.routePath}`;
  console.error(`[bunwire] error in ${where}:`, error);
}

export class Engine {
  readonly sockets = new RouteTable<SocketRoute>("WebSocket");
  onError: ErrorHook;
  #server: Server<unknown> | undefined;
  #closing: Promise<void> | undefined;
  readonly #options: EngineOptions;
  readonly #pending = new PendingConnections();
  readonly #topics: TopicCounter | undefined;
  readonly #websocket: WebSocketHandler<unknown>;
  readonly #dispatch: Dispatch;

  constructor(options: EngineOptions = {}) {
    this.#options = options;
    this.onError = options.onError ?? logError;
    const topics = options.bus === undefined ? undefined : new TopicCounter(options.bus);
    this.#topics = topics;
    const dispatch = createDispatch({
      pending: this.#pending,
      maxQueuedEvents: options.maxQueuedEvents ?? 1024,
      reportError: (ws, error, event, routePath) => this.#report(error, { kind: "websocket", ws, event, routePath }),
      opened: topics && ((ws, connection) => topics.attach(ws, connection)),
      closed: topics && ((ws, connection) => topics.detach(ws, connection)),
    });
    this.#dispatch = dispatch;
    const { idle: _idle, ...handlers } = dispatch;
    this.#websocket = { ...options.websocket, ...handlers };
  }

  /** The running server, once `listen` was called. */
  get server(): Server<unknown> | undefined {
    return this.#server;
  }

  addSocketRoute(route: SocketRoute): PathPattern {
    const pattern = this.sockets.add(route.path, route);
    if (this.#server !== undefined) route.handlers[SERVED_ON]?.(this.#server);
    return pattern;
  }

  /** Upgrades `req` into `route`'s handlers with the granted data; false when the request is no valid handshake. */
  upgrade(req: Request, server: Server<unknown>, route: SocketRoute, params: Params, grant: Grant): boolean {
    const connection: Connection = {
      route,
      handlers: grant.handlers ?? route.handlers,
      params,
      context: grant.context,
      busy: false,
      queue: null,
      overflowed: false,
      topics: null,
    };
    const data = grant.data;
    this.#pending.put(data, connection);
    const upgraded = server.upgrade(req, { data, headers: grant.headers });
    if (!upgraded) this.#pending.drop(data, connection);
    return upgraded;
  }

  /** Bun's fetch for every front door: upgrades go through the socket table, the rest to `http`. */
  fetch(req: Request, server: Server<unknown>, http: ListenOptions["http"]): Response | undefined | Promise<Response | undefined> {
    if (!isUpgradeRequest(req)) return http(req, server);
    let match: RouteMatch<SocketRoute> | null;
    // Bun builds a new string on every `req.url`: read it once per upgrade and hand the path on.
    const pathname = pathnameOf(req.url);
    try {
      match = this.sockets.match(pathname);
    } catch (error) {
      return this.errorResponse(error, req);
    }
    if (match === null) return new Response(`No WebSocket route for ${pathname}`, { status: 404 });
    const found = match;
    let admission: Admission | Promise<Admission>;
    try {
      admission = found.value.admit(req, server, found.params, pathname);
    } catch (error) {
      return this.errorResponse(error, req);
    }
    if (!isThenable(admission)) return this.#complete(req, server, found, admission);
    return admission.then(
      (settled) => this.#complete(req, server, found, settled),
      (error: unknown) => this.errorResponse(error, req),
    );
  }

  #complete(req: Request, server: Server<unknown>, match: RouteMatch<SocketRoute>, admission: Admission): Response | undefined {
    if (admission === UPGRADED) return undefined;
    if (admission instanceof Response) return admission;
    if (this.upgrade(req, server, match.value, match.params, admission)) return undefined;
    return new Response("WebSocket upgrade failed: the request is not a valid WebSocket handshake (Sec-WebSocket-Key, Sec-WebSocket-Version: 13)", { status: 400 });
  }

  /** What a plain HTTP request gets when no HTTP route answered: 426 on a WebSocket-only path, else 404. */
  notFound(req: Request): Response {
    const pathname = pathnameOf(req.url);
    let match: RouteMatch<SocketRoute> | null = null;
    try {
      match = this.sockets.match(pathname);
    } catch {}
    if (match !== null) return new Response(`${pathname} is a WebSocket endpoint: connect with Upgrade: websocket`, { status: 426, headers: { Upgrade: "websocket", Connection: "Upgrade" } });
    return new Response(`Cannot ${req.method} ${pathname}`, { status: 404 });
  }

  /** A BunwireError answers with its own status; anything else is logged and answers 500 without details. */
  errorResponse(error: unknown, req: Request): Response {
    if (error instanceof BunwireError && error.status !== undefined && error.status < 500) return new Response(error.message, { status: error.status });
    this.#report(error, { kind: "http", request: req });
    return new Response("Internal Server Error", { status: 500 });
  }

  listen(options: ListenOptions): Server<unknown> {
    if (this.#server !== undefined) throw new BunwireError("NOT_LISTENING", "this server is already listening; create another app to listen twice");
    const engine = this;
    const http = options.http;
    const server = Bun.serve({
      port: options.port ?? 3000,
      hostname: options.hostname,
      fetch(req, server) {
        return engine.fetch(req, server, http);
      },
      error(error) {
        engine.#report(error, { kind: "http", request: new Request("http://unknown/") });
        return new Response("Internal Server Error", { status: 500 });
      },
      websocket: this.#websocket,
    });
    this.#server = server;
    for (const [, route] of this.sockets.entries()) route.handlers[SERVED_ON]?.(server);
    const bus = this.#options.bus;
    const deliver = (topic: string, data: string | Uint8Array, compress: boolean) => void server.publish(topic, data, compress);
    bus?.connect(deliver, (topic) => server.subscriberCount(topic)).catch((error: unknown) => console.error("[bunwire] bus failed to connect:", error));
    return server;
  }

  /** Publishes to every subscriber of `topic`: here natively, elsewhere through the bus. Returns Bun's result. */
  publish(topic: string, data: PublishData, compress = false): number {
    const server = this.#server;
    if (server === undefined) return 0;
    const sent = server.publish(topic, data, compress);
    this.#options.bus?.publish(topic, toBusPayload(data), compress);
    return sent;
  }

  /** Subscribers of `topic` on this instance. */
  subscriberCount(topic: string): number {
    return this.#server?.subscriberCount(topic) ?? 0;
  }

  /** Subscribers of `topic` across every instance on the bus (this instance's count without one). */
  clusterSubscriberCount(topic: string): Promise<number> {
    const local = this.subscriberCount(topic);
    const bus = this.#options.bus;
    return bus === undefined ? Promise.resolve(local) : bus.clusterSubscriberCount(topic, this.#topics?.local(topic) ?? local);
  }

  /** Stops accepting, closes every socket with 1001, waits for their handlers (async `close` too), then releases the bus. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#server?.stop(true);
      await this.#dispatch.idle();
      await this.#options.bus?.close();
    })();
    return this.#closing;
  }

  #report(error: unknown, source: ErrorSource): void {
    try {
      this.onError(error, source);
    } catch (hookError) {
      logError(hookError, source);
    }
  }
}
