// Presence per topic across instances, on one Redis, Sentinel or a Redis Cluster: who is online (an id plus app
// metadata), join/leave events, a list query, and `track(ws, topic)` by the engine's connection identity. Each
// instance heartbeats its liveness; an instance that dies without a goodbye stops heartbeating, its entries
// vanish from `list` once `ttlMs` has passed and surviving instances emit their leave events within
// `ttlMs + heartbeatMs`. Keys and scripts: presence-scripts.ts (one slot per script, so a Cluster works too).

import type { Server } from "bun";
import { newInstanceId } from "../bus/frame.ts";
import { serversOf } from "../engine/mount.ts";
import { SIZES, type Sizes } from "../engine/sizes.ts";
import { checkPresenceName, PresenceTracking, type PresenceEvent, type PresenceListener, type PresenceMember, type PresenceMeta } from "../presence/store.ts";
import { optionKeys } from "../engine/option-names.ts";
import { checkRedisOptionNames, RedisBusError } from "./errors.ts";
import type { RedisClientLike } from "./peer.ts";
import { openPresenceConnection, PresenceKeys, type PresenceConnection } from "./presence-keys.ts";

export type { PresenceEvent, PresenceListener, PresenceMember, PresenceMeta, PresenceStore } from "../presence/store.ts";

export interface RedisPresenceOptions {
  /** One Redis server. Exactly one of `url`, `cluster` and `client`. */
  url?: string;
  /** Redis Cluster seed nodes (`redis://host:port` or `{ host, port }`). */
  cluster?: (string | { host: string; port: number })[];
  /** A ready ioredis client (one server, Sentinel or Cluster). Presence opens its own connections with its options
   *  (`duplicate()`) and never closes yours. */
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

const PRESENCE_KEYS = optionKeys<RedisPresenceOptions>({ url: true, cluster: true, client: true, ttlMs: true, heartbeatMs: true, prefix: true, maxMetaBytes: true });

/** Where `relay` delivers: a front door (its `server`) or Bun's Server. Both publish to THIS instance's sockets
 *  only (`server.publish`), which is what makes each client get each event once. */
export type RelayTarget = Server<unknown> | { readonly server: Server<unknown> | undefined };

export interface RelayOptions {
  /** Relay only this topic's events (default: every topic's, through one pattern subscription). */
  topic?: string;
  /** What the sockets receive (default: the event as JSON, `{ type, topic, id, meta }`). */
  encode?(event: PresenceEvent): string | Uint8Array;
}

const invalidInput = (message: string) => new RedisBusError("REDIS_PRESENCE_INPUT", message);

export class RedisPresence extends PresenceTracking {
  #instance = newInstanceId().toString("hex");
  private readonly redis: PresenceConnection;
  private readonly sub: PresenceConnection;
  private readonly keys: PresenceKeys;
  private readonly prefix: string;
  private readonly maxMetaBytes: number;
  /** topic -> id -> [local entries, meta JSON]: several sockets of one user on this instance are one entry. */
  private readonly local = new Map<string, Map<string, [number, string]>>();
  private readonly listeners = new Map<string, Set<PresenceListener>>();
  /** Per topic listened to: resolves once its channel's SUBSCRIBE is confirmed. */
  private readonly subscribed = new Map<string, Promise<void>>();
  /** Relays to every topic (pattern subscription), each with its target. */
  private readonly relays = new Set<PresenceListener>();
  private patternLive: Promise<void> = Promise.resolve();
  private readonly timer: ReturnType<typeof setInterval>;
  /** A heartbeat has registered this instance: a later "unknown" answer means Redis lost it (restart, expiry). */
  private registered = false;
  /** The first heartbeat: entries recorded before it would be listed only once it lands (on a Cluster, elsewhere). */
  private readonly registering: Promise<void>;
  /** Leaves that could not reach Redis, retried when it is back ("topic\nid"). */
  private readonly failedLeaves = new Set<string>();

