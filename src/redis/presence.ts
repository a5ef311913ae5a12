// Presence per topic across instances: who is online (an id plus app metadata), join/leave events, a list query.
// Each instance heartbeats one Redis entry; an instance that dies without a goodbye stops heartbeating, its
// entries vanish from `list` once `ttlMs` has passed and surviving instances emit their leave events within
// `ttlMs + heartbeatMs`. Needs one Redis server (the scripts touch keys of several topics), not Redis Cluster.

import type { Server } from "bun";
import { newInstanceId } from "../bus/frame.ts";
import { RedisBusError } from "./errors.ts";
import { ioredis, isCluster, type Redis, type RedisClientLike, type RedisOptions } from "./peer.ts";
import { HEARTBEAT, JOIN, LEAVE, LIST, REAP } from "./presence-scripts.ts";
import { retryStrategy } from "./retry.ts";

/** Application metadata attached to a presence entry: plain JSON. */
export type PresenceMeta = null | boolean | number | string | PresenceMeta[] | { [key: string]: PresenceMeta };

export interface PresenceMember<M extends PresenceMeta = PresenceMeta> {
  id: string;
  meta: M;
}

export interface PresenceEvent<M extends PresenceMeta = PresenceMeta> extends PresenceMember<M> {
  /** "join": the id's first entry on the topic (any instance); "leave": its last entry went (left, closed, or expired). */
  type: "join" | "leave";
  topic: string;
}

export interface RedisPresenceOptions {
  /** One Redis server. Exactly one of `url` and `client`. */
  url?: string;
  /** A ready ioredis client (one server or Sentinel; not a Cluster: the scripts span keys of several topics).
   *  Presence opens its own connections with its options (`duplicate()`) and never closes yours. */
  client?: RedisClientLike;
  /** An instance that stops heartbeating is considered gone after this long (default 15,000 ms). */
  ttlMs?: number;
  /** How often this instance refreshes its liveness and reaps dead instances (default ttlMs / 3). */
  heartbeatMs?: number;
  /** Key and channel prefix (default `"bunwire:p:"`). */
  prefix?: string;
  /** Largest metadata accepted, as JSON (default 4096 bytes): presence lists travel whole. */
  maxMetaBytes?: number;
}

interface Scripts {
  bwpJoin(...args: string[]): Promise<number>;
  bwpLeave(...args: string[]): Promise<number>;
  bwpHeartbeat(...args: string[]): Promise<number>;
  bwpList(...args: string[]): Promise<string[]>;
  bwpReap(...args: string[]): Promise<number>;
}

type Listener = (event: PresenceEvent) => void;

/** Where `relay` delivers: a front door (its `server`) or Bun's Server. Both publish to THIS instance's sockets
 *  only (`server.publish`), which is what makes each client get each event once. */
export type RelayTarget = Server<unknown> | { readonly server: Server<unknown> | undefined };

export interface RelayOptions {
  /** Relay only this topic's events (default: every topic's, through one pattern subscription). */
  topic?: string;
  /** What the sockets receive (default: the event as JSON, `{ type, topic, id, meta }`). */
  encode?(event: PresenceEvent): string | Uint8Array;
}

export class RedisPresence {
  readonly instance = newInstanceId().toString("hex");
  private readonly redis: Redis;
  private readonly sub: Redis;
  private readonly scripts: Scripts;
  private readonly ttl: string;
  private readonly prefix: string;
  private readonly maxMetaBytes: number;
  /** topic -> id -> [local entries, meta JSON]: several sockets of one user on this instance are one entry. */
  private readonly local = new Map<string, Map<string, [number, string]>>();
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Relays to every topic (pattern subscription), each with its target. */
  private readonly relays = new Set<Listener>();
  private readonly timer: ReturnType<typeof setInterval>;
  private everReady = false;
  /** Leaves that could not reach Redis, retried when it is back ("topic\nid"). */
  private readonly failedLeaves = new Set<string>();

