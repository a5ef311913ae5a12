// The bus's Transport over a Redis Cluster: sharded pub/sub (Redis 7+). SPUBLISH/SSUBSCRIBE put each channel on
// the shard owning its slot, so topic traffic is spread over shards instead of being broadcast to every node.

import type { Transport, TransportEvents } from "../bus/transport.ts";
import { RedisChannels } from "./channels.ts";
import { ioredis, type Cluster, type ClusterNode, type ClusterOptions } from "./peer.ts";
import { reasonOf, retryStrategy, type ReconnectOptions } from "./retry.ts";

const noop = () => {};

export class ClusterTransport extends RedisChannels implements Transport {
  readonly name = "Redis Cluster";
  readonly #source: ClusterNode[] | Cluster;
  readonly #reconnect: ReconnectOptions;
  #cluster: Cluster | undefined;

  /** `source`: seed nodes, or a ready ioredis Cluster whose nodes and options the bus's connections copy. */
  constructor(source: ClusterNode[] | Cluster, prefix: string, reconnect: ReconnectOptions) {
    super(prefix);
    this.#source = source;
    this.#reconnect = reconnect;
  }

  async start(events: TransportEvents): Promise<void> {
    const options: ClusterOptions = {
      lazyConnect: true,
      // One SSUBSCRIBE connection per master: a channel is subscribed on the shard that owns its slot.
      shardedSubscribers: true,
      clusterRetryStrategy: retryStrategy(this.#reconnect),
      enableOfflineQueue: true,
      redisOptions: { maxRetriesPerRequest: null },
    };
    const source = this.#source;
    const cluster = Array.isArray(source) ? new ioredis.Cluster(source, options) : source.duplicate([], options);
    this.#cluster = cluster;
    cluster.on("smessageBuffer", (channel: Buffer, message: Buffer) => events.frame(channel.toString(), message));
    cluster.on("error", noop);
    cluster.on("node error", noop);
    cluster.on("ready", () => events.up());
    cluster.on("close", () => events.down("cluster connection closed"));
    try {
      if (cluster.status === "wait") await cluster.connect();
      else if (cluster.status !== "ready") {
        await new Promise<void>((resolve, reject) => {
          cluster.once("ready", () => resolve());
          cluster.once("error", (error: Error) => reject(error));
        });
      }
    } catch (error) {
      events.down(reasonOf(error));
    }
  }

  publish(channel: string, frame: Buffer): Promise<unknown> {
    return this.#cluster!.spublish(channel, frame);
  }

  subscribe(channel: string): Promise<void> {
    return this.#cluster!.ssubscribe(channel).then(noop);
  }

  unsubscribe(channel: string): void {
    this.#cluster?.sunsubscribe(channel).catch(noop);
  }

  async close(): Promise<void> {
    this.#cluster?.disconnect();
  }
}
