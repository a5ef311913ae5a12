// The two ways a Redis bus reaches Redis: one server (PUBLISH/SUBSCRIBE, a publishing and a subscribing
// connection) or a Redis Cluster (SPUBLISH/SSUBSCRIBE: each channel lives on the shard owning its slot,
// so topic traffic is spread over shards instead of being broadcast to every node).

import { RedisClient } from "bun";
import { Cluster, Redis } from "ioredis";
import type { ClusterNode, RedisOptions } from "ioredis";

export interface Transport {
  /** Resolves with the number of subscribing connections that received the frame. */
  publish(channel: string, frame: Buffer): Promise<number>;
  subscribe(channel: string): void;
  unsubscribe(channel: string): void;
  connect(): Promise<void>;
  close(): Promise<void>;
}

export interface TransportEvents {
  frame(channel: string, frame: Buffer): void;
  /** Publishing is possible again (after start or an outage); subscriptions have been re-sent. */
  up(): void;
  /** A connection dropped; ioredis is retrying with backoff. */
  down(reason: string): void;
}

export interface ReconnectOptions {
  /** First retry delay (default 50 ms); doubles per attempt. */
  minDelayMs?: number;
  /** Retry delay cap (default 2000 ms). Retries never stop. */
  maxDelayMs?: number;
}

export function retryStrategy(options: ReconnectOptions = {}): (times: number) => number {
  const min = options.minDelayMs ?? 50;
  const max = options.maxDelayMs ?? 2000;
  // Jitter keeps a fleet of instances from reconnecting in lock-step after Redis comes back.
  return (times) => Math.min(max, min * 2 ** Math.min(times - 1, 16)) * (0.8 + Math.random() * 0.4);
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Connects a lazy client, or waits for the attempt a queued command already started; rejects on its first failure. */
function start(conn: Redis): Promise<void> {
  if (conn.status === "wait") return conn.connect();
  if (conn.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onReady = () => (conn.off("error", onError), resolve());
    const onError = (error: Error) => (conn.off("ready", onReady), reject(error));
    conn.once("ready", onReady);
    conn.once("error", onError);
  });
}

/** Which client publishes in single-server mode ("bun": Bun's RedisClient, about 5x cheaper per publish). */
export type PublishClient = "bun" | "ioredis";

export class StandaloneTransport implements Transport {
  private readonly pub: Redis | undefined;
  private readonly bunPub: BunPublisher | undefined;
  private readonly sub: Redis;
  private pubReady = false;
  private subReady = false;

  constructor(url: string, reconnect: ReconnectOptions, private readonly events: TransportEvents, publishClient: PublishClient = "bun") {
    const retry = retryStrategy(reconnect);
    const common: RedisOptions = { lazyConnect: true, retryStrategy: retry, maxRetriesPerRequest: null };
    // No offline queue on the publisher: the bus keeps its own bounded buffer and its own outage policy.
    if (publishClient === "ioredis") this.pub = new Redis(url, { ...common, enableOfflineQueue: false, connectionName: "bunwire-bus-pub" });
    else this.bunPub = new BunPublisher(url, () => this.ready("pub"), () => this.lost("pub", "publish failed"));
    // The subscriber queues (un)subscribes while down and re-subscribes every channel on reconnect.
    this.sub = new Redis(url, { ...common, autoResubscribe: true, connectionName: "bunwire-bus-sub" });
    this.sub.on("messageBuffer", (channel: Buffer, message: Buffer) => events.frame(channel.toString(), message));
    for (const [conn, which] of [[this.pub, "pub"], [this.sub, "sub"]] as const) {
      if (conn === undefined) continue;
      conn.on("error", () => {}); // reported once per outage through `down`, not per failed attempt
      conn.on("close", () => this.lost(which, "connection closed"));
      conn.on("ready", () => this.ready(which));
    }
  }

  private lost(which: "pub" | "sub", reason: string): void {
    const wasUp = this.pubReady && this.subReady;
    if (which === "pub") this.pubReady = false;
    else this.subReady = false;
    if (wasUp) this.events.down(reason);
  }

  private ready(which: "pub" | "sub"): void {
    if (which === "pub") this.pubReady = true;
    else this.subReady = true;
    if (this.pubReady && this.subReady) this.events.up();
  }

