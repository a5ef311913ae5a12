// `new Application({ port })`: the gateway front door's server. It collects gateways from its modules and the
// global registry, constructs them and their services once through the container, and hands each to the
// engine as one SocketRoute. Everything that can be wrong is found in `listen()`, before the port opens.

import type { Server } from "bun";
import type { Bus } from "../bus/contract.ts";
import { Engine, type ErrorHook, type PublishData, type WebSocketOptions } from "../engine/engine.ts";
import { BunwireError } from "../engine/errors.ts";
import { joinPaths, MOUNT, type Mountable, type MountTarget } from "../engine/mount.ts";
import type { Params } from "../engine/path-pattern.ts";
import type { Admission, SocketRoute } from "../engine/socket-route.ts";
import { Container } from "./container.ts";
import { defineGateway, type GatewayDefinition } from "./definition.ts";
import { gatewayHandlers } from "./handlers.ts";
import { collectModule, type ModuleContents } from "./modules.ts";
import { addGateway, WebSocketGatewayRegistry } from "./registry.ts";
import type { Class, UpgradeDecision } from "./types.ts";

export interface ApplicationOptions {
  /** Default 3000; `0` picks a free port (read it from `app.port`). */
  port?: number | string;
  hostname?: string;
  /** Bun's WebSocket options (idleTimeout, maxPayloadLength, perMessageDeflate, ...). */
  websocket?: WebSocketOptions;
  /** Carries `app.publish` to other instances (`bunwire/redis`, `bunwire/nats`). */
  bus?: Bus;
  /** Receives what a handler threw when its gateway has no `@OnError()` (default: logged with the path). */
  onError?: ErrorHook;
  /** Also serve the gateways of `WebSocketGatewayRegistry.getInstance()` (default true). */
  globalRegistry?: boolean;
}

interface Prepared {
  readonly definition: GatewayDefinition;
  readonly instance: object;
}

export class Application implements Mountable {
  readonly engine: Engine;
  readonly #options: ApplicationOptions;
  readonly #contents: ModuleContents = { providers: [], gateways: new Map(), modules: new Set() };
  #container: Container | undefined;
  #prepared: Prepared[] | undefined;
  #routed = false;
  /** The engine serving the gateways: this application's own, or the App's it was mounted into. */
  #serving: Engine;

  constructor(options: ApplicationOptions = {}) {
    this.#options = options;
    this.engine = new Engine({ websocket: options.websocket, bus: options.bus, onError: options.onError });
    this.#serving = this.engine;
  }

  /** Registers a `@Module`'s providers and gateways, and those of its imports (checked now). */
  registerModule(module: Class): this {
    collectModule(module, this.#contents);
    return this;
  }

  /** Registers gateway classes with this application only (checked now). */
  registerGateway(...gateways: Class[]): this {
    for (const gateway of gateways) addGateway(this.#contents.gateways, defineGateway(gateway));
    return this;
  }

  /**
   * Constructs every gateway and service, then listens. Returns Bun's Server (awaiting it is harmless). Throws
   * here, before the port opens, for a missing provider, two gateways on one path, or a second `listen()`.
   */
  listen(port?: number | string, hostname?: string): Server<unknown> {
    const engine = this.engine;
    if (engine.server !== undefined) throw new BunwireError("NOT_LISTENING", "this application is already listening; create another Application to listen twice");
    const gateways = this.#prepare();
    // Routes are added once: a listen() that failed on the port (in use) can be retried.
    if (!this.#routed) for (const { definition, instance } of gateways) engine.addSocketRoute(this.#route(engine, definition.path, definition, instance));
    this.#routed = true;
    this.#serving = engine;
    return engine.listen({
      port: port ?? this.#options.port ?? 3000,
      hostname: hostname ?? this.#options.hostname,
      http: (req) => engine.notFound(req),
    });
  }

  /**
   * Mounting into a `bunwire()` App (`app.use(gateways)`, `app.use("/prefix", gateways)`): the App's engine serves
   * the same gateway instances, after the App's `use` middleware admitted each upgrade.
   */
  [MOUNT](target: MountTarget, prefix: string): void {
    for (const { definition, instance } of this.#prepare()) {
      const path = joinPaths(prefix, definition.path);
      target.addSocketRoute(this.#route(target.engine, path, definition, instance));
    }
    this.#serving = target.engine;
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

  #route(engine: Engine, path: string, definition: GatewayDefinition, instance: object): SocketRoute {
    const handlers = gatewayHandlers(definition, instance, (ws, error) => {
      try {
        engine.onError(error, { kind: "websocket", ws, event: "message", routePath: path });
      } catch (hookError) {
        console.error(`[bunwire] onError threw while reporting an error on WS ${path}:`, hookError, error);
      }
    });
    // Every connection gets its own writable `ws.data` for the handlers to extend.
    const upgrade = definition.lifecycle.upgrade;
    if (upgrade === undefined) return { path, handlers, admit: () => ({ data: {} }) };
    const decide = (instance as Record<string, (req: Request, params: Params) => UpgradeDecision | Promise<UpgradeDecision>>)[upgrade]!.bind(instance);
    return {
      path,
      handlers,
      admit: (req, _server, params) => {
        const decision = decide(req, params);
        return decision instanceof Promise ? decision.then(admission) : admission(decision);
      },
    };
  }

  /** The one instance of a gateway or service of this application (after `listen()` or mounting). */
  get<T extends object>(cls: Class<T>): T {
    if (this.#container === undefined) throw new BunwireError("NOT_LISTENING", `app.get(${cls.name}): the application has not started; call app.listen() first`);
    return this.#container.get(cls);
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

  /** Stops listening and closes every connection with 1001 (`@OnClose()` handlers run). */
  close(): Promise<void> {
    return this.engine.close();
  }
}

/** An `@OnUpgrade()` decision as the engine's admission. */
function admission(decision: UpgradeDecision): Admission {
  if (decision === false) return new Response("Forbidden", { status: 403 });
  if (decision instanceof Response) return decision;
  if (decision === true || decision === undefined || decision === null) return { data: {} };
  return { data: decision.data ?? {}, headers: decision.headers };
}
