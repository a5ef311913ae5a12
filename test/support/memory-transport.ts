// An in-process broker for the bus core: `memoryBus(broker)` is the real TransportBus (frames, subscriptions,
// membership, cluster requests) over a Transport that delivers between buses of one process, so tests exercise
// the core's own maps without starting a Redis or NATS server.

import { TransportBus } from "../../src/bus/transport-bus.ts";
import type { BusLogger } from "../../src/bus/outage.ts";
import type { Transport, TransportEvents } from "../../src/bus/transport.ts";

export class MemoryBroker {
  /** channel → the transports subscribed to it. */
  readonly channels = new Map<string, Set<MemoryTransport>>();

  deliver(channel: string, frame: Buffer): void {
    for (const transport of this.channels.get(channel) ?? []) queueMicrotask(() => transport.receive(channel, frame));
  }
}

export class MemoryTransport implements Transport {
  readonly name = "memory";
  readonly broadcastChannel = "all";
  readonly #broker: MemoryBroker;
  #events: TransportEvents | undefined;

  constructor(broker: MemoryBroker) {
    this.#broker = broker;
  }

  instanceChannel(instance: string): string {
    return `i:${instance}`;
  }

  topicChannel(topic: string): string {
    return `t:${topic}`;
  }

  topicOf(channel: string): string | undefined {
    return channel.startsWith("t:") ? channel.slice(2) : undefined;
  }

  async start(events: TransportEvents): Promise<void> {
    this.#events = events;
    events.up();
  }

  receive(channel: string, frame: Buffer): void {
    this.#events?.frame(channel, frame);
  }

  /** While set, publishes are held in flight (not delivered) until `fail()` rejects them, as a dropped connection does. */
  #inFlight: Array<(error: Error) => void> | undefined;

  publish(channel: string, frame: Buffer): Promise<number> | void {
    if (this.#inFlight === undefined) return this.#broker.deliver(channel, frame);
    return new Promise((_, reject) => this.#inFlight!.push(reject));
  }

  /** Faults a test injects: publishes start hanging; the connection is reported down, then up; what hung fails. */
  hang(): void {
    this.#inFlight = [];
  }

  down(reason: string): void {
    this.#events?.down(reason);
  }

  up(): void {
    this.#events?.up();
  }

  fail(): void {
    for (const reject of this.#inFlight ?? []) reject(new Error("connection lost with this publish in flight"));
    this.#inFlight = undefined;
  }

  async subscribe(channel: string): Promise<void> {
    let subscribers = this.#broker.channels.get(channel);
    if (subscribers === undefined) this.#broker.channels.set(channel, (subscribers = new Set()));
    subscribers.add(this);
  }

  unsubscribe(channel: string): void {
    const subscribers = this.#broker.channels.get(channel);
    if (subscribers?.delete(this) === true && subscribers.size === 0) this.#broker.channels.delete(channel);
  }

  async close(): Promise<void> {
    for (const channel of [...this.#broker.channels.keys()]) this.unsubscribe(channel);
    this.#events = undefined;
  }
}

export function memoryBus(broker: MemoryBroker, options: { heartbeatMs?: number; transport?: MemoryTransport; logger?: BusLogger } = {}): TransportBus {
  const transport = options.transport ?? new MemoryTransport(broker);
  return new TransportBus(transport, { flushDelayMs: 0, heartbeatMs: options.heartbeatMs, logger: options.logger }, (message) => new Error(message));
}
