// TopicHistory on Redis Streams, shared by every instance: one stream per topic trimmed by length (MAXLEN ~)
// and age (MINID ~), read back with an exclusive XRANGE. Offsets are "<epoch>:<n>:<stream id>": n numbers the
// topic's entries so a gap is detected exactly, and the epoch (lost when Redis loses its data) makes offsets
// from before a Redis restart read as "not recovered" instead of wrong.

import type { HistoryEntry, HistoryPosition, Replay, TopicHistory } from "../engine/history.ts";
import { BunwireError } from "../engine/errors.ts";
import { optionKeys } from "../engine/option-names.ts";
import { checkRedisOptionNames, RedisBusError } from "./errors.ts";
import { ioredis, type Cluster, type Redis, type RedisClientLike } from "./peer.ts";
import { retryStrategy } from "./retry.ts";

export interface RedisHistoryOptions {
  /** One Redis server. Exactly one of `url`, `cluster`, `client`. */
  url?: string;
  /** Redis Cluster seed nodes; a topic's stream and its counter share one slot (hash tag). */
  cluster?: { host: string; port: number }[];
  /** A ready ioredis client you manage (one server, Sentinel or Cluster); used as it is, not closed by `close()`. */
  client?: RedisClientLike;
  /** Entries kept per topic, at least (MAXLEN ~ trims in whole stream nodes; default 1000). */
  maxLength?: number;
  /** Entries older than this are not replayed, and trimmed on the next append (default: no age limit). */
  maxAgeMs?: number;
  /** Key prefix (default `"bunwire:"`). */
  prefix?: string;
}

// KEYS: stream, meta. ARGV: maxLen, payload, new epoch, minId ('' = none), ttl ms ('' = none), step (1, or 2 to
// leave a hole in the numbering where events went out unrecorded, so a replay across them reports the gap),
// first number of a new epoch (from the clock: a topic that lost its data never reuses a number).
const APPEND = `
local e = redis.call('HGET', KEYS[2], 'e')
if not e then e = ARGV[3]; redis.call('HSET', KEYS[2], 'e', e, 'n', ARGV[7]) end
local n = redis.call('HINCRBY', KEYS[2], 'n', tonumber(ARGV[6]))
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'n', n, 'p', ARGV[2])
redis.call('HSET', KEYS[2], 'l', id)
if ARGV[4] ~= '' then redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[5]); redis.call('PEXPIRE', KEYS[2], ARGV[5]) else redis.call('PERSIST', KEYS[2]) end
return {e, n, id}`;

// KEYS: stream, meta. ARGV: client's epoch, client's stream id. Everything after it if the epoch matches, else all.
const SINCE = `
local e = redis.call('HGET', KEYS[2], 'e') or ''
local n = redis.call('HGET', KEYS[2], 'n') or '0'
if e ~= ARGV[1] then return {e, n, 0, redis.call('XRANGE', KEYS[1], '-', '+')} end
return {e, n, 1, redis.call('XRANGE', KEYS[1], '(' .. ARGV[2], '+')}`;

// KEYS: stream, meta. ARGV: new epoch, first number of a new epoch, how long a position nobody wrote yet is kept (ms).
const LAST = `
local e = redis.call('HGET', KEYS[2], 'e')
if not e then e = ARGV[1]; redis.call('HSET', KEYS[2], 'e', e, 'n', ARGV[2]); redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
return {e, redis.call('HGET', KEYS[2], 'n') or '0', redis.call('HGET', KEYS[2], 'l') or '0-0'}`;

/**
 * How long the position a join read on a topic nobody has written to is kept (an append makes it permanent, or
 * subject to `maxAgeMs`): clients joining made-up topics cannot leave a key each behind for ever. A room whose first
 * event comes later than this starts a new numbering, which its early joiners see as a gap (`recovered: false`).
 */
const UNWRITTEN_TTL = String(60 * 60 * 1000);

type StreamEntry = [id: string, fields: string[]];

interface Scripts {
  bwAppend(stream: string, meta: string, ...args: string[]): Promise<[string, number, string]>;
  bwSince(stream: string, meta: string, epoch: string, id: string): Promise<[string, string, number, StreamEntry[]]>;
  bwLast(stream: string, meta: string, epoch: string, base: string, unwrittenTtlMs: string): Promise<[string, string, string]>;
}

interface Offset {
  epoch: string;
  n: number;
  id: string;
}

