// The Redis driver of the bus: one Redis channel per topic (subscribed only while this instance has local
// subscribers), one per instance and one for the whole cluster. Everything a bus does beyond carrying frames
// (outage buffer, connection state, counters, membership, cluster requests) is the shared core in src/bus/.

import { BUS_OPTION_KEYS, type BusOptions } from "../bus/options.ts";
import { optionKeys, unknownOption } from "../engine/option-names.ts";
import { TransportBus } from "../bus/transport-bus.ts";
import type { Transport } from "../bus/transport.ts";
import { ClusterTransport } from "./cluster-transport.ts";
import { RedisBusError } from "./errors.ts";
import { isCluster, type RedisClientLike } from "./peer.ts";
import type { ReconnectOptions } from "./retry.ts";
import { StandaloneTransport, type PublishClient } from "./transport.ts";

export interface RedisBusOptions extends BusOptions {
  /** One Redis server, e.g. `redis://127.0.0.1:6379`. Exactly one of `url`, `cluster` and `client`. */
  url?: string;
  /** Redis Cluster seed nodes (`redis://host:port` or `{ host, port }`): sharded pub/sub (Redis 7+). */
  cluster?: (string | { host: string; port: number })[];
  /** A ready ioredis client (one server, Sentinel, or a Cluster). The bus opens its own connections with its
   *  options (`duplicate()`) and never closes yours; publishing then uses ioredis. */
  client?: RedisClientLike;
  /** Channel name prefix, so several apps can share one Redis (default `"bunwire:"`). */
  prefix?: string;
  /** Wait after reconnecting before resending the buffer, so other instances can re-subscribe first
   *  (default 1.5 x `reconnect.maxDelayMs`, i.e. 3000 ms: every peer retries within maxDelayMs + 20% jitter). */
  flushDelayMs?: number;
  reconnect?: ReconnectOptions;
  /** Which client publishes to one Redis given by `url` (default "bun": Bun's built-in RedisClient, about 5x
   *  cheaper per publish than ioredis; subscribing always uses ioredis). */
  publishClient?: PublishClient;
  /** Former name of `requestTimeoutMs` (how long `clusterSubscriberCount` waits). */
  countTimeoutMs?: number;
}

function invalid(message: string): RedisBusError {
  return new RedisBusError("REDIS_BUS_OPTIONS", `redisBus ${message}`);
}

function transportOf(options: RedisBusOptions): Transport {
  const sources = [options.url, options.cluster, options.client].filter((s) => s !== undefined).length;
  if (sources !== 1) throw invalid("needs exactly one of `url` (one Redis), `cluster` (seed nodes of a Redis Cluster) or `client` (a ready ioredis client)");
  const prefix = options.prefix ?? "bunwire:";
  if (typeof prefix !== "string") throw invalid("`prefix` must be a string");
  const reconnect = options.reconnect ?? {};
  const { url, cluster, client } = options;
  if (options.publishClient !== undefined && options.publishClient !== "bun" && options.publishClient !== "ioredis") {
    throw invalid(`publishClient must be "bun" or "ioredis", got ${JSON.stringify(options.publishClient)}`);
  }
  if (url !== undefined) {
    if (typeof url !== "string" || url.length === 0) throw invalid("`url` must be a Redis URL such as redis://127.0.0.1:6379");
    return new StandaloneTransport(url, prefix, reconnect, options.publishClient ?? "bun");
  }
  if (cluster !== undefined) {
    if (!Array.isArray(cluster) || cluster.length === 0) throw invalid("`cluster` needs at least one seed node");
    return new ClusterTransport(cluster.map(toNode), prefix, reconnect);
  }
  if (typeof client !== "object" || client === null || typeof (client as { duplicate?: unknown }).duplicate !== "function") {
    throw invalid("`client` must be an ioredis Redis or Cluster instance");
  }
  if (options.publishClient === "bun") throw invalid('publishClient "bun" needs `url`: with a ready ioredis `client` the bus publishes with ioredis');
  return isCluster(client) ? new ClusterTransport(client, prefix, reconnect) : new StandaloneTransport(client, prefix, reconnect, "ioredis");
}

function toNode(node: string | { host: string; port: number }): { host: string; port: number } {
  if (typeof node !== "string") return node;
  let url: URL;
  try {
    url = new URL(node);
  } catch {
    throw invalid(`cluster node ${JSON.stringify(node)} is not a URL such as redis://10.0.0.1:6379`);
  }
  return { host: url.hostname, port: Number(url.port || 6379) };
}

const REDIS_KEYS = [...BUS_OPTION_KEYS, ...optionKeys<Omit<RedisBusOptions, keyof BusOptions>>({ url: true, cluster: true, client: true, prefix: true, flushDelayMs: true, reconnect: true, publishClient: true, countTimeoutMs: true })];

export class RedisBus extends TransportBus {
  constructor(options: RedisBusOptions) {
    if (typeof options !== "object" || options === null) throw invalid("needs options: { url } or { cluster } or { client }");
    const unknown = unknownOption(options, REDIS_KEYS);
    if (unknown !== undefined) throw invalid(`got an ${unknown}`);
    const transport = transportOf(options);
    const flushDelayMs = options.flushDelayMs ?? 1.5 * (options.reconnect?.maxDelayMs ?? 2000);
    super(transport, { ...options, flushDelayMs, requestTimeoutMs: options.requestTimeoutMs ?? options.countTimeoutMs }, invalid);
  }
}

/** A Bus over one Redis (`{ url }`), a Redis Cluster with sharded pub/sub (`{ cluster: [...] }`), or your own
 *  ioredis client (`{ client }`: one server, Sentinel or Cluster). */
export function redisBus(options: RedisBusOptions): RedisBus {
  return new RedisBus(options);
}

/** Shorthand for `redisBus({ cluster: nodes, ...options })`. */
export function redisClusterBus(nodes: NonNullable<RedisBusOptions["cluster"]>, options: Omit<RedisBusOptions, "url" | "cluster" | "client"> = {}): RedisBus {
  return new RedisBus({ ...options, cluster: nodes });
}
