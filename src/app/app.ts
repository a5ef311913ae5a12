// The Express-style front door: `bunwire()` returns an App whose HTTP routes, middleware and WebSocket routes
// sit on one engine. WebSocket routes become engine SocketRoutes whose admission runs `use` middleware and the
// route's own middleware on the upgrade request, with the same req/res as HTTP, then the route's `upgrade()`
// decision; the engine's admission module (src/engine/admission.ts) reads the outcome, fail-closed.

import type { Server } from "bun";
import type { Cluster } from "../cluster/cluster.ts";
import {
  belowPrefix,
  BunwireError,
  checkOptions,
  closeOnSignals,
  Engine,
  isMountable,
  joinPaths,
  listenArgs,
  MOUNT,
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
  type Socket,
  type SocketRoute,
} from "../engine/index.ts";
import { admitAppRoute, admitMountedRoute, type AppSocketRoute } from "./admission.ts";
import { DEFAULT_BODY_LIMIT } from "./body.ts";
import { handleHttp, type HttpContext } from "./http-handler.ts";
import { HttpRoutes, STACK } from "./http-routes.ts";
import type { HttpRouter } from "./http-router.ts";
import { LayerStack } from "./layers.ts";
import type { ChainStep, ErrorMiddleware, Handler, Middleware } from "./middleware-chain.ts";
import { SharedHeaderBlocks } from "./header-block.ts";
import { readKeepHeaders } from "./kept-headers.ts";
import { BunwireRequest, type RequestSettings } from "./request.ts";
import { BunwireResponse } from "./response.ts";
import type { ParamsOf, WebSocketData, WebSocketHandlers } from "./types.ts";

/** The one option set of every front door (src/engine/options.ts; README "Security and limits"). */
export interface AppOptions extends ServerOptions {}

export type { RouteHandler } from "./http-routes.ts";

/** The upgrade as an App's engine received it. */
interface Upgrade {
  readonly raw: Request;
  readonly server: Server<unknown>;
  readonly params: Params;
  readonly pathname: string;
  /** The path the route's App is mounted on (`/api` for a sub-App's route), "" at the root: the route's own middleware sees it as `req.baseUrl`. */
  readonly base?: string;
}

/**
 * A socket route as an App holds it: `admit` runs once the `use` middleware of the App serving it ran (`steps`,
 * which already hold the middleware of every App mounted between, as the HTTP chain does). An App mounted into
 * another hands its entries on with the prefix, now and for every route it gains later.
 */
interface AppSocketEntry {
  readonly path: string;
  readonly handlers: SocketRoute["handlers"];
  readonly limits: RouteLimits | undefined;
  admit(steps: ChainStep[], req: BunwireRequest<any>, res: BunwireResponse, upgrade: Upgrade): Admission | Promise<Admission>;
}

export class App extends HttpRoutes implements MountTarget, Mountable {
  readonly engine: Engine;
  readonly [STACK]: LayerStack;
  readonly #settings: RequestSettings;
  readonly #http: HttpContext;
  /** The limits this App sets itself: they follow its routes when it is mounted into another App. */
  readonly #limits: RouteLimits | undefined;
  /** Mounted into a parent: each route's own limits over this App's, one merged object per inner scope. */
  readonly #mergedLimits = new Map<RouteLimits | undefined, RouteLimits | undefined>();
  /** Every socket route this App holds (its own and mounted ones), in order, to hand on to a parent mounted later. */
  readonly #sockets: AppSocketEntry[] = [];
  /** The Apps this one is mounted into, with the prefix: routes added later reach them too (live, at any depth). */
  readonly #parents: Array<{ readonly app: App; readonly prefix: string }> = [];

