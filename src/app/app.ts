// The Express-style front door: `bunwire()` returns an App whose HTTP routes, middleware and WebSocket routes
// sit on one engine. WebSocket routes become engine SocketRoutes whose admission runs `use` middleware and the
// route's own middleware on the upgrade request, with the same req/res as HTTP, fail-closed.

import type { Server } from "bun";
import type { Bus } from "../bus/contract.ts";
import {
  BunwireError,
  Engine,
  isMountable,
  joinPaths,
  MOUNT,
  type Admission,
  type ErrorHook,
  type FetchHandler,
  type Mountable,
  type MountTarget,
  type Params,
  type PublishData,
  type SocketRoute,
  type WebSocketOptions,
} from "../engine/index.ts";
import type { TrustProxy } from "../engine/client-ip.ts";
import { checkBodyLimit, DEFAULT_BODY_LIMIT } from "./body.ts";
import { handleHttp, type HttpContext } from "./http-handler.ts";
import { HttpRoutes, STACK } from "./http-routes.ts";
import type { HttpRouter } from "./http-router.ts";
import { LayerStack } from "./layers.ts";
import { runChain, type ChainOutcome, type ChainStep, type ErrorMiddleware, type Handler, type Middleware } from "./middleware-chain.ts";
import { BunwireRequest, type RequestSettings } from "./request.ts";
import { BunwireResponse } from "./response.ts";
import type { ParamsOf, WebSocketData, WebSocketHandlers, WebSocketRouteDefinition } from "./types.ts";

export interface AppOptions {
  /** Every Bun WebSocket option: maxPayloadLength, idleTimeout, backpressureLimit, perMessageDeflate, ... */
  websocket?: WebSocketOptions;
  /** Carries publish across instances (`redisBus`, `natsBus`); in-process pub/sub without one. */
  bus?: Bus;
  /** Milliseconds an upgrade's middleware may take to answer or call next() before it is refused (default 10 000). */
  upgradeTimeout?: number;
  /** Events one connection may hold while its async handler runs (default 1024; past it: close 1013). */
  maxQueuedEvents?: number;
  /** HTTP body bytes a route accepts (default 1 MiB); past it 413 PAYLOAD_TOO_LARGE, without buffering the rest. */
  bodyLimit?: number;
  /** Whether X-Forwarded-For/-Proto/-Host are believed for `req.ip`, `req.protocol`, `req.hostname` and `rateLimit()` (default false). */
  trustProxy?: TrustProxy;
}

export type { RouteHandler } from "./http-routes.ts";
type ListenCallback = (server: Server<unknown>) => void;

function refusal(outcome: ChainOutcome, path: string, timeoutMs: number): BunwireError | unknown {
  if (outcome.kind === "failed") return outcome.error;
  return new BunwireError("UPGRADE_TIMEOUT", `upgrade to ${path} refused: middleware neither answered nor called next() within ${timeoutMs} ms`);
}

export class App extends HttpRoutes implements MountTarget, Mountable {
  readonly engine: Engine;
  readonly [STACK]: LayerStack;
  readonly #routes: Array<[method: string, path: string]> = [];
  readonly #upgradeTimeout: number;
  readonly #settings: RequestSettings;
  readonly #http: HttpContext;
  #listening = false;

  constructor(options: AppOptions = {}) {
    super();
    this.engine = new Engine({ websocket: options.websocket, bus: options.bus, maxQueuedEvents: options.maxQueuedEvents });
    this.#upgradeTimeout = options.upgradeTimeout ?? 10_000;
    const bodyLimit = options.bodyLimit === undefined ? DEFAULT_BODY_LIMIT : checkBodyLimit(options.bodyLimit, "bunwire()");
    this.#settings = { trustProxy: options.trustProxy ?? false, bodyLimit };
    this[STACK] = new LayerStack({ bodyLimit });
    this.#http = { stack: this[STACK], settings: this.#settings, engine: this.engine };
  }

