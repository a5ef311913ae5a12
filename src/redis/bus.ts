// The Redis implementation of the engine's Bus: one Redis message per publish per instance, one channel per
// topic (subscribed only while this instance has local subscribers), own publishes filtered out by sender id,
// a bounded buffer while Redis is unreachable, and cross-instance subscriber counts by request/reply.

import type { Bus, BusDeliver, BusPayload } from "../engine/bus.ts";
import {
  compressOf, encodeCountReply, encodeCountRequest, encodeMessage, HEADER, kindOf, KIND_COUNT_REPLY,
  KIND_COUNT_REQUEST, KIND_MESSAGE, newInstanceId, payloadOf, senderOf, sentBy,
} from "./frame.ts";
import { OutageBuffer } from "./outage.ts";
import type { BusLogger } from "./outage.ts";
import { ClusterTransport, StandaloneTransport } from "./transport.ts";
import type { PublishClient, ReconnectOptions, Transport } from "./transport.ts";
import { RedisBusError } from "./errors.ts";

export type LocalCount = (topic: string) => number;

export interface RedisBusOptions {
  /** One Redis server, e.g. `redis://127.0.0.1:6379`. Exactly one of `url` and `cluster`. */
  url?: string;
  /** Redis Cluster seed nodes (`redis://host:port` or `{ host, port }`): sharded pub/sub (Redis 7+). */
  cluster?: (string | { host: string; port: number })[];
  /** Channel name prefix, so several apps can share one Redis (default `"bunwire:"`). */
  prefix?: string;
  /** Publishes kept for other instances while Redis is unreachable; the oldest is dropped first (default 10,000). */
  bufferSize?: number;
  /** Wait after reconnecting before resending the buffer, so other instances can re-subscribe first
   *  (default 1.5 x `reconnect.maxDelayMs`, i.e. 3000 ms: every peer retries within maxDelayMs + 20% jitter). */
  flushDelayMs?: number;
  reconnect?: ReconnectOptions;
  /** Which client publishes to one Redis (default "bun": Bun's built-in RedisClient, about 5x cheaper per publish
   *  than ioredis; subscribing always uses ioredis, which receives bytes and re-subscribes after reconnects). */
  publishClient?: PublishClient;
  /** Where the one outage warning and the one recovery line go (default `console`). */
  logger?: BusLogger;
  /** How long `clusterSubscriberCount` waits for other instances' answers (default 1000 ms). */
  countTimeoutMs?: number;
  /** This instance's local subscriber count per topic, used to answer other instances' count queries.
   *  The engine supplies it through `connect`; set it only when driving the bus without the engine. */
  localCount?: LocalCount;
}

interface Buffered {
  channel: string;
  frame: Buffer;
}

interface PendingCount {
  sum: number;
  received: number;
  expected: number;
  done(): void;
}

type State = "idle" | "up" | "down" | "flushing" | "closed";

export class RedisBus implements Bus {
  /** 8 random bytes naming this instance on the bus. */
  readonly instanceId = newInstanceId();
  private readonly transport: Transport;
  private readonly topicPrefix: string;
  private readonly instanceChannel: string;
  private readonly instancePrefix: string;
  private readonly outage: OutageBuffer<Buffered>;
  private readonly flushDelayMs: number;
  private readonly countTimeoutMs: number;
  private readonly topics = new Set<string>();
  private readonly pending = new Map<number, PendingCount>();
  private nextRequest = 1;
  private state: State = "idle";
  private deliver: BusDeliver | undefined;
  private localCount: LocalCount | undefined;

  constructor(options: RedisBusOptions) {
    if ((options.url === undefined) === (options.cluster === undefined)) {
      throw new RedisBusError("REDIS_BUS_OPTIONS", "redisBus needs exactly one of `url` (one Redis) or `cluster` (seed nodes of a Redis Cluster)");
    }
    if (options.cluster !== undefined && options.cluster.length === 0) {
      throw new RedisBusError("REDIS_BUS_OPTIONS", "redisBus `cluster` needs at least one seed node");
    }
    const bufferSize = options.bufferSize ?? 10_000;
    if (!Number.isInteger(bufferSize) || bufferSize < 0) throw new RedisBusError("REDIS_BUS_OPTIONS", `redisBus bufferSize must be an integer >= 0, got ${bufferSize}`);
    const prefix = options.prefix ?? "bunwire:";
    this.topicPrefix = `${prefix}t:`;
    this.instancePrefix = `${prefix}i:`;
    this.instanceChannel = this.instancePrefix + this.instanceId.toString("hex");
    this.flushDelayMs = options.flushDelayMs ?? 1.5 * (options.reconnect?.maxDelayMs ?? 2000);
    this.countTimeoutMs = options.countTimeoutMs ?? 1000;
    this.localCount = options.localCount;
    const name = options.url !== undefined ? `Redis ${redact(options.url)}` : "Redis Cluster";
    this.outage = new OutageBuffer(bufferSize, options.logger ?? console, `bunwire bus: ${name}`);
    const events = { frame: this.onFrame, up: this.onUp, down: this.onDown };
    this.transport =
      options.url !== undefined
        ? new StandaloneTransport(options.url, options.reconnect ?? {}, events, options.publishClient)
        : new ClusterTransport(options.cluster!.map(toNode), options.reconnect ?? {}, events);
  }

  async connect(deliver: BusDeliver, localCount?: LocalCount): Promise<void> {
    this.deliver = deliver;
    if (localCount !== undefined) this.localCount = localCount;
    this.transport.subscribe(this.instanceChannel);
    await this.transport.connect();
  }