  constructor(options: RedisPresenceOptions) {
    super();
    checkRedisOptionNames(options, PRESENCE_KEYS, "REDIS_PRESENCE_OPTIONS", "redisPresence");
    const ttlMs = options.ttlMs ?? 15_000;
    const heartbeatMs = options.heartbeatMs ?? Math.floor(ttlMs / 3);
    if (!(ttlMs >= 100) || !(heartbeatMs > 0) || heartbeatMs >= ttlMs) {
      throw new RedisBusError("REDIS_PRESENCE_OPTIONS", `redisPresence needs ttlMs >= 100 and 0 < heartbeatMs < ttlMs, got ttlMs ${ttlMs}, heartbeatMs ${heartbeatMs}`);
    }
    const sources = [options.url, options.cluster, options.client].filter((s) => s !== undefined).length;
    if (sources !== 1) throw new RedisBusError("REDIS_PRESENCE_OPTIONS", "redisPresence needs exactly one of `url`, `cluster` and `client`");
    if (options.client !== undefined && typeof (options.client as { duplicate?: unknown }).duplicate !== "function") {
      throw new RedisBusError("REDIS_PRESENCE_OPTIONS", "redisPresence `client` must be an ioredis Redis (one server, Sentinel) or Cluster");
    }
    if (options.cluster !== undefined && (!Array.isArray(options.cluster) || options.cluster.length === 0)) {
      throw new RedisBusError("REDIS_PRESENCE_OPTIONS", "redisPresence `cluster` needs at least one seed node");
    }
    this.prefix = options.prefix ?? "bunwire:p:";
    this.maxMetaBytes = options.maxMetaBytes ?? 4096;
    this.redis = openPresenceConnection(options, {});
    this.sub = openPresenceConnection(options, { maxRetriesPerRequest: null, autoResubscribe: true });
    for (const conn of [this.redis, this.sub]) conn.on("error", () => {});
    this.keys = new PresenceKeys(this.redis, this.prefix, String(ttlMs));
    this.sub.on("message", this.onEvent);
    this.sub.on("pmessage", (_pattern: string, _channel: string, message: string) => notify(this.relays, message));
    // After a reconnect (a Redis restart loses the data): beat at once, which puts this instance's entries back.
    let everReady = false;
    this.redis.on("ready", () => {
      if (everReady) void this.beat();
      everReady = true;
    });
    this.registering = this.beat();
    this.timer = setInterval(() => void this.beat(), heartbeatMs);
    this.timer.unref?.();
  }

  /** Internal (churn tests): topics and ids joined from here, topics listened to, relays, leaves to retry. */
  [SIZES](): Sizes {
    let ids = 0;
    for (const byId of this.local.values()) ids += byId.size;
    return { "presence.topics": this.local.size, "presence.ids": ids, "presence.listened": this.listeners.size, "presence.relays": this.relays.size, "presence.failedLeaves": this.failedLeaves.size, "presence.subscribed": this.subscribed.size };
  }

  /** This instance's name in Redis (a new one after it was away past its TTL, so a reaper cannot take its new entries). */
  get instance(): string {
    return this.#instance;
  }