// Numbers of a new epoch start from the clock (x1000: room for 1000 events per ms over a topic's life), above
// any number the lost epoch reached, so receivers see a gap instead of mistaking new events for old ones.
function epochBase(): string {
  return String(Date.now() * 1000);
}

const STREAM_ID = /^\d+-\d+$/;

function parseOffset(offset: string): Offset | undefined {
  const [epoch, n, id, extra] = offset.split(":");
  if (epoch === undefined || n === undefined || id === undefined || extra !== undefined) return undefined;
  const count = Number(n);
  if (!Number.isSafeInteger(count) || count < 0 || !STREAM_ID.test(id)) return undefined;
  return { epoch, n: count, id };
}

export class RedisHistory implements TopicHistory {
  private readonly redis: Redis | Cluster;
  private readonly scripts: Scripts;
  private readonly owned: boolean;
  private readonly maxLen: string;
  private readonly maxAgeMs: number | undefined;
  private readonly prefix: string;
  private readonly firstReady: Promise<void>;
  /** Topics with events that could not be recorded (Redis unreachable): the next recorded entry skips a number. */
  private readonly holes = new Set<string>();
  /**
   * Per topic with appends in flight: settles once the latest of them has. Each append settles after the one
   * before it (its own round trip already went out), so results come back in call order even when Redis dies with
   * some of them in flight: those fail late, after later ones failed fast. The entry goes when the topic is idle.
   */
  private readonly settling = new Map<string, Promise<void>>();

  constructor(options: RedisHistoryOptions) {
    checkRedisOptionNames(options, HISTORY_KEYS, "REDIS_HISTORY_OPTIONS", "redisHistory");
    const sources = [options.url, options.cluster, options.client].filter((s) => s !== undefined).length;
    if (sources !== 1) throw new RedisBusError("REDIS_HISTORY_OPTIONS", "redisHistory needs exactly one of `url`, `cluster` or `client`");
    const maxLen = options.maxLength ?? 1000;
    if (!Number.isInteger(maxLen) || maxLen < 1) throw new RedisBusError("REDIS_HISTORY_OPTIONS", `redisHistory maxLength must be an integer >= 1, got ${maxLen}`);
    if (options.maxAgeMs !== undefined && !(options.maxAgeMs > 0)) throw new RedisBusError("REDIS_HISTORY_OPTIONS", `redisHistory maxAgeMs must be > 0, got ${options.maxAgeMs}`);
    this.maxLen = String(maxLen);
    this.maxAgeMs = options.maxAgeMs;
    this.prefix = `${options.prefix ?? "bunwire:"}h:`;
    this.owned = options.client === undefined;
    // No offline queue: during an outage an append fails fast (and delivery goes on) instead of piling up.
    const common = { retryStrategy: retryStrategy(), enableOfflineQueue: false, maxRetriesPerRequest: 1 };
    this.redis =
      options.client ??
      (options.url !== undefined ? new ioredis.Redis(options.url, common) : new ioredis.Cluster(options.cluster!, { clusterRetryStrategy: retryStrategy(), enableOfflineQueue: false, redisOptions: common }));
    this.redis.on("error", () => {});
    // Commands wait for the first connection only; after that an outage fails them fast.
    this.firstReady = this.redis.status === "ready" ? Promise.resolve() : new Promise((resolve) => {
            // Redis down at start: give up waiting at the first failed attempt (appends then fail fast too).
            this.redis.once("ready", () => resolve());
            this.redis.once("error", () => resolve());
          });
    this.redis.defineCommand("bwAppend", { numberOfKeys: 2, lua: APPEND });
    this.redis.defineCommand("bwSince", { numberOfKeys: 2, lua: SINCE });
    this.redis.defineCommand("bwLast", { numberOfKeys: 2, lua: LAST });
    this.scripts = this.redis as unknown as Scripts;
  }

  // The hash tag puts a topic's stream and its counter in one cluster slot, as a script needs.
  private keys(topic: string): [string, string] {
    return [`${this.prefix}{${topic}}`, `${this.prefix}{${topic}}:m`];
  }

