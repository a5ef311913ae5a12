// The Express-style front door: `bunwire()` returns an App whose HTTP routes, middleware and WebSocket routes
// sit on one engine. WebSocket routes become engine SocketRoutes whose admission runs `use` middleware and the
// route's own middleware on the upgrade request, with the same req/res as HTTP, then the route's `upgrade()`
// decision; the engine's admission module (src/engine/admission.ts) reads the outcome, fail-closed.

import type { Server } from "bun";
import {
  BunwireError,
  checkOptions,
  closeOnSignals,
  Engine,
  isMountable,
  joinPaths,
  listenArgs,
  MOUNT,
  pathnameOf,
  pickLimits,
  type Admission,
  type CloseOptions,
  type ErrorHook,
  type FetchHandler,
  type ListenCallback,
  type ListenOptions,
  type Mountable,
  type MountTarget,
  type Params,
  type PublishData,
  type RouteLimits,
  type ServerOptions,
  type SocketRoute,
  type TrustProxy,
} from "../engine/index.ts";
import { admitAppRoute, admitMountedRoute, type AppSocketRoute } from "./admission.ts";
import { readBody } from "./body.ts";
import { LayerStack } from "./layers.ts";
import { runChain, type ChainStep, type ErrorMiddleware, type Handler, type Middleware } from "./middleware-chain.ts";
import { BunwireRequest } from "./request.ts";
import { BunwireResponse } from "./response.ts";
import type { ParamsOf, WebSocketData, WebSocketHandlers } from "./types.ts";

/** The one option set of every front door (src/engine/options.ts; README "Security and limits"). */
export interface AppOptions extends ServerOptions {}

export type RouteHandler<Path extends string> = Middleware<BunwireRequest<ParamsOf<Path>>>;

export class App implements MountTarget, Mountable {
  readonly engine: Engine;
  readonly #stack = new LayerStack();
  readonly #routes: Array<[method: string, path: string]> = [];
  readonly #trustProxy: TrustProxy;
  /** The limits this App sets itself: they follow its routes when it is mounted into another App. */
  readonly #limits: RouteLimits | undefined;
  /** Mounted into a parent: each route's own limits over this App's, one merged object per inner scope. */
  readonly #mergedLimits = new Map<RouteLimits | undefined, RouteLimits | undefined>();

  constructor(options: AppOptions = {}) {
    checkOptions(options, "bunwire()");
    this.engine = new Engine(options, "bunwire()");
    this.#trustProxy = options.trustProxy ?? false;
    this.#limits = pickLimits(options);
  }

  get<Path extends string>(path: Path, ...handlers: RouteHandler<Path>[]): this {
    return this.#route("GET", path, handlers);
  }
  post<Path extends string>(path: Path, ...handlers: RouteHandler<Path>[]): this {
    return this.#route("POST", path, handlers);
  }
  put<Path extends string>(path: Path, ...handlers: RouteHandler<Path>[]): this {
    return this.#route("PUT", path, handlers);
  }
  patch<Path extends string>(path: Path, ...handlers: RouteHandler<Path>[]): this {
    return this.#route("PATCH", path, handlers);
  }
  delete<Path extends string>(path: Path, ...handlers: RouteHandler<Path>[]): this {
    return this.#route("DELETE", path, handlers);
  }
  all<Path extends string>(path: Path, ...handlers: RouteHandler<Path>[]): this {
    return this.#route("ALL", path, handlers);
  }