  constructor(options: AppOptions = {}) {
    super();
    checkOptions(options, "bunwire()");
    this.engine = new Engine(options, "bunwire()");
    const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    this.#settings = { trustProxy: options.trustProxy ?? false, bodyLimit, headerBlocks: new SharedHeaderBlocks() };
    this[STACK] = new LayerStack({ bodyLimit });
    this.#http = { stack: this[STACK], settings: this.#settings, engine: this.engine };
    this.#limits = pickLimits(options);
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
    if (handlers.upgrade !== undefined && typeof handlers.upgrade !== "function") throw new BunwireError("INVALID_HANDLER", `app.ws("${path}"): upgrade must be a function (req) => decision`);
    const middleware = args as Handler[];
    const keep = readKeepHeaders(handlers.keepHeaders, path);
    const definition: AppSocketRoute = { path, middleware: middleware as Middleware[], handlers, where: `WS ${path}`, upgradeWhere: `WS ${path} upgrade()`, keep };
    this.#addSocket({
      path,
      handlers,
      limits: undefined,
      admit: (steps, req, res, { params, base }) => {
        for (const handler of definition.middleware) steps.push({ handler, params, base });
        return admitAppRoute(steps, req, res, definition, params);
      },
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

  /**
   * MountTarget: a mounted Router's, file routes' or Application's socket route. The App's `use` middleware runs
   * first; then the route's own admission decides, and what the middleware set (headers, `req.user`) joins it.
   */
  addSocketRoute(route: SocketRoute): void {
    const where = `WS ${route.path}`;
    this.#addSocket({
      path: route.path,
      handlers: route.handlers,
      limits: route.limits,
      admit: (steps, req, res, upgrade) => {
        if (steps.length === 0) return route.admit(upgrade.raw, upgrade.server, upgrade.params, upgrade.pathname);
        return admitMountedRoute(steps, req, res, route, where, upgrade);
      },
    });
  }

  /** Mounts this App's routes into another App (`parent.use("/admin", child)`), with the limits it set itself. */
  [MOUNT](target: MountTarget, prefix: string): void {
    if (!(target instanceof App)) throw new BunwireError("INVALID_HANDLER", "an App can only be mounted into another App");
    // Live, as in Express: the sub-app's stack runs below the prefix, with `req.baseUrl` set to it; socket routes
    // are handed on now and as they are added (#addSocket).
    target.#stack.mount(prefix, this.#stack);
    for (const [method, path] of this.routeLines()) if (method !== "WS") target.listing.push([method, joinPaths(prefix, path)]);
    this.#parents.push({ app: target, prefix });
    for (const entry of this.#sockets) this.#handOn(entry, target, prefix);
  }

  /** A socket route of this App, served by `parent` below `prefix`; the parent's steps already hold this App's middleware. */
  #handOn(entry: AppSocketEntry, parent: App, prefix: string): void {
    parent.#addSocket({
      path: joinPaths(prefix, entry.path),
      handlers: entry.handlers,
      limits: this.#limitsFor(entry.limits),
      admit: (steps, req, res, upgrade) => {
        const pathname = belowPrefix(upgrade.pathname, prefix);
        // The part of the path the prefix matched, concrete (a `:param` in the prefix is its value here).
        const mounted = pathname === "/" && !upgrade.pathname.endsWith("/") ? upgrade.pathname : upgrade.pathname.slice(0, upgrade.pathname.length - pathname.length);
        return entry.admit(steps, req, res, { ...upgrade, pathname, base: (upgrade.base ?? "") + mounted });
      },
    });
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
    const server = this.engine.listen({ port: args.port ?? 3000, hostname: args.hostname, quiet: args.quiet, http: (req, server) => handleHttp(this.#http, req, server) });
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
  /** Cluster-wide operations on connections: list, join, leave, disconnect, emit (docs/SCALING.md). */
  get cluster(): Cluster {
    return this.engine.cluster;
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
    const text = this.routeLines().map(([method, path]) => `${method.padEnd(8)}${path}`).join("\n");
    console.log(text);
    return text;
  }

  protected override registered(method: string, path: string): void {
    super.registered(method, path);
    for (const { app, prefix } of this.#parents) app.registered(method, joinPaths(prefix, path));
  }

  /** Serves `entry` on this App's engine after this App's middleware, and on every App it is mounted into. */
  #addSocket(entry: AppSocketEntry): void {
    this.engine.addSocketRoute({
      path: entry.path,
      handlers: entry.handlers,
      ...(entry.limits === undefined ? {} : { limits: entry.limits }),
      admit: (raw, server, params, pathname) => {
        const req = new BunwireRequest(raw, server, pathname, params, this.#settings);
        return entry.admit(this.#stack.middlewareFor(req.path), req, new BunwireResponse(req), { raw, server, params, pathname });
      },
      opened: bindRequest,
    });
    this.#sockets.push(entry);
    this.listing.push(["WS", entry.path]);
    for (const { app, prefix } of this.#parents) this.#handOn(entry, app, prefix);
  }
}

/** A socket kept its upgrade's `req` (`ws.data.req`): `req.ip` reads the socket's peer address from then on. */
function bindRequest(ws: Socket): void {
  const req = (ws.data as { req?: unknown } | null | undefined)?.req;
  if (req instanceof BunwireRequest) req.bindSocket(ws);
}

export function bunwire(options?: AppOptions): App {
  return new App(options);
}
