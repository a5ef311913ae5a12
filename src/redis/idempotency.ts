// An IdempotencyStore on Redis, shared by every instance, so a request retried on another instance after a cut is
// recognised: a key is claimed with a lease (SET NX PX in one script with the read), and completed with its record
// (as JSON: an ack is kept as JSON would carry it) kept for the window. Self-contained: one connection of its own (or
// yours), no bus, no import beyond ioredis. Without persistence a Redis restart forgets the keys: a retry after it runs
// the handler again.

import type { Claim, IdempotencyRecord, IdempotencyStore } from "../protocol/idempotency.ts";
import { ioredis, type Cluster, type Redis, type RedisClientLike } from "./peer.ts";
import { retryStrategy } from "./retry.ts";
import { optionKeys } from "../engine/option-names.ts";
import { checkRedisOptionNames, RedisBusError } from "./errors.ts";

export interface RedisIdempotencyOptions {
  /** One Redis server. Exactly one of `url`, `cluster`, `client`. */
  url?: string;
  /** Redis Cluster seed nodes (each key is one slot: nothing spans keys). */
  cluster?: { host: string; port: number }[];
  /** A ready ioredis client you manage (one server, Sentinel or Cluster); used as it is, not closed by `close()`. */
  client?: RedisClientLike;
  /** Key prefix (default `"bunwire:"`; keys are `<prefix>i:<scoped key>`). */
  prefix?: string;
}

// KEYS: the key. ARGV: lease ms. Returns nil when claimed now, else what the key holds ("r" while a run holds it).
const CLAIM = `
local held = redis.call('GET', KEYS[1])
if held then return held end
redis.call('SET', KEYS[1], 'r', 'PX', ARGV[1])
return false`;

// KEYS: the key. ARGV: lease ms. A key still held by a run ("r") is held leaseMs from now; a done one is left alone.
const RENEW = `
if redis.call('GET', KEYS[1]) == 'r' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 0`;

/** A completed key holds "d" followed by its record as JSON; a claimed one holds "r" (see CLAIM). */
const DONE = "d";

interface Scripts {
  bwClaim(key: string, leaseMs: string): Promise<string | null>;
  bwRenew(key: string, leaseMs: string): Promise<number>;
}

const IDEMPOTENCY_KEYS = optionKeys<RedisIdempotencyOptions>({ url: true, cluster: true, client: true, prefix: true });

const CLAIMED: Claim = Object.freeze({ state: "claimed" });
const HELD: Claim = Object.freeze({ state: "running" });

export class RedisIdempotency implements IdempotencyStore {
  private readonly redis: Redis | Cluster;
  private readonly scripts: Scripts;
  private readonly owned: boolean;
  private readonly prefix: string;

  constructor(options: RedisIdempotencyOptions) {
    checkRedisOptionNames(options, IDEMPOTENCY_KEYS, "REDIS_IDEMPOTENCY_OPTIONS", "redisIdempotency");
    const sources = [options.url, options.cluster, options.client].filter((s) => s !== undefined).length;
    if (sources !== 1) throw new RedisBusError("REDIS_IDEMPOTENCY_OPTIONS", "redisIdempotency needs exactly one of `url`, `cluster` or `client`");
    this.prefix = `${options.prefix ?? "bunwire:"}i:`;
    this.owned = options.client === undefined;
    // No offline queue: during an outage a claim fails fast and the request is refused (IDEMPOTENCY_UNAVAILABLE)
    // rather than run without knowing whether it already ran.
    const common = { retryStrategy: retryStrategy(), enableOfflineQueue: false, maxRetriesPerRequest: 1 };
    this.redis =
      options.client ??
      (options.url !== undefined ? new ioredis.Redis(options.url, common) : new ioredis.Cluster(options.cluster!, { clusterRetryStrategy: retryStrategy(), enableOfflineQueue: false, redisOptions: common }));
    this.redis.on("error", () => {});
    this.redis.defineCommand("bwClaim", { numberOfKeys: 1, lua: CLAIM });
    this.redis.defineCommand("bwRenew", { numberOfKeys: 1, lua: RENEW });
    this.scripts = this.redis as unknown as Scripts;
  }

  async claim(key: string, leaseMs: number): Promise<Claim> {
    await this.ready();
    const held = await this.scripts.bwClaim(this.prefix + key, String(Math.ceil(leaseMs)));
    if (held === null) return CLAIMED;
    if (held.startsWith(DONE)) {
      try {
        return { state: "done", record: JSON.parse(held.slice(1)) as IdempotencyRecord };
      } catch {
        // Not a record of ours: held, until whoever wrote it lets it expire.
      }
    }
    return HELD;
  }

  /** The run of `key` still goes on this instance: other instances keep waiting for it (see RENEW). */
  async renew(key: string, leaseMs: number): Promise<void> {
    await this.ready();
    await this.scripts.bwRenew(this.prefix + key, String(Math.ceil(leaseMs)));
  }

  async complete(key: string, record: IdempotencyRecord, windowMs: number): Promise<void> {
    await this.ready();
    await this.redis.set(this.prefix + key, DONE + JSON.stringify(record), "PX", Math.ceil(windowMs));
  }

  async close(): Promise<void> {
    if (this.owned) this.redis.disconnect();
  }

  /** Commands wait for the first connection only; after that an outage fails them at once. */
  private ready(): Promise<void> | undefined {
    if (this.redis.status === "ready") return undefined;
    if (this.redis.status !== "connecting" && this.redis.status !== "wait" && this.redis.status !== "connect") return undefined;
    return new Promise((resolve) => {
      const done = () => {
        this.redis.off("ready", done);
        this.redis.off("error", done);
        resolve();
      };
      this.redis.once("ready", done);
      this.redis.once("error", done);
    });
  }
}

/** An IdempotencyStore on Redis: `handle(handlers, { idempotency: { store: redisIdempotency({ url }) } })`. */
export function redisIdempotency(options: RedisIdempotencyOptions): RedisIdempotency {
  return new RedisIdempotency(options);
}
