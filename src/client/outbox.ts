// What the client sends: emits and requests go out at once when connected, otherwise into a bounded queue
// flushed in order after reconnecting; requests wait for their ack (or error, timeout, disconnect) by id.

import { ClientError, RequestError } from "./errors.ts";

export interface Outgoing {
  event: string;
  data: unknown;
  id?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
  /** On the wire: a lost connection means no ack will ever come for it. */
  sent: boolean;
}

export interface OutboxLimits {
  maxQueue: number;
  overflow: "drop-oldest" | "reject";
  onDrop: ((event: string, data: unknown) => void) | undefined;
}

export class Outbox {
  private readonly queue: Outgoing[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** `transmit` sends one entry on the open socket, or returns false if there is none. */
  constructor(private readonly limits: OutboxLimits, private readonly transmit: (entry: Outgoing) => boolean) {}

  /** Sends now when `connected`, else queues (the overflow policy may drop or throw). */
  push(entry: Outgoing, connected: boolean): void {
    if (connected && this.send(entry)) return;
    if (this.queue.length >= this.limits.maxQueue) {
      if (this.limits.overflow === "reject" || this.limits.maxQueue === 0) return this.drop(entry, true);
      this.drop(this.queue.shift()!, false);
    }
    this.queue.push(entry);
  }

  request(event: string, data: unknown, timeout: number, connected: boolean): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.expire(id, event, timeout), timeout);
      this.pending.set(id, { resolve, reject, timer, sent: false });
      this.push({ event, data, id }, connected);
    });
  }

  /** Sends the queue in order; if the socket goes away midway, the rest stays queued, still in order. */
  flush(): void {
    while (this.queue.length > 0) {
      if (!this.send(this.queue[0]!)) return;
      this.queue.shift();
    }
  }

  /** An ack (`{ ack }`), a server error reply (`{ error }`), or a local failure for request `id`. */
  settle(id: number, outcome: Error | { ack?: unknown; error?: unknown }): void {
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (outcome instanceof Error) pending.reject(outcome);
    else if (outcome.error !== undefined) pending.reject(new RequestError(outcome.error));
    else pending.resolve(outcome.ack);
  }

  /** Requests already on the wire cannot be acked by the next connection; queued ones stay queued. */
  disconnected(code: number): void {
    for (const [id, pending] of this.pending) {
      if (pending.sent) this.settle(id, new ClientError("DISCONNECTED", `connection lost (${code}) before the ack`));
    }
  }

  /** Drops everything: the client is closed for good. */
  clear(error: Error): void {
    this.queue.length = 0;
    for (const id of [...this.pending.keys()]) this.settle(id, error);
  }

  private send(entry: Outgoing): boolean {
    if (!this.transmit(entry)) return false;
    if (entry.id !== undefined) {
      const pending = this.pending.get(entry.id);
      if (pending !== undefined) pending.sent = true;
    }
    return true;
  }

  private drop(entry: Outgoing, thrownToCaller: boolean): void {
    const error = new ClientError("QUEUE_FULL", `offline queue is full (${this.limits.maxQueue}): "${entry.event}" dropped`);
    this.limits.onDrop?.(entry.event, entry.data);
    if (entry.id !== undefined) this.settle(entry.id, error);
    else if (thrownToCaller) throw error;
  }

  private expire(id: number, event: string, timeout: number): void {
    const index = this.queue.findIndex((entry) => entry.id === id);
    if (index >= 0) this.queue.splice(index, 1);
    this.settle(id, new ClientError("TIMEOUT", `no ack for "${event}" within ${timeout} ms`));
  }
}
