// `new Router<ClientData>()` (bun-router style): fetch-style HTTP routes plus one `websocket({...})` that takes
// every handshake on any path. A Router owns no server: it mounts onto an App (`app.use(router)`) or onto an
// Engine of its own (`router.listen()` / `router.serve()`), through the same `[MOUNT]` contract either way.

import type { Server } from "bun";
import type { Cluster } from "../cluster/cluster.ts";
import {
  BunwireError,
  checkOptions,
  checkWebSocketOptions,
  closeOnSignals,
  Engine,
  isMountable,
  joinPaths,
  listenArgs,
  MOUNT,
  pickLimits,
  SERVERS,
  Serving,
  SIZES,
  sizesOf,
  addSizes,
  type CloseOptions,
  type ListenCallback,
  type ListenOptions,
  type Mountable,
  type MountTarget,
  type PublishData,
  type RouteLimits,
  type Sizes,
  type WebSocketOptions,
} from "../engine/index.ts";
import { Handshakes } from "./admission.ts";
import { RouterMount, type RouteEntry } from "./mounted.ts";
import { ServeTarget } from "../engine/serve-target.ts";
import type { RouteHandler, RouterOptions, ServeOptions, UpgradeOptions, WebSocketConfig } from "./types.ts";

const HANDLER_KEYS = new Set(["open", "message", "close", "error", "drain", "ping", "pong", "rejected"]);
/** Keys of `websocket({...})` that belong to the handlers, not to Bun's options. */
const HANDLER_DATA_KEYS = new Set(["subprotocols"]);

/** bun-router writes params as `{id}`; the engine as `:id`. Both are accepted. */
function toEnginePath(path: string): string {
  return path.replace(/\{([A-Za-z_$][\w$]*)\}/g, ":$1");
}

function splitConfig(config: WebSocketConfig<any>): { handlers: WebSocketConfig<any>; options: WebSocketOptions } {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (HANDLER_KEYS.has(key)) {
      if (value !== undefined && typeof value !== "function") throw new BunwireError("INVALID_HANDLER", `router.websocket({ ${key} }): ${key} must be a function`);
    } else if (!HANDLER_DATA_KEYS.has(key)) {
      options[key] = value;
    }
  }
  checkWebSocketOptions(options, "router.websocket()");
  return { handlers: config, options: options as WebSocketOptions };
}

export class Router<ClientData = Record<string, unknown>> implements Mountable {
  readonly #options: RouterOptions;
  /** The limits this Router sets itself: they follow its routes into an App it is mounted on. */
  readonly #limits: RouteLimits | undefined;
  readonly #handshakes = new Handshakes();
  readonly #routes: RouteEntry[] = [];
  readonly #mounts: RouterMount[] = [];
  readonly #serving = new Serving();
  #websocket: WebSocketConfig<any> | undefined;
  #websocketOptions: WebSocketOptions = {};

  constructor(options: RouterOptions = {}) {
    checkOptions(options, "new Router()");
    this.#options = options;
    this.#limits = pickLimits(options);
  }

  get(path: string, handler: RouteHandler): this {
    return this.route("GET", path, handler);
  }
  post(path: string, handler: RouteHandler): this {
    return this.route("POST", path, handler);
  }
  put(path: string, handler: RouteHandler): this {
    return this.route("PUT", path, handler);
  }
  patch(path: string, handler: RouteHandler): this {
    return this.route("PATCH", path, handler);
  }
  delete(path: string, handler: RouteHandler): this {
    return this.route("DELETE", path, handler);
  }
  head(path: string, handler: RouteHandler): this {
    return this.route("HEAD", path, handler);
  }
  options(path: string, handler: RouteHandler): this {
    return this.route("OPTIONS", path, handler);
  }
  /** Every method. */
  all(path: string, handler: RouteHandler): this {
    return this.route("ALL", path, handler);
  }