  /** Marks `id` present on `topic` from this instance. Several joins of one id here count as one entry until as many leaves. */
  async join(topic: string, id: string, meta: PresenceMeta = null): Promise<void> {
    checkPresenceName(topic, "topic", invalidInput);
    checkPresenceName(id, "id", invalidInput);
    const json = JSON.stringify(meta);
    if (json === undefined || Buffer.byteLength(json) > this.maxMetaBytes) throw invalidInput(`presence meta for "${id}" must be JSON of at most ${this.maxMetaBytes} bytes`);
    let ids = this.local.get(topic);
    if (ids === undefined) this.local.set(topic, (ids = new Map()));
    const entry = ids.get(id);
    if (entry !== undefined) {
      entry[0]++;
      return;
    }
    ids.set(id, [1, json]);
    this.failedLeaves.delete(`${topic}\n${id}`);
    await this.registering;
    // If Redis is unreachable the entry is sent again when it is back (see `beat`).
    await this.keys.join(this.#instance, topic, id, json).catch(() => 0);
  }

  /** Undoes one `join` of `id` on `topic` from this instance; the leave event fires when its last entry anywhere goes. */
  async leave(topic: string, id: string): Promise<void> {
    const ids = this.local.get(topic);
    const entry = ids?.get(id);
    if (ids === undefined || entry === undefined) return;
    if (--entry[0] > 0) return;
    ids.delete(id);
    if (ids.size === 0) this.local.delete(topic);
    await this.keys.leave(this.#instance, topic, id).catch(() => this.failedLeaves.add(`${topic}\n${id}`));
  }

  /** Everyone present on `topic` on live instances, one entry per id. */
  async list(topic: string): Promise<PresenceMember[]> {
    return this.keys.list(topic);
  }

  /** Topics with members on THIS instance, each with how many distinct ids it holds there (metrics, the inspector). */
  localCounts(): Map<string, number> {
    return new Map([...this.local].map(([topic, ids]) => [topic, ids.size]));
  }

  /** Calls `listener` for every join and leave on `topic`, from any instance. Returns the unsubscribe function. */
  subscribe(topic: string, listener: PresenceListener): () => void {
    let set = this.listeners.get(topic);
    if (set === undefined) {
      this.listeners.set(topic, (set = new Set()));
      this.subscribed.set(topic, this.sub.subscribe(this.keys.channel(topic)).then(noop, noop));
    }
    set.add(listener);
    return () => {
      if (!set.delete(listener) || set.size > 0) return;
      this.listeners.delete(topic);
      this.subscribed.delete(topic);
      this.sub.unsubscribe(this.keys.channel(topic)).catch(noop);
    };
  }

  /** Resolves once events of `topic` reach this instance (its SUBSCRIBE is confirmed by Redis). */
  live(topic: string): Promise<void> {
    return this.subscribed.get(topic) ?? Promise.resolve();
  }

  /**
   * Delivers presence events to the sockets subscribed to the event's topic on THIS instance, with the local-only
   * `server.publish`. Call it once on every instance: each instance relays to its own sockets, so every client
   * gets each join and leave exactly once however many instances run. (Relaying with `app.publish` instead would
   * also cross the bus, and each client would get one copy per instance.) Returns the function that stops it.
   */
  relay(target: RelayTarget, options: RelayOptions = {}): () => void {
    const encode = options.encode ?? ((event: PresenceEvent) => JSON.stringify(event));
    const listener: PresenceListener = (event) => {
      // A front door mounted into an App has no server of its own: the App's serves its sockets.
      for (const server of serversOf(target) ?? [target as Server<unknown>]) server.publish(event.topic, encode(event));
    };
    if (options.topic !== undefined) {
      checkPresenceName(options.topic, "topic", invalidInput);
      return this.subscribe(options.topic, listener);
    }
    const pattern = `${escapeGlob(this.prefix)}e:*`;
    if (this.relays.size === 0) this.patternLive = this.sub.psubscribe(pattern).then(noop, noop);
    this.relays.add(listener);
    return () => {
      if (!this.relays.delete(listener) || this.relays.size > 0) return;
      this.sub.punsubscribe(pattern).catch(noop);
    };
  }

  /** Resolves once the event subscriptions made so far are active in Redis. */
  async ready(): Promise<void> {
    await Promise.all([...this.subscribed.values(), this.patternLive]);
  }

  /** Says goodbye: removes this instance's entries (with leave events) and stops heartbeating. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    const leaves: Promise<number>[] = [];
    for (const [topic, ids] of this.local) for (const id of ids.keys()) leaves.push(this.keys.leave(this.#instance, topic, id));
    this.local.clear();
    await Promise.allSettled(leaves);
    await this.keys.forget(this.#instance);
    this.redis.disconnect();
    this.sub.disconnect();
  }

  private async beat(): Promise<void> {
    try {
      const known = await this.keys.heartbeat(this.#instance);
      if (known !== 1) {
        // Redis lost this instance (a restart) or it was away past its TTL and may be being reaped: come back under
        // a new name, which no reaper will touch, with every entry. Its old name's entries are reaped as usual.
        if (this.registered) {
          this.#instance = newInstanceId().toString("hex");
          this.failedLeaves.clear();
          await this.keys.heartbeat(this.#instance);
        }
        this.registered = true;
        await this.rejoin();
      }
      await this.keys.reap();
    } catch {
      // Redis unreachable: the next beat tries again; entries expire elsewhere only if we stay away for ttlMs.
    }
  }

  private async rejoin(): Promise<void> {
    const calls: Promise<number>[] = [];
    for (const key of this.failedLeaves) {
      const [topic, id] = key.split("\n") as [string, string];
      calls.push(this.keys.leave(this.#instance, topic, id));
    }
    this.failedLeaves.clear();
    for (const [topic, ids] of this.local) for (const [id, [, json]] of ids) calls.push(this.keys.join(this.#instance, topic, id, json));
    await Promise.allSettled(calls);
  }

  private readonly onEvent = (channel: string, message: string): void => {
    const set = this.listeners.get(channel.slice(this.prefix.length + 2));
    if (set !== undefined) notify(set, message);
  };
}

function noop(): void {}

function notify(listeners: Iterable<PresenceListener>, message: string): void {
  let event: PresenceEvent;
  try {
    event = JSON.parse(message) as PresenceEvent;
  } catch {
    return;
  }
  for (const listener of [...listeners]) {
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

/** Presence across instances on one Redis (`url`), a Redis Cluster (`cluster`) or your ioredis client (`client`). */
export function redisPresence(options: RedisPresenceOptions): RedisPresence {
  return new RedisPresence(options);
}
