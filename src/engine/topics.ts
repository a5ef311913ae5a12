// With a bus attached, a topic must be received from other instances exactly while this instance has local
// subscribers, and `ws.publish` must reach the other instances too. Each engine with a bus keeps a TopicCounter
// (a count per topic; the bus is told about the first subscriber and the last). Sockets reach it through ONE
// override of subscribe/unsubscribe/publish* installed on Bun's ServerWebSocket prototype: nothing is copied
// onto sockets, and the override only dispatches (pinned connection -> its engine's counter), falling back to
// Bun's own method for sockets of servers bunwire does not own or engines without a bus. The prototype holds no
// state two apps could share: each socket finds its own engine's counter through its own connection.

import type { ServerWebSocket } from "bun";
import type { Bus, BusPayload } from "../bus/contract.ts";
import { CONNECTION, type Connection, type PinnedSocket, type TopicCounting } from "./connection.ts";
import { BunwireError } from "./errors.ts";
import { SIZES, type Sizes } from "./sizes.ts";
import { isThenable } from "./thenable.ts";

type Native = ServerWebSocket<unknown>;
type Publishable = Parameters<Native["publish"]>[1];
type Binary = Parameters<Native["publishBinary"]>[1];
type Methods = Pick<Native, "subscribe" | "unsubscribe" | "publish" | "publishText" | "publishBinary">;

const RESOLVED = Promise.resolve();

/** What `publish` accepts, as the bus carries it (string or bytes). */
export function toBusPayload(data: Publishable): BusPayload {
  if (typeof data === "string" || data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof Blob) throw new BunwireError("UNPUBLISHABLE", "a Blob cannot be published across instances (a bus is set): publish a string or bytes");
  return new Uint8Array(data as ArrayBuffer);
}

/** The bus counter of the engine that owns a connection, if that engine has a bus (its route entry holds it). */
function counterOf(connection: Connection | undefined): TopicCounting | undefined {
  return connection?.entry.counter;
}

export class TopicCounter implements TopicCounting {
  readonly bus: Bus;
  readonly #counts = new Map<string, number>();
  /** Bus subscriptions not yet live, per topic (a live one is dropped from here). */
  readonly #pending = new Map<string, Promise<void>>();

  constructor(bus: Bus) {
    this.bus = bus;
  }

  [SIZES](): Sizes {
    return { "topics.counted": this.#counts.size, "topics.pending": this.#pending.size };
  }

  /** Resolves once this instance's bus subscription to `topic` is live (at once when it is, or when there is none). */
  whenLive(topic: string): Promise<void> {
    return this.#pending.get(topic) ?? RESOLVED;
  }

  /** A socket of this engine opened: its subscriptions go through the override from now on. Its own set of topics
   *  is made at its first subscribe (most sockets of most routes never make one). */
  attach(ws: Native): void {
    installOverride(Object.getPrototypeOf(ws) as Native);
  }

  /** The socket closed: Bun has already dropped its subscriptions, so release the ones we counted. */
  detach(_ws: Native, connection: Connection): void {
    const topics = connection.topics;
    if (topics === null) return;
    for (const topic of topics) this.release(topic);
    topics.clear();
  }

  /** Local subscribers per topic this instance receives from the bus (the inspector's hottest topics). */
  entries(): IterableIterator<[string, number]> {
    return this.#counts.entries();
  }

  acquire(topic: string): void {
    const count = (this.#counts.get(topic) ?? 0) + 1;
    this.#counts.set(topic, count);
    if (count !== 1) return;
    const live = this.bus.subscribe(topic);
    // A bus written for the older contract returns nothing: its subscriptions count as live at once.
    if (!isThenable(live)) return;
    const pending: Promise<void> = Promise.resolve(live).then(() => {
      if (this.#pending.get(topic) === pending) this.#pending.delete(topic);
    });
    this.#pending.set(topic, pending);
  }

  release(topic: string): void {
    const count = (this.#counts.get(topic) ?? 0) - 1;
    if (count > 0) return void this.#counts.set(topic, count);
    this.#counts.delete(topic);
    this.#pending.delete(topic);
    this.bus.unsubscribe(topic);
  }
}

/**
 * Resolves once `topic`'s bus subscription is live for the engine that owns `ws`: a publish made on any
 * instance after that reaches this one. At once without a bus, when it is already live, or when `ws` has not
 * subscribed to `topic` (call it after `ws.subscribe(topic)`). During a broker outage it resolves once the broker
 * is back; it never rejects. Topic recovery subscribes, awaits this, and only then reads the history.
 */
export function whenSubscribed(ws: ServerWebSocket<any>, topic: string): Promise<void> {
  const counter = counterOf((ws as PinnedSocket)[CONNECTION]);
  return counter === undefined ? RESOLVED : counter.whenLive(topic);
}

/** Marks a prototype this copy of bunwire has patched (a second copy in the process chains onto the first). */
const PATCHED = Symbol("bunwire.topics.override");

function installOverride(prototype: Native & { [PATCHED]?: true }): void {
  if (Object.hasOwn(prototype, PATCHED)) return;
  const previous: Methods = {
    subscribe: prototype.subscribe,
    unsubscribe: prototype.unsubscribe,
    publish: prototype.publish,
    publishText: prototype.publishText,
    publishBinary: prototype.publishBinary,
  };
  Object.defineProperty(prototype, PATCHED, { value: true });
  const overrides: Methods = {
    subscribe(this: Native, topic: string) {
      const connection = (this as PinnedSocket)[CONNECTION];
      const counter = counterOf(connection);
      if (counter !== undefined && this.readyState === 1) {
        let topics = connection!.topics;
        if (topics === null) connection!.topics = topics = new Set();
        if (!topics.has(topic)) {
          topics.add(topic);
          counter.acquire(topic);
        }
      }
      return previous.subscribe.call(this, topic);
    },
    unsubscribe(this: Native, topic: string) {
      const connection = (this as PinnedSocket)[CONNECTION];
      const counter = counterOf(connection);
      if (counter !== undefined && connection!.topics?.delete(topic) === true) counter.release(topic);
      return previous.unsubscribe.call(this, topic);
    },
    // Local delivery first (Bun's own method, sender excluded), then one bus message for the other instances.
    publish(this: Native, topic: string, data: Publishable, compress?: boolean) {
      const sent = previous.publish.call(this, topic, data, compress);
      const counter = counterOf((this as PinnedSocket)[CONNECTION]);
      if (counter !== undefined) counter.bus.publish(topic, toBusPayload(data), compress === true);
      return sent;
    },
    publishText(this: Native, topic: string, data: string, compress?: boolean) {
      const sent = previous.publishText.call(this, topic, data, compress);
      const counter = counterOf((this as PinnedSocket)[CONNECTION]);
      if (counter !== undefined) counter.bus.publish(topic, data, compress === true);
      return sent;
    },
    publishBinary(this: Native, topic: string, data: Binary, compress?: boolean) {
      const sent = previous.publishBinary.call(this, topic, data, compress);
      const counter = counterOf((this as PinnedSocket)[CONNECTION]);
      if (counter !== undefined) counter.bus.publish(topic, toBusPayload(data), compress === true);
      return sent;
    },
  };
  Object.assign(prototype, overrides);
}
