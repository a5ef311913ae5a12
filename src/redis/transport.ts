// The bus's Transport over one Redis server (or a Sentinel-managed one): PUBLISH/SUBSCRIBE on two connections.
// Subscribing always uses ioredis (binary messages, re-subscribe after reconnect, close/ready events; Bun's
// RedisClient 1.4.4 has none of these). Publishing uses Bun's RedisClient by default (the hot path, about 5x
// cheaper), or ioredis (`publishClient: "ioredis"`, and always when the bus is given a ready ioredis client).

import type { Transport, TransportEvents } from "../bus/transport.ts";
import { BunPublisher } from "./bun-publisher.ts";
import { RedisChannels } from "./channels.ts";
import { ioredis, type Redis, type RedisOptions } from "./peer.ts";
import { reasonOf, redact, retryStrategy, type ReconnectOptions } from "./retry.ts";

/** Which client publishes in single-server mode ("bun": Bun's RedisClient, about 5x cheaper per publish). */
export type PublishClient = "bun" | "ioredis";

const noop = () => {};

/** Connects a lazy client, or waits for the attempt a queued command already started; rejects on its first failure. */
export function startClient(conn: Redis): Promise<void> {
  if (conn.status === "wait") return conn.connect();
  if (conn.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onReady = () => (conn.off("error", onError), resolve());
    const onError = (error: Error) => (conn.off("ready", onReady), reject(error));
    conn.once("ready", onReady);
    conn.once("error", onError);
  });
}

export class StandaloneTransport extends RedisChannels implements Transport {
  readonly name: string;
  readonly #source: string | Redis;
  readonly #reconnect: ReconnectOptions;
  readonly #publishClient: PublishClient;
  #pub: Redis | undefined;
  /** Rejecters of ioredis publishes still in flight: failed when the connection drops, since ioredis drops them. */
  readonly #inFlight = new Set<(error: Error) => void>();
  #bunPub: BunPublisher | undefined;
  #sub: Redis | undefined;
  #pubReady = false;
  #subReady = false;
  #events: TransportEvents | undefined;

  /** `source`: a URL, or a ready ioredis client whose options (Sentinel included) the bus's connections copy. */
  constructor(source: string | Redis, prefix: string, reconnect: ReconnectOptions, publishClient: PublishClient) {
    super(prefix);
    this.#source = source;
    this.#reconnect = reconnect;
    this.#publishClient = publishClient;
    this.name = typeof source === "string" ? `Redis ${redact(source)}` : `Redis (your ioredis client)`;
  }

  start(events: TransportEvents): Promise<void> {
    this.#events = events;
    const common: RedisOptions = { lazyConnect: true, retryStrategy: retryStrategy(this.#reconnect), maxRetriesPerRequest: null };
    const source = this.#source;
    // The bus owns its connections: copies of the user's client, so closing the bus never closes theirs.
    const open = (options: RedisOptions) => (typeof source === "string" ? new ioredis.Redis(source, options) : source.duplicate(options));
    // No offline queue on the publisher, and no resend of what was in flight when the connection dropped (ioredis would
    // resend it the moment it reconnects, before other instances have subscribed again): the bus keeps its own
    // bounded buffer and resends `flushDelayMs` after reconnecting, whichever client publishes.
    if (this.#publishClient === "ioredis") this.#pub = open({ ...common, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, connectionName: "bunwire-bus-pub" });
    else this.#bunPub = new BunPublisher(source as string, () => this.#ready("pub"), () => this.#lost("pub", "publish failed"));
    // The subscriber queues (un)subscribes while down and re-subscribes every channel on reconnect.
    const sub = open({ ...common, autoResubscribe: true, connectionName: "bunwire-bus-sub" });
    this.#sub = sub;
    sub.on("messageBuffer", (channel: Buffer, message: Buffer) => events.frame(channel.toString(), message));
    for (const [conn, which] of [[this.#pub, "pub"], [sub, "sub"]] as const) {
      if (conn === undefined) continue;
      conn.on("error", noop); // reported once per outage through `down`, not per failed attempt
      conn.on("close", () => {
        if (which === "pub") this.#failInFlight();
        this.#lost(which, "connection closed");
      });
      conn.on("ready", () => this.#ready(which));
    }
    return this.#connect(sub);
  }

  async #connect(sub: Redis): Promise<void> {
    try {
      await Promise.all([this.#pub !== undefined ? startClient(this.#pub) : this.#bunPub!.connect(), startClient(sub)]);
    } catch (error) {
      // Not fatal: the clients keep retrying and `up` fires when Redis is reachable.
      this.#events?.down(reasonOf(error));
    }
  }

  #lost(which: "pub" | "sub", reason: string): void {
    const wasUp = this.#pubReady && this.#subReady;
    if (which === "pub") this.#pubReady = false;
    else this.#subReady = false;
    if (wasUp) this.#events?.down(reason);
  }

  #ready(which: "pub" | "sub"): void {
    if (which === "pub") this.#pubReady = true;
    else this.#subReady = true;
    if (this.#pubReady && this.#subReady) this.#events?.up();
  }

  publish(channel: string, frame: Buffer): Promise<number> {
    const pub = this.#pub;
    if (pub === undefined) return this.#bunPub!.publish(channel, frame);
    // With autoResendUnfulfilledCommands off, ioredis never settles a command the dropped connection took: settle
    // it here so the bus buffers it (one promise per batch, not per publish: topic messages go out batched).
    return new Promise<number>((resolve, reject) => {
      this.#inFlight.add(reject);
      pub.publish(channel, frame).then(
        (count) => {
          this.#inFlight.delete(reject);
          resolve(count);
        },
        (error: unknown) => {
          this.#inFlight.delete(reject);
          reject(error);
        },
      );
    });
  }

  #failInFlight(): void {
    const lost = new Error("the Redis connection closed with this publish in flight");
    for (const reject of this.#inFlight) reject(lost);
    this.#inFlight.clear();
  }

  subscribe(channel: string): Promise<void> {
    // Resolves on Redis' SUBSCRIBE reply: from then on every PUBLISH to the channel reaches this connection.
    return this.#sub!.subscribe(channel).then(noop);
  }

  unsubscribe(channel: string): void {
    this.#sub?.unsubscribe(channel).catch(noop);
  }

  async close(): Promise<void> {
    this.#pub?.disconnect();
    this.#bunPub?.close();
    this.#sub?.disconnect();
  }
}
