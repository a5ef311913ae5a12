// The channels one bus receives (its topics, its own channel, the broadcast one), each with the promise that
// resolves once the broker has the subscription. Channels asked for before the transport started are made when
// it starts; a subscribe the broker did not confirm (the connection dropped meanwhile) is made again at `up`.

import { SIZES, type Sizes } from "../engine/sizes.ts";
import type { Transport } from "./transport.ts";

interface Entry {
  live: Promise<void>;
  resolve(): void;
}

/**
 * A channel the broker confirmed: one shared entry for all of them. A pending entry's promise and closures serve only
 * until then, and a bus has a channel per user with connections here (`$user:<id>`): kept per channel they cost
 * about 1 KB for each such connection (issue 16).
 */
const LIVE: Entry = { live: Promise.resolve(), resolve() {} };

export class Subscriptions {
  readonly #transport: Transport;
  readonly #channels = new Map<string, Entry>();
  readonly #retry = new Set<string>();
  #started = false;
  #closed = false;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  [SIZES](): Sizes {
    return { "bus.channels": this.#channels.size, "bus.retrying": this.#retry.size };
  }

  has(channel: string): boolean {
    return this.#channels.has(channel);
  }

  /** Subscribes `channel` once; resolves when it is live (or when it is removed or the bus closes). */
  add(channel: string): Promise<void> {
    if (this.#closed) return Promise.resolve(); // nothing will ever be received: nothing to wait for
    const existing = this.#channels.get(channel);
    if (existing !== undefined) return existing.live;
    let resolve!: () => void;
    const entry: Entry = { live: new Promise<void>((r) => (resolve = r)), resolve: () => resolve() };
    this.#channels.set(channel, entry);
    if (this.#started) this.#listen(channel, entry);
    return entry.live;
  }

  remove(channel: string): void {
    const entry = this.#channels.get(channel);
    if (entry === undefined) return;
    this.#channels.delete(channel);
    this.#retry.delete(channel);
    entry.resolve(); // nobody waits for a subscription that is gone
    this.#transport.unsubscribe(channel);
  }

  /** The transport exists now: make the subscriptions that were only remembered. */
  start(): void {
    this.#started = true;
    for (const [channel, entry] of this.#channels) this.#listen(channel, entry);
  }

  /** The broker is reachable again: retry the subscriptions it did not confirm. */
  retry(): void {
    for (const channel of this.#retry) {
      const entry = this.#channels.get(channel);
      if (entry !== undefined) this.#listen(channel, entry);
    }
    this.#retry.clear();
  }

  /** Resolves once every subscription made so far is live. */
  async allLive(): Promise<void> {
    await Promise.all(Array.from(this.#channels.values(), (entry) => entry.live));
  }

  close(): void {
    this.#closed = true;
    for (const entry of this.#channels.values()) entry.resolve();
    this.#channels.clear();
    this.#retry.clear();
  }

  #listen(channel: string, entry: Entry): void {
    this.#transport.subscribe(channel).then(
      () => {
        entry.resolve();
        if (this.#channels.get(channel) === entry) this.#channels.set(channel, LIVE);
      },
      () => {
        if (!this.#closed && this.#channels.get(channel) === entry) this.#retry.add(channel);
      },
    );
  }
}
