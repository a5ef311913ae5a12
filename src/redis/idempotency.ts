// An IdempotencyStore on Redis, shared by every instance, so a request retried on another instance after a cut is
// recognised: a key is claimed with a lease (SET NX PX in one script with the read), and completed with its record
// (MessagePack: acks keep binary values) kept for the window. Self-contained: one connection of its own (or yours),
// no bus. Without persistence a Redis restart forgets the keys: a retry after it runs the handler again.

import { Packr } from "msgpackr";
import type { Claim, IdempotencyRecord, IdempotencyStore } from "../protocol/idempotency.ts";
import { BunwireError } from "../engine/errors.ts";
import { ioredis, type Cluster, type Redis, type RedisClientLike } from "./peer.ts";
import { retryStrategy } from "./retry.ts";

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

const RUNNING_MARK = 0x72; // "r"
const DONE_MARK = 0x64; // "d", followed by the record in MessagePack

interface Scripts {
  bwClaimBuffer(key: string, leaseMs: string): Promise<Buffer | null>;
}

const CLAIMED: Claim = Object.freeze({ state: "claimed" });
const RUNNING: Claim = Object.freeze({ state: "running" });

export class RedisIdempotency implements IdempotencyStore {
  private readonly redis: Redis | Cluster;
  private readonly scripts: Scripts;
  private readonly owned: boolean;
  private readonly prefix: string;
  private readonly packr = new Packr({ useRecords: false, mapsAsObjects: true });

  constructor(options: RedisIdempotencyOptions) {
    const sources = [options.url, options.cluster, options.client].filter((s) => s !== undefined).length;
    if (sources !== 1) throw new BunwireError("REDIS_IDEMPOTENCY_OPTIONS", "redisIdempotency needs exactly one of `url`, `cluster` or `client`");
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
    this.scripts = this.redis as unknown as Scripts;
  }

  async claim(key: string, leaseMs: number): Promise<Claim> {
    await this.ready();
    const held = await this.scripts.bwClaimBuffer(this.prefix + key, String(Math.ceil(leaseMs)));
    if (held === null) return CLAIMED;
    if (held[0] === DONE_MARK) return { state: "done", record: this.packr.unpack(held.subarray(1)) as IdempotencyRecord };
    if (held[0] === RUNNING_MARK) return RUNNING;
    // Something else wrote this key: treat it as held, and let the lease of whoever wrote it run out.
    return RUNNING;
  }

  async complete(key: string, record: IdempotencyRecord, windowMs: number): Promise<void> {
    await this.ready();
    const packed = this.packr.pack(record);
    const value = Buffer.allocUnsafe(packed.length + 1);
    value[0] = DONE_MARK;
    value.set(packed, 1);
    await this.redis.set(this.prefix + key, value, "PX", Math.ceil(windowMs));
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
