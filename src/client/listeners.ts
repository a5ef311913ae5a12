// The client's listeners: per server event, and for `$error` replies to emits. Delivery calls them in the order
// they were added; a listener added or removed during a delivery takes effect from the next one.

import type { RequestError } from "./errors.ts";

/** What a listener gets besides the data: where an event published on a topic with a history sits. */
export interface EventMeta {
  /** The topic it was published on. */
  topic?: string;
  /** Its position in the topic's history (what a rejoin resumes after). */
  offset?: string;
  /** Its sequence number on the topic: one more than the previous event's. */
  seq?: number;
}

export type Listener = (data: unknown, meta: EventMeta) => void;

export class Listeners {
  private readonly events = new Map<string, Set<Listener>>();
  private readonly errors = new Set<(error: RequestError) => void>();

  on(event: string, listener: Listener): () => void {
    let set = this.events.get(event);
    if (set === undefined) this.events.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  off(event: string, listener: Listener): void {
    this.events.get(event)?.delete(listener);
  }

  onError(listener: (error: RequestError) => void): () => void {
    this.errors.add(listener);
    return () => this.errors.delete(listener);
  }

  /** An event: `message` doubles as its meta (it carries `topic`, `offset`, `seq` when positioned). */
  deliver(message: { event?: unknown; data?: unknown }): void {
    const set = this.events.get(message.event as string);
    if (set !== undefined) for (const listener of set) listener(message.data, message as EventMeta);
  }

  failed(error: RequestError): void {
    for (const listener of this.errors) listener(error);
  }
}
