// Presence's Redis side: the connections it opens (one server, Sentinel or Cluster) and every read and write of
// its keys through the one-slot scripts of presence-scripts.ts. No state of its own beyond the prefix and TTL;
// RedisPresence (presence.ts) decides when to call what.

import type { PresenceMember, PresenceMeta } from "../presence/store.ts";
import { RedisBusError } from "./errors.ts";
import { ioredis, isCluster, type Cluster, type ClusterOptions, type Redis, type RedisClientLike, type RedisOptions } from "./peer.ts";
import { ALIVE, DEAD, HEARTBEAT, JOIN, LEAVE, REAP_TOPIC } from "./presence-scripts.ts";
import { retryStrategy } from "./retry.ts";

export type PresenceConnection = Redis | Cluster;

export interface PresenceSource {
  url?: string;
  cluster?: (string | { host: string; port: number })[];
  client?: RedisClientLike;
}

interface Scripts {
  bwpJoin(m: string, c: string, ...args: string[]): Promise<number>;
  bwpLeave(m: string, c: string, ...args: string[]): Promise<number>;
  bwpReapTopic(m: string, c: string, ...args: string[]): Promise<number>;
  bwpHeartbeat(inst: string, ...args: string[]): Promise<number>;
  bwpAlive(inst: string, ...instances: string[]): Promise<string[]>;
  bwpDead(inst: string, max: string): Promise<string[]>;
}

/** A connection of presence's own, from a URL, Cluster seed nodes, or a copy of the user's client. */
export function openPresenceConnection(source: PresenceSource, extra: RedisOptions): PresenceConnection {
  const common: RedisOptions = { retryStrategy: retryStrategy(), maxRetriesPerRequest: 1, ...extra };
  const { url, cluster, client } = source;
  if (client !== undefined) return isCluster(client) ? client.duplicate([], { clusterRetryStrategy: retryStrategy(), redisOptions: common }) : client.duplicate(common);
  if (url !== undefined) return new ioredis.Redis(url, common);
  const options: ClusterOptions = { clusterRetryStrategy: retryStrategy(), redisOptions: common };
  return new ioredis.Cluster(cluster!.map(toNode), options);
}

function toNode(node: string | { host: string; port: number }): { host: string; port: number } {
  if (typeof node !== "string") return node;
  let url: URL;
  try {
    url = new URL(node);
  } catch {
    throw new RedisBusError("REDIS_PRESENCE_OPTIONS", `redisPresence cluster node ${JSON.stringify(node)} is not a URL such as redis://10.0.0.1:6379`);
  }
  return { host: url.hostname, port: Number(url.port || 6379) };
}

export class PresenceKeys {
  readonly #redis: PresenceConnection;
  readonly #scripts: Scripts;
  readonly #inst: string;

  constructor(redis: PresenceConnection, readonly prefix: string, private readonly ttl: string) {
    this.#redis = redis;
    this.#inst = `${prefix}inst`;
    redis.defineCommand("bwpJoin", { numberOfKeys: 2, lua: JOIN });
    redis.defineCommand("bwpLeave", { numberOfKeys: 2, lua: LEAVE });
    redis.defineCommand("bwpReapTopic", { numberOfKeys: 2, lua: REAP_TOPIC });
    redis.defineCommand("bwpHeartbeat", { numberOfKeys: 1, lua: HEARTBEAT });
    redis.defineCommand("bwpAlive", { numberOfKeys: 1, lua: ALIVE });
    redis.defineCommand("bwpDead", { numberOfKeys: 1, lua: DEAD });
    this.#scripts = redis as unknown as Scripts;
  }

  /** Where a topic's events are published. */
  channel(topic: string): string {
    return `${this.prefix}e:${topic}`;
  }

  // The hash tag puts a topic's two keys in one cluster slot, as its scripts need.
  #keys(topic: string): [string, string] {
    return [`${this.prefix}{${topic}}:m`, `${this.prefix}{${topic}}:c`];
  }

  /** Records an entry: the topic in the instance's list first, so a reaper finds it if the instance dies next. */
  async join(instance: string, topic: string, id: string, json: string): Promise<number> {
    await this.#redis.sadd(`${this.prefix}it:${instance}`, topic);
    return this.#scripts.bwpJoin(...this.#keys(topic), instance, id, json, this.channel(topic), topic);
  }

  leave(instance: string, topic: string, id: string): Promise<number> {
    return this.#scripts.bwpLeave(...this.#keys(topic), instance, id, this.channel(topic), topic);
  }

  /** 1: alive and refreshed; 0: unknown (now registered); -1: expired, left for the reapers. */
  heartbeat(instance: string): Promise<number> {
    return this.#scripts.bwpHeartbeat(this.#inst, instance, this.ttl);
  }

  /** Everyone on `topic` whose instance is alive, one entry per id. */
  async list(topic: string): Promise<PresenceMember[]> {
    const flat = await this.#redis.hgetall(this.#keys(topic)[0]);
    const byInstance = new Map<string, [string, string][]>();
    for (const [field, meta] of Object.entries(flat)) {
      const bar = field.indexOf("|");
      const instance = field.slice(0, bar);
      let entries = byInstance.get(instance);
      if (entries === undefined) byInstance.set(instance, (entries = []));
      entries.push([field.slice(bar + 1), meta]);
    }
    if (byInstance.size === 0) return [];
    const alive = await this.#scripts.bwpAlive(this.#inst, ...byInstance.keys());
    const byId = new Map<string, PresenceMeta>();
    for (const instance of alive) for (const [id, meta] of byInstance.get(instance) ?? []) byId.set(id, JSON.parse(meta) as PresenceMeta);
    return [...byId].map(([id, meta]) => ({ id, meta }));
  }

  /** Removes the entries of instances whose heartbeat expired (leave events included), then forgets them. */
  async reap(max = 100): Promise<void> {
    const dead = await this.#scripts.bwpDead(this.#inst, String(max));
    for (const instance of dead) {
      const topics = await this.#redis.smembers(`${this.prefix}it:${instance}`);
      await Promise.all(topics.map((topic) => this.#scripts.bwpReapTopic(...this.#keys(topic), instance, this.channel(topic), topic)));
      await this.#redis.del(`${this.prefix}it:${instance}`);
      await this.#redis.zrem(this.#inst, instance);
    }
  }

  /** An instance's goodbye once its entries have left. */
  async forget(instance: string): Promise<void> {
    await Promise.allSettled([this.#redis.zrem(this.#inst, instance), this.#redis.del(`${this.prefix}it:${instance}`)]);
  }
}