  /** Middleware for every path under `path` (default "/"), HTTP and upgrades alike; or mounts a Router. */
  use(...handlers: Array<Middleware | Mountable>): this;
  use(path: string, ...handlers: Array<Middleware | Mountable>): this;
  /** Error middleware `(err, req, res, next)`: runs after a failure and may answer it. */
  use(...handlers: ErrorMiddleware[]): this;
  use(path: string, ...handlers: ErrorMiddleware[]): this;
  use(...args: Array<string | Handler | Mountable>): this {
    const path = typeof args[0] === "string" ? (args.shift() as string) : "/";
    for (const item of args) {
      if (isMountable(item)) item[MOUNT](this, path);
      else if (typeof item === "function") this.#stack.add("USE", path, [item]);
      else throw new BunwireError("INVALID_HANDLER", `app.use("${path}", ...): expected middleware functions or a Router`);
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
    if (handlers.upgrade !== undefined && typeof handlers.upgrade !== "function") throw new BunwireError("INVALID_HANDLER", `app.ws("${path}"): upgrade must be a function (req) => decision`);
    const middleware = args as Handler[];
    const definition: AppSocketRoute = { path, middleware: middleware as Middleware[], handlers, where: `WS ${path}`, upgradeWhere: `WS ${path} upgrade()` };
    this.#addSocket({
      path,
      handlers,
      admit: (req, server, params, pathname) => this.#admit(req, server, params, pathname, definition),
    });
    return this;
  }

  /** MountTarget: a mounted Router's fetch-style route. */
  addHttpRoute(method: string, path: string, handler: FetchHandler): void {
    this.#route(method, path, [
      async (req: BunwireRequest<any>, res: BunwireResponse, next: (error?: unknown) => void) => {
        const answer = await handler(req.raw, this.engine.server!);
        if (answer === undefined) next();
        else res.respond(answer);
      },
    ]);
  }

  /**
   * MountTarget: a mounted Router's, file routes' or Application's socket route. The App's `use` middleware runs
   * first; then the route's own admission decides, and what the middleware set (headers, `req.user`) joins it.
   */
  addSocketRoute(route: SocketRoute): void {
    const where = `WS ${route.path}`;
    this.#addSocket({
      ...route,
      admit: (raw, server, params, pathname) => {
        const steps = this.#stack.middlewareFor(pathname);
        if (steps.length === 0) return route.admit(raw, server, params, pathname);
        const request = new BunwireRequest(raw, server, pathname, params, this.#trustProxy);
        return admitMountedRoute(steps, request, new BunwireResponse(), route, where, { raw, server, params, pathname });
      },
    });
  }

  /** Mounts this App's routes into another App (`parent.use("/admin", child)`), with the limits it set itself. */
  [MOUNT](target: MountTarget, prefix: string): void {
    if (!(target instanceof App)) throw new BunwireError("INVALID_HANDLER", "an App can only be mounted into another App");
    for (const layer of this.#stack.layers) target.#stack.add(layer.method, joinPaths(prefix, layer.pattern.path), layer.handlers);
    for (const [path, { route }] of this.engine.sockets.entries()) {
      target.#addSocket({ ...route, path: joinPaths(prefix, path), limits: this.#limitsFor(route.limits) });
    }
  }

  /** The innermost setting wins: a route's own limits over this App's; one object per scope so caps stay shared. */
  #limitsFor(inner: RouteLimits | undefined): RouteLimits | undefined {
    if (this.#limits === undefined) return inner;
    if (!this.#mergedLimits.has(inner)) this.#mergedLimits.set(inner, inner === undefined ? this.#limits : { ...this.#limits, ...inner });
    return this.#mergedLimits.get(inner);
  }

  /** `listen(port?, hostname?, callback?)` or `listen({ port, hostname, quiet })`; prints where it listens unless quiet. */
  listen(port?: number | string | ListenOptions, hostname?: string | ListenCallback, callback?: ListenCallback): Server<unknown> {
    const args = listenArgs(port, hostname, callback);
    const server = this.engine.listen({ port: args.port ?? 3000, hostname: args.hostname, quiet: args.quiet, http: (req, server) => this.#http(req, server) });
    args.callback?.(server);
    return server;
  }

  /** Bun's Server once `listen` was called. */
  get server(): Server<unknown> | undefined {
    return this.engine.server;
  }

  /** The port listened on (the real one when listening on port 0). */
  get port(): number | undefined {
    return this.engine.server?.port;
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

  /** Where handler errors go (WebSocket handlers without `error`, HTTP 500s); the `onError` option does the same. */
  onError(hook: ErrorHook): this {
    this.engine.onError = hook;
    return this;
  }

  /**
   * Stops accepting, closes every socket with 1001, waits for running handlers and the bus up to `timeout`
   * (default `shutdownTimeout`, 10 s), then resolves.
   */
  close(options?: CloseOptions): Promise<void> {
    return this.engine.close(options);
  }

  /** One opt-in line for production: SIGTERM / SIGINT → `close(options)` → exit 0. */
  closeOnSignals(options?: CloseOptions): this {
    closeOnSignals(this, options);
    return this;
  }

  /** Prints (and returns) one line per route: `GET     /`, `WS      /chat`. */
  printRoutes(): string {
    const text = this.#routes.map(([method, path]) => `${method.padEnd(8)}${path}`).join("\n");
    console.log(text);
    return text;
  }

  #route(method: string, path: string, handlers: readonly unknown[]): this {
    for (const handler of handlers) {
      if (typeof handler !== "function") throw new BunwireError("INVALID_HANDLER", `${method} ${path}: every handler must be a function, got ${typeof handler}`);
    }
    this.#stack.add(method, path, handlers as Handler[]);
    this.#routes.push([method, path]);
    return this;
  }

  #addSocket(route: SocketRoute): void {
    this.engine.addSocketRoute(route);
    this.#routes.push(["WS", route.path]);
  }

  async #http(raw: Request, server: Server<unknown>): Promise<Response> {
    try {
      const pathname = pathnameOf(raw.url);
      const { steps, routed } = this.#stack.chainFor(raw.method, pathname);
      const req = new BunwireRequest(raw, server, pathname, {}, this.#trustProxy);
      const res = new BunwireResponse();
      req.body = await readBody(raw);
      const outcome = await runChain(steps, req, res);
      if (outcome.kind === "answered") return res.toResponse();
      if (outcome.kind === "failed") return this.engine.errorResponse(outcome.error, raw);
      if (routed) return this.engine.errorResponse(new Error(`${raw.method} ${pathname}: the route's handlers called next() without answering`), raw);
      return this.engine.notFound(raw);
    } catch (error) {
      return this.engine.errorResponse(error, raw);
    }
  }

  #admit(raw: Request, server: Server<unknown>, params: Params, pathname: string, route: AppSocketRoute): Admission | Promise<Admission> {
    const req = new BunwireRequest(raw, server, pathname, params, this.#trustProxy);
    const steps: ChainStep[] = this.#stack.middlewareFor(req.path);
    for (const handler of route.middleware) steps.push({ handler, params });
    return admitAppRoute(steps, req, new BunwireResponse(), route, params);
  }
}

export function bunwire(options?: AppOptions): App {
  return new App(options);
}
