// The NATS implementation of the engine's Bus, with the official `nats` client: one subject per topic
// (subscribed only while this instance has local subscribers), the same frame as the Redis bus (sender id,
// compress flag, text or bytes), `noEcho` so an instance never receives its own publishes, and the same
// outage policy (one warning, bounded buffer, one info line when back).

import { connect, Events, RequestStrategy } from "nats";
import type { NatsConnection, Subscription } from "nats";
import type { Bus, BusDeliver, BusPayload } from "../engine/bus.ts";
import { compressOf, encodeCountReply, encodeCountRequest, encodeMessage, HEADER, kindOf, KIND_COUNT_REQUEST, KIND_MESSAGE, newInstanceId, payloadOf, sentBy } from "../redis/frame.ts";
import { OutageBuffer } from "../redis/outage.ts";
import type { BusLogger } from "../redis/outage.ts";
import { NatsBusError } from "./errors.ts";
import { subjectOf, topicOf } from "./subject.ts";

export type LocalCount = (topic: string) => number;

export interface NatsBusOptions {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`. */
  servers: string | string[];
  /** Subject prefix (default `"bunwire."`). */
  prefix?: string;
  /** Publishes kept for other instances while NATS is unreachable; the oldest is dropped first (default 10,000). */
  bufferSize?: number;
  /** Wait after reconnecting before resending the buffer, so other instances can re-subscribe (default 1.5 x reconnectTimeWaitMs). */
  flushDelayMs?: number;
  /** Delay between reconnect attempts (default 1000 ms, with jitter); attempts never stop. */
  reconnectTimeWaitMs?: number;
  logger?: BusLogger;
  /** `clusterSubscriberCount` stops waiting once no answer came for 100 ms, or after this long (default 1000 ms). */
  countTimeoutMs?: number;
  localCount?: LocalCount;
}

interface Buffered {
  subject: string;
  frame: Uint8Array;
}

export class NatsBus implements Bus {
  readonly instanceId = newInstanceId();
  private nc: NatsConnection | undefined;
  private readonly subs = new Map<string, Subscription | undefined>();
  private readonly outage: OutageBuffer<Buffered>;
  private readonly prefix: string;
  private readonly flushDelayMs: number;
  private readonly reconnectTimeWaitMs: number;
  private readonly countTimeoutMs: number;
  private up = false;
  private closed = false;
  private deliver: BusDeliver | undefined;
  private localCount: LocalCount | undefined;
  private connecting: Promise<void> | undefined;

  constructor(private readonly options: NatsBusOptions) {
    const servers = Array.isArray(options.servers) ? options.servers : [options.servers];
    if (servers.length === 0 || servers.some((s) => typeof s !== "string" || s.length === 0)) {
      throw new NatsBusError("NATS_BUS_OPTIONS", "natsBus needs `servers`: a NATS URL or a non-empty list of them");
    }
    const bufferSize = options.bufferSize ?? 10_000;
    if (!Number.isInteger(bufferSize) || bufferSize < 0) throw new NatsBusError("NATS_BUS_OPTIONS", `natsBus bufferSize must be an integer >= 0, got ${bufferSize}`);
    this.prefix = options.prefix ?? "bunwire.";
    this.reconnectTimeWaitMs = options.reconnectTimeWaitMs ?? 1000;
    this.flushDelayMs = options.flushDelayMs ?? 1.5 * this.reconnectTimeWaitMs;
    this.countTimeoutMs = options.countTimeoutMs ?? 1000;
    this.localCount = options.localCount;
    this.outage = new OutageBuffer(bufferSize, options.logger ?? console, `bunwire bus: NATS ${servers.join(",")}`);
  }

  connect(deliver: BusDeliver, localCount?: LocalCount): Promise<void> {
    this.connecting ??= this.open(deliver, localCount);
    return this.connecting;
  }

  private async open(deliver: BusDeliver, localCount?: LocalCount): Promise<void> {
    this.deliver = deliver;
    if (localCount !== undefined) this.localCount = localCount;
    const servers = this.options.servers;
    this.nc = await connect({
      servers,
      noEcho: true, // our own publishes never come back to us
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: this.reconnectTimeWaitMs,
      waitOnFirstConnect: true,
    });
    this.up = true;
    void this.watch(this.nc);
    // Topics subscribed before the connection existed.
    for (const topic of this.subs.keys()) this.subs.set(topic, this.listen(topic));
    this.flush();
  }

  publish(topic: string, data: BusPayload, compress: boolean): void {
    let frame: Buffer;
    try {
      frame = encodeMessage(this.instanceId, data, compress);
    } catch {
      return;
    }
    this.send(subjectOf(this.prefix, topic), frame);
  }

  subscribe(topic: string): void {
    if (this.subs.has(topic)) return;
    // Before connect() there is no connection yet: remembered, and subscribed when it is made.
    this.subs.set(topic, this.nc === undefined ? undefined : this.listen(topic));
  }

  unsubscribe(topic: string): void {
    const sub = this.subs.get(topic);
    if (!this.subs.delete(topic)) return;
    sub?.unsubscribe();
  }

  /** Resolves once subscriptions and publishes made so far have reached the NATS server. */
  async ready(): Promise<void> {
    await this.connecting?.catch(() => {});
    await this.nc?.flush();
  }

  async clusterSubscriberCount(topic: string, local: number): Promise<number> {
    const nc = this.nc;
    if (nc === undefined || !this.up) return local;
    let sum = local;
    try {
      const replies = await nc.requestMany(subjectOf(this.prefix, topic), encodeCountRequest(this.instanceId, 0), {
        strategy: RequestStrategy.JitterTimer,
        jitter: 100,
        maxWait: this.countTimeoutMs,
      });
      for await (const reply of replies) {
        const data = reply.data;
        if (data.byteLength >= HEADER + 8) sum += Buffer.from(data.buffer, data.byteOffset, data.byteLength).readUInt32BE(HEADER + 4);
      }
    } catch {
      // No responders (no other instance has subscribers) or NATS unreachable: the local count is the answer.
    }
    return sum;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subs.clear();
    await this.nc?.drain().catch(() => {});
  }

  private listen(topic: string): Subscription {
    const nc = this.nc!;
    return nc.subscribe(subjectOf(this.prefix, topic), {
      callback: (error, msg) => {
        if (error !== null) return;
        const frame = Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength);
        const kind = kindOf(frame);
        if (sentBy(frame, this.instanceId)) return;
        if (kind === KIND_MESSAGE) {
          this.deliver?.(topicOf(this.prefix, msg.subject), payloadOf(frame), compressOf(frame));
        } else if (kind === KIND_COUNT_REQUEST && msg.reply !== undefined) {
          const name = topicOf(this.prefix, msg.subject);
          const count = this.localCount?.(name) ?? 1;
          msg.respond(encodeCountReply(this.instanceId, 0, count));
        }
      },
    });
  }

  private send(subject: string, frame: Uint8Array): void {
    if (this.closed) return;
    if (!this.up || this.nc === undefined) {
      this.outage.push({ subject, frame });
      return;
    }
    try {
      this.nc.publish(subject, frame);
    } catch {
      this.outage.push({ subject, frame });
    }
  }

  private flush(): void {
    const { items } = this.outage.markUp();
    for (const item of items) this.send(item.subject, item.frame);
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.closed) return;
      if (status.type === Events.Disconnect) {
        this.up = false;
        this.outage.markDown("connection lost");
      } else if (status.type === Events.Reconnect) {
        // nats.js re-subscribes every subject itself; resend the buffer once peers had time to do the same.
        setTimeout(() => {
          if (this.closed) return;
          this.up = true;
          this.flush();
        }, this.flushDelayMs);
      }
    }
  }
}

/** A Bus over NATS core pub/sub. */
export function natsBus(options: NatsBusOptions): NatsBus {
  return new NatsBus(options);
}
