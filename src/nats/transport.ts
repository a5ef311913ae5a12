// The bus's Transport over NATS core pub/sub with the official `nats` client: one subject per channel, `noEcho`
// so an instance never receives its own publishes, reconnects forever (nats.js re-subscribes every subject
// itself). A subscription is live once a flush round trip after it returns.

import type { Transport, TransportEvents } from "../bus/transport.ts";
import { SIZES, type Sizes } from "../engine/sizes.ts";
import { nats, type NatsConnection, type Subscription } from "./peer.ts";
import { NatsSubjects } from "./subject.ts";

const noop = () => {};

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Waiting {
  resolve(): void;
  reject(error: unknown): void;
}

export class NatsTransport extends NatsSubjects implements Transport {
  readonly name: string;
  readonly #servers: string[];
  readonly #reconnectTimeWaitMs: number;
  #nc: NatsConnection | undefined;
  #events: TransportEvents | undefined;
  #closed = false;
  readonly #subs = new Map<string, Subscription>();
  /** Subscriptions asked for before the first connection: made once it exists. */
  readonly #waiting = new Map<string, Waiting>();

  constructor(servers: string[], prefix: string, reconnectTimeWaitMs: number) {
    super(prefix);
    this.#servers = servers;
    this.#reconnectTimeWaitMs = reconnectTimeWaitMs;
    this.name = `NATS ${servers.join(",")}`;
  }

  async start(events: TransportEvents): Promise<void> {
    this.#events = events;
    try {
      await this.#open();
    } catch (error) {
      // Unreachable at start: not fatal; keep trying, and `up` fires when NATS is there.
      events.down(reasonOf(error));
      void this.#retry();
    }
  }

  async #open(): Promise<void> {
    const nc = await nats.connect({
      servers: this.#servers,
      noEcho: true, // our own publishes never come back to us
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: this.#reconnectTimeWaitMs,
    });
    if (this.#closed) return void nc.close().catch(noop);
    this.#nc = nc;
    void this.#watch(nc);
    for (const [channel, waiting] of this.#waiting) this.#subscribeOn(nc, channel).then(waiting.resolve, waiting.reject);
    this.#waiting.clear();
    this.#events?.up();
  }

  async #retry(): Promise<void> {
    while (!this.#closed && this.#nc === undefined) {
      await new Promise((resolve) => setTimeout(resolve, this.#reconnectTimeWaitMs * (0.8 + Math.random() * 0.4)));
      if (this.#closed) return;
      try {
        await this.#open();
      } catch {
        // Still unreachable: the one warning was logged already.
      }
    }
  }

  async #watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.#closed) return;
      if (status.type === nats.Events.Disconnect) this.#events?.down("connection lost");
      else if (status.type === nats.Events.Reconnect) this.#events?.up();
    }
  }

  publish(channel: string, frame: Buffer): void {
    this.#nc!.publish(channel, frame);
  }

  subscribe(channel: string): Promise<void> {
    const nc = this.#nc;
    if (nc !== undefined) return this.#subscribeOn(nc, channel);
    return new Promise((resolve, reject) => this.#waiting.set(channel, { resolve, reject }));
  }

  async #subscribeOn(nc: NatsConnection, channel: string): Promise<void> {
    this.#subs.get(channel)?.unsubscribe();
    const events = this.#events!;
    const sub = nc.subscribe(channel, {
      // One callback per subscription (not per message); the channel is known, so msg.subject is not read.
      callback: (error, msg) => {
        if (error !== null) return;
        const data = msg.data;
        events.frame(channel, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      },
    });
    this.#subs.set(channel, sub);
    // The server has the subscription once it answered the PING that follows it.
    await nc.flush();
  }

  unsubscribe(channel: string): void {
    this.#waiting.delete(channel);
    const sub = this.#subs.get(channel);
    if (sub === undefined) return;
    this.#subs.delete(channel);
    sub.unsubscribe();
  }

  /** Internal (churn tests): subjects subscribed, and those waiting for the first connection. */
  [SIZES](): Sizes {
    return { "nats.subscriptions": this.#subs.size, "nats.waiting": this.#waiting.size };
  }

  /** Resolves once everything sent so far has reached the server. */
  async flush(): Promise<void> {
    await this.#nc?.flush().catch(noop);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const waiting of this.#waiting.values()) waiting.resolve();
    this.#waiting.clear();
    this.#subs.clear();
    await this.#nc?.drain().catch(noop);
  }
}