  async connect(): Promise<void> {
    try {
      await Promise.all([this.pub !== undefined ? start(this.pub) : this.bunPub!.connect(), start(this.sub)]);
    } catch (error) {
      // Not fatal: ioredis keeps retrying and `up` fires when Redis is reachable.
      this.events.down(reasonOf(error));
    }
  }

  publish(channel: string, frame: Buffer): Promise<number> {
    return this.pub !== undefined ? this.pub.publish(channel, frame) : this.bunPub!.publish(channel, frame);
  }

  subscribe(channel: string): void {
    this.sub.subscribe(channel).catch(() => {});
  }

  unsubscribe(channel: string): void {
    this.sub.unsubscribe(channel).catch(() => {});
  }

  async close(): Promise<void> {
    this.pub?.disconnect();
    this.bunPub?.close();
    this.sub.disconnect();
  }
}

/**
 * Publishing through Bun's built-in client. It reconnects by itself but reports no disconnect, so a failed
 * publish is what tells us the connection is gone; then `connected` is polled until it is back.
 */
class BunPublisher {
  private readonly client: RedisClient;
  private poll: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(url: string, private readonly onUp: () => void, private readonly onDown: () => void) {
    this.client = new RedisClient(url, { enableOfflineQueue: false, autoReconnect: true, maxRetries: 2 ** 31 - 1 });
    this.client.onconnect = () => this.up();
    // Fires when Bun gives up reconnecting: start again, the bus never gives up.
    this.client.onclose = () => {
      if (this.closed) return;
      this.down();
      this.client.connect().catch(() => {});
    };
  }

  async connect(): Promise<void> {
    await this.client.connect();
    this.up();
  }

  publish(channel: string, frame: Buffer): Promise<number> {
    // send() is the binary-safe path (publish() takes strings only); its type says string[], bytes work.
    const reply = this.client.send("PUBLISH", [channel, frame as unknown as string]) as Promise<number>;
    reply.catch(() => this.down());
    return reply;
  }

  private up(): void {
    if (this.poll !== undefined) clearInterval(this.poll);
    this.poll = undefined;
    this.onUp();
  }

  private down(): void {
    if (this.poll !== undefined || this.closed) return;
    this.onDown();
    this.poll = setInterval(() => {
      if (this.client.connected) this.up();
    }, 50);
  }

  close(): void {
    this.closed = true;
    if (this.poll !== undefined) clearInterval(this.poll);
    this.client.close();
  }
}

export class ClusterTransport implements Transport {
  private readonly cluster: Cluster;

  constructor(nodes: (string | ClusterNode)[], reconnect: ReconnectOptions, private readonly events: TransportEvents) {
    const retry = retryStrategy(reconnect);
    this.cluster = new Cluster(nodes, {
      lazyConnect: true,
      // One SSUBSCRIBE connection per master: a channel is subscribed on the shard that owns its slot.
      shardedSubscribers: true,
      clusterRetryStrategy: retry,
      enableOfflineQueue: true,
      redisOptions: { maxRetriesPerRequest: null },
    });
    this.cluster.on("smessageBuffer", (channel: Buffer, message: Buffer) => events.frame(channel.toString(), message));
    this.cluster.on("error", () => {});
    this.cluster.on("node error", () => {});
    this.cluster.on("ready", () => events.up());
    this.cluster.on("close", () => events.down("cluster connection closed"));
  }

  async connect(): Promise<void> {
    try {
      if (this.cluster.status === "wait") await this.cluster.connect();
      else if (this.cluster.status !== "ready") {
        await new Promise<void>((resolve, reject) => {
          this.cluster.once("ready", () => resolve());
          this.cluster.once("error", (error: Error) => reject(error));
        });
      }
    } catch (error) {
      this.events.down(reasonOf(error));
    }
  }

  publish(channel: string, frame: Buffer): Promise<number> {
    return this.cluster.spublish(channel, frame) as Promise<number>;
  }

  subscribe(channel: string): void {
    this.cluster.ssubscribe(channel).catch(() => {});
  }

  unsubscribe(channel: string): void {
    this.cluster.sunsubscribe(channel).catch(() => {});
  }

  async close(): Promise<void> {
    this.cluster.disconnect();
  }
}