  /** An HTTP route for `method` ("GET", ..., or "ALL"); `:id` and `{id}` params land in `req.params`. */
  route(method: string, path: string, handler: RouteHandler): this {
    if (typeof handler !== "function") throw new BunwireError("INVALID_HANDLER", `router.${method.toLowerCase()}("${path}", handler): handler must be a function`);
    const entry: RouteEntry = { method: method.toUpperCase(), path: toEnginePath(path), handler };
    this.#routes.push(entry);
    for (const mount of this.#mounts) mount.addRoute(entry);
    return this;
  }

  /**
   * Mounts something that brings its own routes, such as `observe()` from `bunwire/metrics`, under `path`: on the
   * server `listen()` starts, or on the App this router is mounted into (with the router's prefix).
   */
  use(...items: Mountable[]): this;
  use(path: string, ...items: Mountable[]): this;
  use(...args: Array<string | Mountable>): this {
    this.#serving.use("router", args);
    return this;
  }

  /**
   * The WebSocket handlers and options. A handshake on any path is upgraded into them; when a GET route matches
   * the path it runs first and may `router.upgrade` with its own data, or refuse with a status >= 400.
   */
  websocket<Data = ClientData>(config: WebSocketConfig<Data>): this {
    if (config === null || typeof config !== "object") throw new BunwireError("INVALID_HANDLER", "router.websocket(config): config must be an object of handlers and options");
    if (this.#websocket !== undefined) throw new BunwireError("ROUTE_CONFLICT", "router.websocket() was already called on this router; one router has one set of WebSocket handlers");
    const { handlers, options } = splitConfig(config as WebSocketConfig<any>);
    this.#websocket = handlers;
    this.#websocketOptions = options;
    for (const mount of this.#mounts) this.#mountAnyPath(mount);
    return this;
  }

  /** Publishes to `topic` on every server this router is served or mounted on (and across instances with a bus). */
  publish(topic: string, data: PublishData, compress = false): number {
    return this.#serving.publish(topic, data, compress);
  }

  /** Subscribers of `topic` on this instance. */
  subscriberCount(topic: string): number {
    return this.#serving.subscriberCount(topic);
  }

  /** Subscribers of `topic` across every instance on the bus. */
  clusterSubscriberCount(topic: string): Promise<number> {
    return this.#serving.clusterSubscriberCount(topic);
  }

  /**
   * Cluster-wide operations on the connections of the server this router runs on: its own once `listen()`ed,
   * else the App's it is mounted into (docs/SCALING.md). NOT_LISTENING before either.
   */
  get cluster(): Cluster {
    return this.#serving.cluster("router");
  }

  /**
   * Grants a WebSocket handshake from inside a GET route: the engine upgrades it into this router's `websocket`
   * handlers with `data` as `ws.data`, `headers` on the 101 and `user` as its identity once the route returns
   * (its response is then ignored). False when `req` is no handshake this router is admitting.
   */
  upgrade(req: Request, options: UpgradeOptions<ClientData> = {}): boolean {
    return this.#handshakes.upgrade(req, options);
  }

  /** `listen(port?, hostname?, callback?)` or `listen({ port, hostname, quiet })`: a server of its own. */
  listen(port?: number | string | ListenOptions, hostname?: string | ListenCallback, callback?: ListenCallback): Server<unknown> {
    const args = listenArgs(port, hostname, callback);
    const server = this.serve(args);
    args.callback?.(server);
    return server;
  }

  /** Starts a server of its own (Bun's `Server`), with the `websocket()` options applied (bun-router's name for `listen`). */
  serve(options: ServeOptions = {}): Server<unknown> {
    const websocket = { ...this.#options.websocket, ...this.#websocketOptions };
    const engine = new Engine({ ...this.#options, websocket }, "new Router()");
    const target = new ServeTarget(engine);
    this.#mount(target, "", undefined);
    this.#serving.started(engine);
    return engine.listen({ port: options.port ?? 3000, hostname: options.hostname, quiet: options.quiet, http: (req, server) => target.fetch(req, server) });
  }

  /** The server `listen()` / `serve()` started. */
  get server(): Server<unknown> | undefined {
    return this.#serving.server;
  }

  /** The servers its routes run on: its own, or the Apps' it is mounted into (typed publish, presence relay). */
  [SERVERS](): readonly Server<unknown>[] {
    return this.#serving.servers();
  }

  /** The port listened on (the real one when listening on port 0). */
  get port(): number | undefined {
    return this.server?.port;
  }

  /** Stops the servers `listen()` / `serve()` started: sockets close with 1001, handlers finish up to `timeout`. */
  async close(options?: CloseOptions): Promise<void> {
    await this.#serving.close(options);
  }

  /** One opt-in line for production: SIGTERM / SIGINT → `close(options)` → exit 0. */
  closeOnSignals(options?: CloseOptions): this {
    closeOnSignals(this, options);
    return this;
  }

  /** Internal (churn tests): handshakes still being admitted, and the maps of the servers it started. */
  [SIZES](): Sizes {
    return addSizes(sizesOf(this.#handshakes), sizesOf(this.#serving));
  }

  [MOUNT](target: MountTarget, prefix: string): void {
    this.#mount(target, prefix, this.#limits);
  }

  #mount(target: MountTarget, prefix: string, limits: RouteLimits | undefined): void {
    const mount = new RouterMount(target, prefix, this.#handshakes, limits);
    // The any-path WebSocket route before HTTP, so a refused one leaves nothing half-mounted.
    if (this.#websocket !== undefined) this.#mountAnyPath(mount);
    for (const entry of this.#routes) mount.addRoute(entry);
    this.#mounts.push(mount);
    this.#serving.mounted(target.engine);
    this.#serving.attached(target, prefix);
  }

  #mountAnyPath(mount: RouterMount): void {
    // Bun takes WebSocket options per server: mounted, the app's apply, and these (given to `new Router({ websocket })`
    // or beside the handlers in `router.websocket()`) would silently do nothing.
    const own = Object.keys({ ...this.#options.websocket, ...this.#websocketOptions });
    if (!(mount.target instanceof ServeTarget) && own.length > 0) {
      const names = own.join(", ");
      mount.engine.options.logger.warn({ options: names }, `[bunwire] the Router's WebSocket options (${names}) apply to router.listen() / serve() only; mounted into an app, set them on the app`);
    }
    mount.addAnyPath(this.#websocket!);
  }
}