  /** Rejects if Redis is unreachable (the protocol still delivers the event live, without a position); the topic's
   *  next recorded entry then skips a number, so clients that missed the unrecorded events learn it. Calls on one
   *  topic settle in call order, whatever Redis does. */
  append(topic: string, payload: string): Promise<HistoryPosition> {
    const own = this.record(topic, payload);
    // Handled now: it may fail while an earlier append is still in flight, before `ordered` adopts it.
    own.then(undefined, noop);
    const before = this.settling.get(topic);
    // Waits for the previous append's settlement, not its round trip: the writes stay pipelined.
    const ordered = before === undefined ? own : before.then(() => own);
    const settled = ordered.then(noop, noop);
    this.settling.set(topic, settled);
    void settled.then(() => {
      if (this.settling.get(topic) === settled) this.settling.delete(topic);
    });
    return ordered;
  }

  private async record(topic: string, payload: string): Promise<HistoryPosition> {
    const [stream, meta] = this.keys(topic);
    const minId = this.maxAgeMs === undefined ? "" : `${Date.now() - this.maxAgeMs}-0`;
    const ttl = this.maxAgeMs === undefined ? "" : String(Math.ceil(this.maxAgeMs));
    try {
      await this.firstReady;
      const hole = this.holes.has(topic);
      const [epoch, n, id] = await this.scripts.bwAppend(stream, meta, this.maxLen, payload, newEpoch(), minId, ttl, hole ? "2" : "1", epochBase());
      if (hole) this.holes.delete(topic);
      return { offset: `${epoch}:${n}:${id}`, seq: Number(n) };
    } catch (error) {
      this.holes.add(topic);
      // The protocol then sends the event live without a position; the hole tells receivers it was missed.
      throw new BunwireError("HISTORY_UNAVAILABLE", `history append on "${topic}" failed: ${(error as Error).message}`);
    }
  }

  async since(topic: string, offset: string): Promise<Replay> {
    const [stream, meta] = this.keys(topic);
    const from = parseOffset(offset);
    await this.firstReady;
    let reply: Awaited<ReturnType<Scripts["bwSince"]>>;
    try {
      reply = await this.scripts.bwSince(stream, meta, from?.epoch ?? "", from?.id ?? "0-0");
    } catch {
      // Redis unreachable: nothing can be replayed, so the app is told to resync.
      return { recovered: false, entries: [] };
    }
    const [epoch, current, sameEpoch, raw] = reply;
    const cutoff = this.maxAgeMs === undefined ? 0 : Date.now() - this.maxAgeMs;
    const entries: HistoryEntry[] = [];
    let firstN = -1;
    let aged = false;
    for (const [id, fields] of raw) {
      if (cutoff !== 0 && Number(id.slice(0, id.indexOf("-"))) < cutoff) {
        aged = true;
        continue;
      }
      const { n, p } = fieldsOf(fields);
      if (firstN < 0) firstN = n;
      entries.push({ offset: `${epoch}:${n}:${id}`, seq: n, payload: p });
    }
    if (from === undefined || sameEpoch !== 1) return { recovered: false, entries };
    // Exact gap check: the first entry after the client's must be the very next one it would have seen.
    const recovered = !aged && (entries.length === 0 ? Number(current) === from.n : firstN === from.n + 1);
    return { recovered, entries };
  }

  /** The topic's latest offset, where a new subscriber starts (so a reconnect before any event still recovers). */
  async last(topic: string): Promise<HistoryPosition> {
    const [stream, meta] = this.keys(topic);
    await this.firstReady;
    try {
      const [epoch, n, id] = await this.scripts.bwLast(stream, meta, newEpoch(), epochBase(), UNWRITTEN_TTL);
      return { offset: `${epoch}:${n}:${id}`, seq: Number(n) };
    } catch (error) {
      throw new BunwireError("HISTORY_UNAVAILABLE", `history read of "${topic}" failed: ${(error as Error).message}`);
    }
  }

  async close(): Promise<void> {
    if (this.owned) this.redis.disconnect();
  }
}

function fieldsOf(fields: string[]): { n: number; p: string } {
  let n = 0;
  let p = "";
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === "n") n = Number(fields[i + 1]);
    else if (fields[i] === "p") p = fields[i + 1]!;
  }
  return { n, p };
}

function noop(): void {}

function newEpoch(): string {
  return Math.random().toString(36).slice(2, 10);
}

/** A TopicHistory on Redis Streams, shared by every instance (pass it to the protocol's `handle({ history })`). */
const HISTORY_KEYS = optionKeys<RedisHistoryOptions>({ url: true, cluster: true, client: true, maxLength: true, maxAgeMs: true, prefix: true });

export function redisHistory(options: RedisHistoryOptions): RedisHistory {
  return new RedisHistory(options);
}