  get #stack(): LayerStack {
    return this[STACK];
  }

  /** Middleware for every path under `path` (default "/"), HTTP and upgrades alike; or mounts a Router, HttpRouter or App. */
  use(...handlers: Array<Middleware | HttpRouter | Mountable>): this;
  use(path: string, ...handlers: Array<Middleware | HttpRouter | Mountable>): this;
  /** Error middleware `(err, req, res, next)`: runs after a failure and may answer it. */
  use(...handlers: ErrorMiddleware[]): this;
  use(path: string, ...handlers: ErrorMiddleware[]): this;
  use(...args: Array<string | Handler | HttpRouter | Mountable>): this {
    const path = typeof args[0] === "string" ? (args.shift() as string) : "/";
    if (args.length === 0) throw new BunwireError("INVALID_HANDLER", `app.use("${path}"): no middleware given`);
    for (const item of args) {
      if (isMountable(item)) item[MOUNT](this, path);
      else if (!this.useItem(path, item)) throw new BunwireError("INVALID_HANDLER", `app.use("${path}", ...): expected middleware functions, an HttpRouter or a Router`);
    }
    return this;
  }

  /** A WebSocket route: optional middleware (run before the upgrade), then the handlers. */
  ws<Path extends string, Extra extends object = {}>(
    path: Path,
    ...args: [...middleware: Middleware<BunwireRequest<ParamsOf<Path>>>[], handlers: WebSocketHandlers<WebSocketData<ParamsOf<Path>, Extra>>]
  ): this {
    const handlers = args.pop() as WebSocketHandlers<any>;
    if (handlers === null || typeof handlers !== "object") throw new BunwireError("INVALID_HANDLER", `app.ws("${path}"): the last argument must be the handlers object { open, message, close, ... }`);
    const middleware = args as Handler[];
    const definition: WebSocketRouteDefinition<any> = { path, middleware: middleware as Middleware[], handlers };
    this.#addSocket({
      path,
      handlers,
      admit: (req, server, params, pathname) => this.#admit(req, server, params, pathname, definition),
    });
    return this;
  }

  /** MountTarget: a mounted Router's fetch-style route. */
  addHttpRoute(method: string, path: string, handler: FetchHandler): void {
    const route: Middleware = async (req, res, next) => {
      const answer = await handler(req.raw, this.engine.server!);
      if (answer === undefined) next();
      else res.respond(answer);
    };
    // A fetch-style route reads `req.raw`'s body itself: the App must not consume it first.
    this.#stack.route(method, path, [route], { ownBody: true });
    this.registered(method, path);
  }

  /** MountTarget: a mounted Router's socket route; the App's `use` middleware runs before its own admission. */
  addSocketRoute(route: SocketRoute): void {
    this.#addSocket({
      path: route.path,
      handlers: route.handlers,
      admit: async (req, server, params, pathname) => {
        const request = new BunwireRequest(req, server, pathname, params, this.#settings);
        const response = new BunwireResponse(request);
        const outcome = await runChain(this.#stack.middlewareFor(request.path), request, response, this.#upgradeTimeout);
        if (outcome.kind !== "passed") return this.#refuse(outcome, request, response, route.path);
        const admission = await route.admit(req, server, params, pathname);
        if (admission instanceof Response || typeof admission === "symbol") return admission;
        const headers = new Headers(admission.headers);
        for (const [name, value] of response.headersIfSet ?? []) headers.append(name, value);
        return { ...admission, headers };
      },
    });
  }

  /** Mounts this App's routes into another App (`parent.use("/admin", child)`). */
  [MOUNT](target: MountTarget, prefix: string): void {
    if (!(target instanceof App)) throw new BunwireError("INVALID_HANDLER", "an App can only be mounted into another App");
    // Live, as in Express: the sub-app's stack runs below the prefix, with `req.baseUrl` set to it.
    target.#stack.mount(prefix, this.#stack);
    for (const [method, path] of this.#routes) if (method !== "WS") target.#routes.push([method, joinPaths(prefix, path)]);
    for (const [path, route] of this.engine.sockets.entries()) target.#addSocket({ ...route, path: joinPaths(prefix, path) });
  }

  listen(port?: number | string, hostname?: string | ListenCallback, callback?: ListenCallback): Server<unknown> {
    if (typeof hostname === "function") [callback, hostname] = [hostname, undefined];
    const server = this.engine.listen({ port: port ?? 3000, hostname, http: (req, server) => handleHttp(this.#http, req, server) });
    this.#listening = true;
    callback?.(server);
    return server;
  }

  /** Bun's Server once `listen` was called. */
  get server(): Server<unknown> | undefined {
    return this.engine.server;
  }

  publish(topic: string, data: PublishData, compress?: boolean): number {
    return this.engine.publish(topic, data, compress);
  }
  subscriberCount(topic: string): number {
    return this.engine.subscriberCount(topic);
  }
  clusterSubscriberCount(topic: string): Promise<number> {
    return this.engine.clusterSubscriberCount(topic);
  }

  /** Where handler errors go (WebSocket handlers without `error`, HTTP 500s). Logged to stderr by default. */
  onError(hook: ErrorHook): this {
    this.engine.onError = hook;
    return this;
  }

  /** Stops accepting, closes every socket with 1001, resolves when done. */
  close(): Promise<void> {
    return this.#listening ? this.engine.close() : Promise.resolve();
  }

  /** Prints (and returns) one line per route: `GET     /`, `WS      /chat`. */
  printRoutes(): string {
    const text = this.#routes.map(([method, path]) => `${method.padEnd(8)}${path}`).join("\n");
    console.log(text);
    return text;
  }

  protected override registered(method: string, path: string): void {
    this.#routes.push([method, path]);
  }

  #addSocket(route: SocketRoute): void {
    this.engine.addSocketRoute(route);
    this.#routes.push(["WS", route.path]);
  }

  #admit(raw: Request, server: Server<unknown>, params: Params, pathname: string, route: WebSocketRouteDefinition<any>): Admission | Promise<Admission> {
    const req = new BunwireRequest(raw, server, pathname, params, this.#settings);
    const res = new BunwireResponse(req);
    const steps: ChainStep[] = this.#stack.middlewareFor(req.path);
    for (const handler of route.middleware) steps.push({ handler, params });
    const grant = (outcome: ChainOutcome): Admission => {
      if (outcome.kind !== "passed") return this.#refuse(outcome, req, res, route.path);
      req.params = params;
      const data: WebSocketData = { ...res.locals, routePath: route.path, params, handlers: route.handlers, req };
      return { data, headers: res.headersIfSet };
    };
    if (steps.length === 0) return grant({ kind: "passed" });
    const outcome = runChain(steps, req, res, this.#upgradeTimeout);
    return outcome instanceof Promise ? outcome.then(grant) : grant(outcome);
  }

  #refuse(outcome: ChainOutcome, req: BunwireRequest<any>, res: BunwireResponse, path: string): Response {
    if (outcome.kind === "answered") return res.toResponse();
    return this.engine.errorResponse(refusal(outcome, path, this.#upgradeTimeout), req.raw);
  }
}

export function bunwire(options?: AppOptions): App {
  return new App(options);
}