  publish(topic: string, data: BusPayload, compress: boolean): void {
    // Encoding a bad payload must not throw into the caller's publish path.
    let frame: Buffer;
    try {
      frame = encodeMessage(this.instanceId, data, compress);
    } catch {
      return;
    }
    this.send(this.topicPrefix + topic, frame);
  }

  subscribe(topic: string): void {
    if (this.topics.has(topic)) return;
    this.topics.add(topic);
    this.transport.subscribe(this.topicPrefix + topic);
  }

  unsubscribe(topic: string): void {
    if (!this.topics.delete(topic)) return;
    this.transport.unsubscribe(this.topicPrefix + topic);
  }

  /** Topics this instance currently receives from the bus. */
  get subscribedTopics(): ReadonlySet<string> {
    return this.topics;
  }

  /** True while Redis is reachable and nothing is waiting in the outage buffer. */
  get connected(): boolean {
    return this.state === "up";
  }

  async clusterSubscriberCount(topic: string, local: number): Promise<number> {
    if (this.state !== "up") return local;
    const requestId = this.nextRequest++ >>> 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const result = new Promise<number>((resolve) => {
      const entry: PendingCount = { sum: local, received: 0, expected: Infinity, done: () => resolve(entry.sum) };
      this.pending.set(requestId, entry);
      timer = setTimeout(entry.done, this.countTimeoutMs);
    });
    const entry = this.pending.get(requestId)!;
    // The request goes out on the topic's own channel: exactly the instances subscribed to it receive it,
    // and Redis tells us how many they are, so we know how many answers to wait for.
    this.transport.publish(this.topicPrefix + topic, encodeCountRequest(this.instanceId, requestId)).then(
      (receivers) => {
        entry.expected = receivers - (this.topics.has(topic) ? 1 : 0);
        if (entry.received >= entry.expected) entry.done();
      },
      () => entry.done(),
    );
    const count = await result;
    clearTimeout(timer);
    this.pending.delete(requestId);
    return count;
  }

  async close(): Promise<void> {
    this.state = "closed";
    for (const entry of this.pending.values()) entry.done();
    this.topics.clear();
    await this.transport.close();
  }

  private send(channel: string, frame: Buffer): void {
    if (this.state !== "up") {
      if (this.state !== "closed") this.outage.push({ channel, frame });
      return;
    }
    // A publish in flight when the connection drops is kept for the resend, not lost silently.
    this.transport.publish(channel, frame).catch(() => {
      if (this.state !== "closed") this.outage.push({ channel, frame });
    });
  }

  private readonly onUp = (): void => {
    if (this.state === "closed" || this.state === "up" || this.state === "flushing") return;
    const wasDown = this.state === "down";
    this.state = "flushing";
    // Publishes keep going into the buffer until it is resent, so order is preserved.
    if (wasDown) setTimeout(this.flush, this.flushDelayMs);
    else this.flush();
  };

  private readonly flush = (): void => {
    if (this.state !== "flushing") return;
    const { items } = this.outage.markUp();
    this.state = "up";
    for (const item of items) this.send(item.channel, item.frame);
  };

  private readonly onDown = (reason: string): void => {
    if (this.state === "closed") return;
    this.state = "down";
    this.outage.markDown(reason);
  };

  private readonly onFrame = (channel: string, frame: Buffer): void => {
    const kind = kindOf(frame);
    if (kind === KIND_MESSAGE) {
      if (sentBy(frame, this.instanceId) || !channel.startsWith(this.topicPrefix)) return;
      this.deliver?.(channel.slice(this.topicPrefix.length), payloadOf(frame), compressOf(frame));
    } else if (kind === KIND_COUNT_REQUEST) {
      if (sentBy(frame, this.instanceId) || frame.byteLength < HEADER + 4) return;
      const topic = channel.slice(this.topicPrefix.length);
      // Without a counter we know only that this instance has at least one subscriber.
      const count = this.localCount?.(topic) ?? (this.topics.has(topic) ? 1 : 0);
      const replyTo = this.instancePrefix + senderOf(frame).toString("hex");
      if (this.state === "up") this.transport.publish(replyTo, encodeCountReply(this.instanceId, frame.readUInt32BE(HEADER), count)).catch(() => {});
    } else if (kind === KIND_COUNT_REPLY && channel === this.instanceChannel && frame.byteLength >= HEADER + 8) {
      const entry = this.pending.get(frame.readUInt32BE(HEADER));
      if (entry === undefined) return;
      entry.sum += frame.readUInt32BE(HEADER + 4);
      entry.received++;
      if (entry.received >= entry.expected) entry.done();
    }
  };
}

function toNode(node: string | { host: string; port: number }): { host: string; port: number } {
  if (typeof node !== "string") return node;
  const url = new URL(node);
  return { host: url.hostname, port: Number(url.port || 6379) };
}

/** Connection URLs may carry a password: never print it. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(invalid url)";
  }
}

/** A Bus over one Redis (`{ url }`) or a Redis Cluster with sharded pub/sub (`{ cluster: [...] }`). */
export function redisBus(options: RedisBusOptions): RedisBus {
  return new RedisBus(options);
}

/** Shorthand for `redisBus({ cluster: nodes, ...options })`. */
export function redisClusterBus(nodes: NonNullable<RedisBusOptions["cluster"]>, options: Omit<RedisBusOptions, "url" | "cluster"> = {}): RedisBus {
  return new RedisBus({ ...options, cluster: nodes });
}
