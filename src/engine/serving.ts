// The servers one mountable front door (a Router, file routes) runs on: the engines it started itself with
// `listen()` and the engines of the Apps it is mounted into. Its `publish`, counts and `close` go through here,
// so every mountable front door answers them the same way.

import type { Server } from "bun";
import type { Cluster } from "../cluster/cluster.ts";
import { BunwireError } from "./errors.ts";
import type { Engine, PublishData } from "./engine.ts";
import { isMountable, joinPaths, MOUNT, type Mountable, type MountTarget } from "./mount.ts";
import type { CloseOptions } from "./shutdown.ts";
import { addSizes, SIZES, sizesOf, type Sizes } from "./sizes.ts";

export class Serving {
  /** Engines this front door started (`listen()` / `serve()`): `close()` stops these. */
  readonly #own: Engine[] = [];
  /** Every engine serving its routes, its own and its hosts', each once. */
  readonly #all: Engine[] = [];
  /** Where the routes are mounted (a server of its own, or an App), with their prefix: `use()` items follow them. */
  readonly #targets: Array<[MountTarget, string]> = [];
  /** What `use()` was given (`observe()`), with its path: mounted on every target, now and later. */
  readonly #extras: Array<[Mountable, string]> = [];

  /** `use(path?, ...items)`: mounts things that bring their own routes (`observe()`) wherever these routes are. */
  use(where: string, args: Array<string | Mountable>): void {
    const path = typeof args[0] === "string" ? (args.shift() as string) : "";
    for (const item of args) {
      if (!isMountable(item)) throw new BunwireError("INVALID_HANDLER", `${where}.use(...): expected something mountable, such as observe() from bunwire/metrics`);
      this.#extras.push([item, path]);
      for (const [target, prefix] of this.#targets) item[MOUNT](target, joinPaths(prefix, path));
    }
  }

  /** The routes were just mounted on `target` under `prefix`: the `use()` items join them there. */
  attached(target: MountTarget, prefix: string): void {
    this.#targets.push([target, prefix]);
    for (const [item, path] of this.#extras) item[MOUNT](target, joinPaths(prefix, path));
  }

  /** An engine this front door started itself. */
  started(engine: Engine): void {
    this.#own.push(engine);
    this.mounted(engine);
  }

  /** The engine of a server this front door was mounted into. */
  mounted(engine: Engine): void {
    if (!this.#all.includes(engine)) this.#all.push(engine);
  }

  get engines(): readonly Engine[] {
    return this.#all;
  }

  /** Every server the routes run on now: those it started, and the Apps' it is mounted into. */
  servers(): Server<unknown>[] {
    const servers: Server<unknown>[] = [];
    for (const engine of this.#all) if (engine.server !== undefined) servers.push(engine.server);
    return servers;
  }

  /** The first server this front door started itself. */
  get server(): Server<unknown> | undefined {
    return this.#own[0]?.server;
  }

  /** Publishes to `topic` on every server the routes run on (and across instances with a bus). */
  publish(topic: string, data: PublishData, compress = false): number {
    let sent = 0;
    for (const engine of this.#all) sent += engine.publish(topic, data, compress);
    return sent;
  }

  subscriberCount(topic: string): number {
    let count = 0;
    for (const engine of this.#all) count += engine.subscriberCount(topic);
    return count;
  }

  async clusterSubscriberCount(topic: string): Promise<number> {
    const counts = await Promise.all(this.#all.map((engine) => engine.clusterSubscriberCount(topic)));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /** Cluster-wide operations on the server the routes run on: the first one started or mounted into. */
  cluster(where: string): Cluster {
    const engine = this.#all[0];
    if (engine === undefined) throw new BunwireError("NOT_LISTENING", `${where}.cluster: listen() first, or mount it into an app (then app.cluster is the same)`);
    return engine.cluster;
  }

  /** Internal (churn tests): the maps of the servers this front door started (a host App reports its own). */
  [SIZES](): Sizes {
    const sizes: Sizes = {};
    for (const engine of this.#own) addSizes(sizes, sizesOf(engine));
    return sizes;
  }

  /** Closes the servers this front door started; the Apps it is mounted into close themselves. */
  async close(options?: CloseOptions): Promise<void> {
    await Promise.all(this.#own.map((engine) => engine.close(options)));
  }
}
