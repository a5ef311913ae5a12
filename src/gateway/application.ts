// `new Application({ port })`: the gateway front door's server. It collects gateways from its modules and the
// global registry, constructs them and their services once through the container, and hands each to the
// engine as one SocketRoute. Everything that can be wrong is found in `listen()`, before the port opens.

import type { Server } from "bun";
import type { Cluster } from "../cluster/cluster.ts";
import { Engine, type PublishData } from "../engine/engine.ts";
import { BunwireError } from "../engine/errors.ts";
import { readMaybeDecision } from "../engine/admission.ts";
import { pickLimits, type RouteLimits } from "../engine/limits.ts";
import { listenArgs, type ListenCallback, type ListenOptions } from "../engine/listen.ts";
import { isMountable, joinPaths, MOUNT, SERVERS, type Mountable, type MountTarget } from "../engine/mount.ts";
import { checkOptions, type ServerOptions } from "../engine/options.ts";
import { BOOLEAN, checkOptionValues, NAME, PORT, type Rules } from "../engine/option-values.ts";
import type { Params } from "../engine/path-pattern.ts";
import { closeOnSignals, type CloseOptions } from "../engine/shutdown.ts";
import type { SocketRoute } from "../engine/socket-route.ts";
import { ServeTarget } from "../engine/serve-target.ts";
import { Container } from "./container.ts";
import { defineGateway, type GatewayDefinition } from "./definition.ts";
import { gatewayHandlers } from "./handlers.ts";
import { collectModule, type ModuleContents } from "./modules.ts";
import { addGateway, WebSocketGatewayRegistry } from "./registry.ts";
import type { Class, MaybeUpgradeDecision } from "./types.ts";

/**
 * The one option set (README "Security and limits") plus where to listen. Mounted into an App, the App's
 * server-wide options apply and the limits set here win over the App's for these gateways.
 */
export interface ApplicationOptions extends ServerOptions {
  /** Default 3000; `0` picks a free port (read it from `app.port`). A string of digits is accepted (`process.env.PORT`). */
  port?: number | string;
  hostname?: string;
  /** Also serve the gateways of `WebSocketGatewayRegistry.getInstance()` (default true). */
  globalRegistry?: boolean;
}

/** The Application's own options; the rest are the engine's, checked by `checkOptions`. */
const WHERE_TO_LISTEN: Rules<Omit<ApplicationOptions, keyof ServerOptions>> = { port: PORT, hostname: NAME, globalRegistry: BOOLEAN };

interface Prepared {
  readonly definition: GatewayDefinition;
  readonly instance: object;
}

export class Application implements Mountable {
  readonly engine: Engine;
  readonly #options: ApplicationOptions;
  /** The limits set here: they follow the gateways into an App this application is mounted on. */
  readonly #limits: RouteLimits | undefined;
  readonly #contents: ModuleContents = { providers: [], gateways: new Map(), modules: new Set() };
  #container: Container | undefined;
  #prepared: Prepared[] | undefined;
  #routed = false;
  /** The engine serving the gateways: this application's own, or the App's it was mounted into. */
  #serving: Engine;
  /** What `use()` was given (`observe()`): mounted with the gateways, on this application's server or an App's. */
  readonly #mounted: Mountable[] = [];
  /** Plain HTTP on this application's own server: what the mounted items add (metrics, health, the inspector). */
  #http: ServeTarget | undefined;

  constructor(options: ApplicationOptions = {}) {
    checkOptions(options, "new Application()", Object.keys(WHERE_TO_LISTEN));
    // Here, not at listen(): a bad port would fail there with Bun's message, far from the line that set it.
    checkOptionValues(options, WHERE_TO_LISTEN, "new Application()");
    this.#options = options;
    this.#limits = pickLimits(options);
    const { port: _port, hostname: _hostname, globalRegistry: _registry, ...engineOptions } = options;
    this.engine = new Engine(engineOptions, "new Application()");
    this.#serving = this.engine;
  }

  /** Cluster-wide operations on connections of the server serving the gateways (its own, or the App's once mounted). */
  get cluster(): Cluster {
    return this.#serving.cluster;
  }

