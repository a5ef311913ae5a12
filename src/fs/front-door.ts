// What `await fileRoutes(dir)` returns: a front door like the others. Each route file is one engine SocketRoute,
// mounted straight onto the engine that serves it: an App's (`app.use(files)`, `app.use("/prefix", files)`) or
// one of its own (`files.listen()`). It has the surface every front door has: publish, the counts, close.

import type { Server } from "bun";
import type { Cluster } from "../cluster/cluster.ts";
import { ServeTarget } from "../engine/serve-target.ts";
import {
  closeOnSignals,
  Engine,
  listenArgs,
  MOUNT,
  pickLimits,
  SERVERS,
  Serving,
  SIZES,
  sizesOf,
  type CloseOptions,
  type ListenCallback,
  type ListenOptions,
  type Mountable,
  type MountTarget,
  type PublishData,
  type RouteLimits,
  type ServerOptions,
  type Sizes,
} from "../engine/index.ts";
import { toSocketRoute, type FileRoute } from "./route.ts";

/**
 * The one option set (README "Security and limits"). Served (`listen()`), all of it applies; mounted into an App,
 * the App's server-wide options (`websocket`, `bus`, `onError`, ...) apply and the limits set here
 * (`allowedOrigins`, caps, queue and rate limits, `upgradeTimeout`) win over the App's for these routes.
 */
export interface FileRoutesOptions extends ServerOptions {}

/** A route as served: its path and the file it came from (the CLI prints these). */
export interface ServedRoute {
  readonly path: string;
  readonly file: string;
}

export class FileRoutes implements Mountable {
  /** The routes, in matching order. */
  readonly routes: readonly ServedRoute[];
  readonly #files: readonly FileRoute[];
  readonly #options: FileRoutesOptions;
  readonly #where: string;
  /** The limits set here: they follow the routes into an App they are mounted on. */
  readonly #limits: RouteLimits | undefined;
  readonly #serving = new Serving();

  /** Built by `fileRoutes(dir, options)`, which loads and checks the files first. */
  constructor(files: readonly FileRoute[], options: FileRoutesOptions, where: string) {
    this.#files = files;
    this.#options = options;
    this.#where = where;
    this.#limits = pickLimits(options);
    this.routes = files.map(({ route }) => ({ path: route.path, file: route.file }));
  }

  /** `listen(port?, hostname?, callback?)` or `listen({ port, hostname, quiet })`: a server of its own. */
  listen(port?: number | string | ListenOptions, hostname?: string | ListenCallback, callback?: ListenCallback): Server<unknown> {
    const args = listenArgs(port, hostname, callback);
    const server = this.serve(args);
    args.callback?.(server);
    return server;
  }

  /** `listen({ port, hostname, quiet })` under the Router's name. */
  serve(options: ListenOptions = {}): Server<unknown> {
    const engine = new Engine(this.#options, this.#where);
    const target = new ServeTarget(engine);
    for (const file of this.#files) engine.addSocketRoute(toSocketRoute(file, engine, "", undefined));
    this.#serving.started(engine);
    this.#serving.attached(target, "");
    return engine.listen({ port: options.port ?? 3000, hostname: options.hostname, quiet: options.quiet, http: (req, server) => target.fetch(req, server) });
  }

  /**
   * Mounts something that brings its own routes, such as `observe()` from `bunwire/metrics`, under `path`: on the
   * server `listen()` starts, or on the App these routes are mounted into (with their prefix).
   */
  use(...items: Mountable[]): this;
  use(path: string, ...items: Mountable[]): this;
  use(...args: Array<string | Mountable>): this {
    this.#serving.use("fileRoutes", args);
    return this;
  }

  /** The servers its routes run on: its own, or the Apps' it is mounted into (typed publish, presence relay). */
  [SERVERS](): readonly Server<unknown>[] {
    return this.#serving.servers();
  }

  /** The server `listen()` started. */
  get server(): Server<unknown> | undefined {
    return this.#serving.server;
  }

  /** The port listened on (the real one when listening on port 0). */
  get port(): number | undefined {
    return this.server?.port;
  }

  /** Publishes to `topic` (a route's topic: `ws-room-42`) on every server these routes run on, across instances with a bus. */
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
  /** Cluster-wide operations on the server these routes run on (docs/SCALING.md); NOT_LISTENING before it exists. */
  get cluster(): Cluster {
    return this.#serving.cluster("fileRoutes");
  }


  /** Stops the servers `listen()` started: sockets close with 1001, handlers finish up to `timeout`. */
  close(options?: CloseOptions): Promise<void> {
    return this.#serving.close(options);
  }

  /** One opt-in line for production: SIGTERM / SIGINT → `close(options)` → exit 0. */
  closeOnSignals(options?: CloseOptions): this {
    closeOnSignals(this, options);
    return this;
  }

  /** Internal (churn tests): the maps of the servers `listen()` started (file routes keep none of their own). */
  [SIZES](): Sizes {
    return sizesOf(this.#serving);
  }

  [MOUNT](target: MountTarget, prefix: string): void {
    for (const file of this.#files) target.addSocketRoute(toSocketRoute(file, target.engine, prefix, this.#limits));
    this.#serving.mounted(target.engine);
    this.#serving.attached(target, prefix);
  }
}
