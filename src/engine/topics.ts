// With a bus attached, a topic must be received from other instances exactly while this instance has local
// subscribers. The engine gives each socket own-property subscribe/unsubscribe/publish (the same functions for
// every socket, set once at open) that keep a count per topic and tell the bus about the first and the last.

import type { ServerWebSocket } from "bun";
import type { Bus, BusPayload } from "./bus.ts";
import type { Connection } from "./connection.ts";

type Native = ServerWebSocket<unknown>;
type Publishable = Parameters<Native["publish"]>[1];
type Binary = Parameters<Native["publishBinary"]>[1];

/** What `publish` accepts, as the bus carries it (string or bytes). */
export function toBusPayload(data: Publishable): BusPayload {
  if (typeof data === "string" || data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof Blob) throw new TypeError("bunwire: a Blob cannot be published across instances; publish a string or bytes");
  return new Uint8Array(data as ArrayBuffer);
}

export class TopicCounter {
  readonly #bus: Bus;
  readonly #counts = new Map<string, number>();
  readonly #topicsOf = new WeakMap<Native, Set<string>>();
  #native: Native | undefined;
  #overrides: Record<string, unknown> | undefined;

  constructor(bus: Bus) {
    this.#bus = bus;
  }

  /** Subscribers on `topic` in this instance (as counted for the bus). */
  local(topic: string): number {
    return this.#counts.get(topic) ?? 0;
  }

  attach(ws: Native, connection: Connection): void {
    connection.topics = new Set();
    this.#topicsOf.set(ws, connection.topics);
    Object.assign(ws, (this.#overrides ??= this.#createOverrides(Object.getPrototypeOf(ws) as Native)));
  }

  /** The socket closed: Bun has already dropped its subscriptions, so release the ones we counted. */
  detach(ws: Native, connection: Connection): void {
    for (const topic of connection.topics ?? []) this.#release(topic);
    connection.topics?.clear();
    this.#topicsOf.delete(ws);
  }

  #acquire(topic: string): void {
    const count = (this.#counts.get(topic) ?? 0) + 1;
    this.#counts.set(topic, count);
    if (count === 1) this.#bus.subscribe(topic);
  }

  #release(topic: string): void {
    const count = (this.#counts.get(topic) ?? 0) - 1;
    if (count > 0) return void this.#counts.set(topic, count);
    this.#counts.delete(topic);
    this.#bus.unsubscribe(topic);
  }

  #createOverrides(native: Native): Record<string, unknown> {
    const counter = this;
    const bus = this.#bus;
    const topicsOf = this.#topicsOf;
    return {
      subscribe(this: Native, topic: string) {
        const topics = topicsOf.get(this);
        if (topics !== undefined && !topics.has(topic) && this.readyState === 1) {
          topics.add(topic);
          counter.#acquire(topic);
        }
        return native.subscribe.call(this, topic);
      },
      unsubscribe(this: Native, topic: string) {
        const topics = topicsOf.get(this);
        if (topics?.delete(topic)) counter.#release(topic);
        return native.unsubscribe.call(this, topic);
      },
      publish(this: Native, topic: string, data: Publishable, compress?: boolean) {
        const sent = native.publish.call(this, topic, data, compress);
        bus.publish(topic, toBusPayload(data), compress === true);
        return sent;
      },
      publishText(this: Native, topic: string, data: string, compress?: boolean) {
        const sent = native.publishText.call(this, topic, data, compress);
        bus.publish(topic, data, compress === true);
        return sent;
      },
      publishBinary(this: Native, topic: string, data: Binary, compress?: boolean) {
        const sent = native.publishBinary.call(this, topic, data, compress);
        bus.publish(topic, toBusPayload(data), compress === true);
        return sent;
      },
    };
  }
}
