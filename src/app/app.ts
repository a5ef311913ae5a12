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
  pathnameOf,
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
import { readBody } from "./body.ts";
import { LayerStack } from "./layers.ts";
import { runChain, type ChainOutcome, type ChainStep, type ErrorMiddleware, type Handler, type Middleware } from "./middleware-chain.ts";
import { BunwireRequest } from "./request.ts";
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
}

export type RouteHandler<Path extends string> = Middleware<BunwireRequest<ParamsOf<Path>>>;
type ListenCallback = (server: Server<unknown>) => void;

function refusal(outcome: ChainOutcome, path: string, timeoutMs: number): BunwireError | unknown {
  if (outcome.kind === "failed") return outcome.error;
  return new BunwireError("UPGRADE_TIMEOUT", `upgrade to ${path} refused: middleware neither answered nor called next() within ${timeoutMs} ms`);
}

export class App implements MountTarget, Mountable {
  readonly engine: Engine;
  readonly #stack = new LayerStack();
  readonly #routes: Array<[method: string, path: string]> = [];
  readonly #upgradeTimeout: number;
  #listening = false;

  constructor(options: AppOptions = {}) {
    this.engine = new Engine({ websocket: options.websocket, bus: options.bus, maxQueuedEvents: options.maxQueuedEvents });
    this.#upgradeTimeout = options.upgradeTimeout ?? 10_000;
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
    this.#route(method, path, [
      async (req: BunwireRequest<any>, res: BunwireResponse, next: (error?: unknown) => void) => {
        const answer = await handler(req.raw, this.engine.server!);
        if (answer === undefined) next();
        else res.respond(answer);
      },
    ]);
  }

  /** MountTarget: a mounted Router's socket route; the App's `use` middleware runs before its own admission. */
  addSocketRoute(route: SocketRoute): void {
    this.#addSocket({
      path: route.path,
      handlers: route.handlers,
      admit: async (req, server, params, pathname) => {
        const request = new BunwireRequest(req, server, pathname, params);
        const response = new BunwireResponse();
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
    for (const layer of this.#stack.layers) target.#stack.add(layer.method, joinPaths(prefix, layer.pattern.path), layer.handlers);
    for (const [path, route] of this.engine.sockets.entries()) target.#addSocket({ ...route, path: joinPaths(prefix, path) });
  }

  listen(port?: number | string, hostname?: string | ListenCallback, callback?: ListenCallback): Server<unknown> {
    if (typeof hostname === "function") [callback, hostname] = [hostname, undefined];
    const server = this.engine.listen({ port: port ?? 3000, hostname, http: (req, server) => this.#http(req, server) });
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
      const req = new BunwireRequest(raw, server, pathname, {});
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

  #admit(raw: Request, server: Server<unknown>, params: Params, pathname: string, route: WebSocketRouteDefinition<any>): Admission | Promise<Admission> {
    const req = new BunwireRequest(raw, server, pathname, params);
    const res = new BunwireResponse();
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