  /** Registers a `@Module`'s providers and gateways, and those of its imports (checked now). */
  registerModule(module: Class): this {
    this.#notPrepared(`registerModule(${module?.name})`);
    collectModule(module, this.#contents);
    return this;
  }

  /**
   * Mounts something that brings its own routes, such as `observe()` from `bunwire/metrics`: served by this
   * application's server once it listens (or at once if it does), or by the App it is mounted into.
   */
  use(...items: Mountable[]): this {
    for (const item of items) {
      if (!isMountable(item)) throw new BunwireError("INVALID_HANDLER", "application.use(...): expected something mountable, such as observe() from bunwire/metrics");
      this.#mounted.push(item);
      if (this.#http !== undefined) item[MOUNT](this.#http, "");
    }
    return this;
  }

  /** Registers gateway classes with this application only (checked now). */
  registerGateway(...gateways: Class[]): this {
    this.#notPrepared(`registerGateway(${gateways.map((gateway) => gateway?.name).join(", ")})`);
    for (const gateway of gateways) addGateway(this.#contents.gateways, defineGateway(gateway));
    return this;
  }

  /**
   * Constructs every gateway and service, then listens: `listen(port?, hostname?, callback?)` or
   * `listen({ port, hostname, quiet })`, defaulting to the constructor's port and hostname. Returns Bun's Server
   * (awaiting it is harmless). Throws here, before the port opens, for a missing provider, two gateways on one
   * path, or a second `listen()`.
   */
  listen(port?: number | string | ListenOptions, hostname?: string | ListenCallback, callback?: ListenCallback): Server<unknown> {
    const engine = this.engine;
    if (engine.server !== undefined) throw new BunwireError("ALREADY_LISTENING", "this application is already listening; create another Application to listen twice");
    const args = listenArgs(port, hostname, callback, { port: this.#options.port, hostname: this.#options.hostname });
    const gateways = this.#prepare();
    // Routes are added once: a listen() that failed on the port (in use) can be retried.
    if (!this.#routed) for (const { definition, instance } of gateways) engine.addSocketRoute(this.#route(engine, definition.path, definition, instance, undefined));
    const http = (this.#http ??= new ServeTarget(engine));
    if (!this.#routed) for (const item of this.#mounted) item[MOUNT](http, "");
    this.#routed = true;
    this.#serving = engine;
    const server = engine.listen({ port: args.port ?? 3000, hostname: args.hostname, quiet: args.quiet, http: (req, server) => http.fetch(req, server) });
    args.callback?.(server);
    return server;
  }

  /**
   * Mounting into a `bunwire()` App (`app.use(gateways)`, `app.use("/prefix", gateways)`): the App's engine serves
   * the same gateway instances, after the App's `use` middleware admitted each upgrade.
   */
  [MOUNT](target: MountTarget, prefix: string): void {
    for (const { definition, instance } of this.#prepare()) {
      const path = joinPaths(prefix, definition.path);
      target.addSocketRoute(this.#route(target.engine, path, definition, instance, this.#limits));
    }
    for (const item of this.#mounted) item[MOUNT](target, prefix);
    this.#serving = target.engine;
  }

  /** Gateways and services are constructed once, at mount or listen: one registered later would never serve. */
  #notPrepared(call: string): void {
    if (this.#prepared === undefined) return;
    throw new BunwireError("INVALID_HANDLER", `${call}: this application was already mounted or listening, and its gateways constructed; register every gateway and module before app.use(...) or listen()`);
  }

  /** Constructs every gateway and its services once; a missing provider throws here, before any route exists. */
  #prepare(): Prepared[] {
    if (this.#prepared !== undefined) return this.#prepared;
    const gateways = new Map<Class, GatewayDefinition>();
    if (this.#options.globalRegistry !== false) {
      for (const definition of WebSocketGatewayRegistry.getInstance().definitions()) addGateway(gateways, definition);
    }
    for (const definition of this.#contents.gateways.values()) addGateway(gateways, definition);
    const container = new Container();
    // Gateways may ask for the Application itself (to `publish` to topics).
    container.provide({ provide: Application, useValue: this }, "Application");
    for (const { provider, module } of this.#contents.providers) container.provide(provider, module);
    const prepared = [...gateways.values()].map((definition) => ({ definition, instance: container.get(definition.cls) }));
    this.#container = container;
    this.#prepared = prepared;
    return prepared;
  }

  #route(engine: Engine, path: string, definition: GatewayDefinition, instance: object, limits: RouteLimits | undefined): SocketRoute {
    const handlers = gatewayHandlers(definition, instance, (ws, error, typedEvent) => {
      try {
        engine.onError(error, typedEvent === undefined ? { kind: "websocket", ws, event: "message", routePath: path } : { kind: "websocket", ws, event: "message", routePath: path, typedEvent });
      } catch (hookError) {
        console.error(`[bunwire] onError threw while reporting an error on WS ${path}:`, hookError, error);
      }
    });
    // Every connection gets its own writable `ws.data` for the handlers to extend.
    const upgrade = definition.lifecycle.upgrade;
    if (upgrade === undefined) return { path, handlers, limits, admit: () => ({ data: defaultData() }) };
    const decide = (instance as Record<string, (req: Request, params: Params) => MaybeUpgradeDecision>)[upgrade]!.bind(instance);
    const source = { where: `${definition.cls.name}.${upgrade}() (@OnUpgrade)`, defaultData };
    return { path, handlers, limits, admit: (req, _server, params) => readMaybeDecision(decide(req, params), source) };
  }

  /** The one instance of a gateway or service of this application (after `listen()` or mounting). */
  get<T extends object>(cls: Class<T>): T {
    if (this.#container === undefined) throw new BunwireError("NOT_LISTENING", `app.get(${cls.name}): the application has not started; call app.listen() first`);
    return this.#container.get(cls);
  }

  /** The server the gateways run on: its own once listening, or the App's it is mounted into. */
  [SERVERS](): readonly Server<unknown>[] {
    const server = this.#serving.server;
    return server === undefined ? [] : [server];
  }

  /** The running server, once listening. */
  get server(): Server<unknown> | undefined {
    return this.engine.server;
  }

  /** The port listened on (the real one when `port: 0`). */
  get port(): number | undefined {
    return this.engine.server?.port;
  }

  /** Publishes to every subscriber of `topic` (`ws.subscribe(topic)`), across instances with a bus. */
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
   * Stops listening, closes every connection with 1001 (`@OnClose()` handlers run) and waits for running
   * handlers and the bus up to `timeout` (default `shutdownTimeout`, 10 s).
   */
  close(options?: CloseOptions): Promise<void> {
    return this.engine.close(options);
  }

  /** One opt-in line for production: SIGTERM / SIGINT → `close(options)` → exit 0. */
  closeOnSignals(options?: CloseOptions): this {
    closeOnSignals(this, options);
    return this;
  }
}

/** A fresh, writable `ws.data` per connection. */
function defaultData(): Record<string, unknown> {
  return {};
}