  constructor(options: RedisPresenceOptions) {
    const ttlMs = options.ttlMs ?? 15_000;
    const heartbeatMs = options.heartbeatMs ?? Math.floor(ttlMs / 3);
    if (!(ttlMs >= 100) || !(heartbeatMs > 0) || heartbeatMs >= ttlMs) {
      throw new RedisBusError("REDIS_PRESENCE_OPTIONS", `redisPresence needs ttlMs >= 100 and 0 < heartbeatMs < ttlMs, got ttlMs ${ttlMs}, heartbeatMs ${heartbeatMs}`);
    }
    const { url, client } = options;
    if ((url === undefined) === (client === undefined)) throw new RedisBusError("REDIS_PRESENCE_OPTIONS", "redisPresence needs exactly one of `url` and `client`");
    if (client !== undefined && (typeof client.duplicate !== "function" || isCluster(client))) {
      throw new RedisBusError("REDIS_PRESENCE_OPTIONS", "redisPresence `client` must be an ioredis Redis (one server or Sentinel): presence scripts span several keys, which Redis Cluster does not allow");
    }
    this.ttl = String(ttlMs);
    this.prefix = options.prefix ?? "bunwire:p:";
    this.maxMetaBytes = options.maxMetaBytes ?? 4096;
    const common: RedisOptions = { retryStrategy: retryStrategy(), maxRetriesPerRequest: 1 };
    const open = (extra: RedisOptions) => (client !== undefined ? (client as Redis).duplicate({ ...common, ...extra }) : new ioredis.Redis(url!, { ...common, ...extra }));
    this.redis = open({});
    this.sub = open({ maxRetriesPerRequest: null, autoResubscribe: true });
    for (const conn of [this.redis, this.sub]) conn.on("error", () => {});
    this.redis.defineCommand("bwpJoin", { numberOfKeys: 0, lua: JOIN });
    this.redis.defineCommand("bwpLeave", { numberOfKeys: 0, lua: LEAVE });
    this.redis.defineCommand("bwpHeartbeat", { numberOfKeys: 0, lua: HEARTBEAT });
    this.redis.defineCommand("bwpList", { numberOfKeys: 0, lua: LIST });
    this.redis.defineCommand("bwpReap", { numberOfKeys: 0, lua: REAP });
    this.scripts = this.redis as unknown as Scripts;
    this.sub.on("message", this.onEvent);
    this.sub.on("pmessage", (_pattern: string, channel: string, message: string) => this.onRelayed(channel, message));
    // After a Redis restart the data is gone: put this instance's entries back.
    this.redis.on("ready", () => {
      if (this.everReady) void this.rejoin();
      this.everReady = true;
    });
    this.timer = setInterval(() => void this.beat(), heartbeatMs);
    this.timer.unref?.();
  }

  /** Marks `id` present on `topic` from this instance. Several joins of one id here count as one entry until as many leaves. */
  async join(topic: string, id: string, meta: PresenceMeta = null): Promise<void> {
    check(topic, "topic");
    check(id, "id");
    const json = JSON.stringify(meta);
    if (json === undefined || Buffer.byteLength(json) > this.maxMetaBytes) {
      throw new RedisBusError("REDIS_PRESENCE_INPUT", `presence meta for "${id}" must be JSON of at most ${this.maxMetaBytes} bytes`);
    }
    let ids = this.local.get(topic);
    if (ids === undefined) this.local.set(topic, (ids = new Map()));
    const entry = ids.get(id);
    if (entry !== undefined) {
      entry[0]++;
      return;
    }
    ids.set(id, [1, json]);
    this.failedLeaves.delete(`${topic}\n${id}`);
    // If Redis is unreachable the entry is sent again when it is back (see `rejoin`).
    await this.scripts.bwpJoin(this.prefix, this.instance, this.ttl, topic, id, json).catch(() => 0);
  }

  /** Undoes one `join` of `id` on `topic` from this instance; the leave event fires when its last entry anywhere goes. */
  async leave(topic: string, id: string): Promise<void> {
    const ids = this.local.get(topic);
    const entry = ids?.get(id);
    if (ids === undefined || entry === undefined) return;
    if (--entry[0] > 0) return;
    ids.delete(id);
    if (ids.size === 0) this.local.delete(topic);
    await this.scripts.bwpLeave(this.prefix, this.instance, topic, id).catch(() => this.failedLeaves.add(`${topic}\n${id}`));
  }

  /** Everyone present on `topic` on live instances, one entry per id. */
  async list(topic: string): Promise<PresenceMember[]> {
    const flat = await this.scripts.bwpList(this.prefix, topic);
    const byId = new Map<string, PresenceMeta>();
    for (let i = 0; i + 1 < flat.length; i += 2) byId.set(flat[i]!, JSON.parse(flat[i + 1]!) as PresenceMeta);
    return [...byId].map(([id, meta]) => ({ id, meta }));
  }

  /** Topics with members on THIS instance, each with how many distinct ids it holds there (metrics, the inspector). */
  localCounts(): Map<string, number> {
    return new Map([...this.local].map(([topic, ids]) => [topic, ids.size]));
  }

  /** Calls `listener` for every join and leave on `topic`, from any instance. Returns the unsubscribe function. */
  subscribe(topic: string, listener: Listener): () => void {
    let set = this.listeners.get(topic);
    if (set === undefined) {
      this.listeners.set(topic, (set = new Set()));
      this.sub.subscribe(this.channel(topic)).catch(() => {});
    }
    set.add(listener);
    return () => {
      if (!set.delete(listener) || set.size > 0) return;
      this.listeners.delete(topic);
      this.sub.unsubscribe(this.channel(topic)).catch(() => {});
    };
  }

  /**
   * Delivers presence events to the sockets subscribed to the event's topic on THIS instance, with the local-only
   * `server.publish`. Call it once on every instance: each instance relays to its own sockets, so every client
   * gets each join and leave exactly once however many instances run. (Relaying with `app.publish` instead would
   * also cross the bus, and each client would get one copy per instance.) Returns the function that stops it.
   */
  relay(target: RelayTarget, options: RelayOptions = {}): () => void {
    const encode = options.encode ?? ((event: PresenceEvent) => JSON.stringify(event));
    const listener: Listener = (event) => {
      const server = "server" in target ? target.server : target;
      server?.publish(event.topic, encode(event));
    };
    if (options.topic !== undefined) {
      check(options.topic, "topic");
      return this.subscribe(options.topic, listener);
    }
    if (this.relays.size === 0) this.sub.psubscribe(`${escapeGlob(this.prefix)}e:*`).catch(() => {});
    this.relays.add(listener);
    return () => {
      if (!this.relays.delete(listener) || this.relays.size > 0) return;
      this.sub.punsubscribe(`${escapeGlob(this.prefix)}e:*`).catch(() => {});
    };
  }

  /** Resolves once event subscriptions made so far are active in Redis. */
  async ready(): Promise<void> {
    await this.sub.ping();
  }

  /** Says goodbye: removes this instance's entries (with leave events) and stops heartbeating. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    const leaves: Promise<number>[] = [];
    for (const [topic, ids] of this.local) for (const id of ids.keys()) leaves.push(this.scripts.bwpLeave(this.prefix, this.instance, topic, id));
    this.local.clear();
    await Promise.allSettled(leaves);
    await this.redis.zrem(`${this.prefix}inst`, this.instance).catch(() => 0);
    this.redis.disconnect();
    this.sub.disconnect();
  }

  private channel(topic: string): string {
    return `${this.prefix}e:${topic}`;
  }

  private async beat(): Promise<void> {
    try {
      const known = await this.scripts.bwpHeartbeat(this.prefix, this.instance, this.ttl);
      if (known === 0 && this.local.size > 0) await this.rejoin();
      await this.scripts.bwpReap(this.prefix, "100");
    } catch {
      // Redis unreachable: the next beat tries again; entries expire elsewhere only if we stay away for ttlMs.
    }
  }

  private async rejoin(): Promise<void> {
    const joins: Promise<number>[] = [];
    for (const key of this.failedLeaves) {
      const [topic, id] = key.split("\n") as [string, string];
      joins.push(this.scripts.bwpLeave(this.prefix, this.instance, topic, id));
    }
    this.failedLeaves.clear();
    for (const [topic, ids] of this.local) for (const [id, [, json]] of ids) joins.push(this.scripts.bwpJoin(this.prefix, this.instance, this.ttl, topic, id, json));
    await Promise.allSettled(joins);
  }

  private readonly onEvent = (channel: string, message: string): void => {
    const set = this.listeners.get(channel.slice(this.prefix.length + 2));
    if (set !== undefined) notify(set, message);
  };

  private readonly onRelayed = (_channel: string, message: string): void => {
    notify(this.relays, message);
  };
}

function notify(listeners: Iterable<Listener>, message: string): void {
  let event: PresenceEvent;
  try {
    event = JSON.parse(message) as PresenceEvent;
  } catch {
    return;
  }
  for (const listener of listeners) {
    try {
      listener(event);
    } catch {
      // One failing listener must not starve the others.
    }
  }
}

/** A prefix used inside a PSUBSCRIBE pattern matches itself only. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

function check(value: unknown, what: string): void {
  if (typeof value !== "string" || value.length === 0 || value.length > 256) {
    throw new RedisBusError("REDIS_PRESENCE_INPUT", `presence ${what} must be a non-empty string of at most 256 characters`);
  }
}

export function redisPresence(options: RedisPresenceOptions): RedisPresence {
  return new RedisPresence(options);
}
