// What the client sends: emits and requests go out at once when connected, otherwise into a bounded queue
// flushed in order after reconnecting; requests wait for their ack (or error, timeout, abort, disconnect) by id.
// A request with an idempotency key that is on the wire when the connection drops is not failed: it goes back to
// the front of the queue and is sent again, same key, after reconnecting (the server answers a repeat once).

import { ClientError, RequestError } from "./errors.ts";

export interface Outgoing {
  event: string;
  data: unknown;
  id?: number;
  /** Idempotency key: the server runs the handler once per key and answers repeats with the first reply. */
  key?: string;
  /** With `key` (`<clientId>:<session>:<id>`): `"id"`, the connection's later requests are keyed by their ids. */
  keys?: "id";
}

export interface RequestOptions {
  timeout: number;
  /** Prefix of the request's idempotency key (`<clientId>:<session>`); none: the request has no key. */
  keyPrefix: string | undefined;
  signal: AbortSignal | undefined;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
  /** On the wire: a lost connection means no ack will ever come for it (unless it has a key: then it is resent). */
  sent: boolean;
  readonly entry: Outgoing;
  readonly signal: AbortSignal | undefined;
  abort: (() => void) | undefined;
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

  request(event: string, data: unknown, options: RequestOptions, connected: boolean): Promise<unknown> {
    const id = this.nextId++;
    const { timeout, signal } = options;
    if (signal?.aborted === true) return Promise.reject(aborted(event, signal));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.expire(id, `no ack for "${event}" within ${timeout} ms`, "TIMEOUT"), timeout);
      const entry: Outgoing = options.keyPrefix === undefined ? { event, data, id } : { event, data, id, key: `${options.keyPrefix}:${id}`, keys: "id" };
      const pending: Pending = { resolve, reject, timer, sent: false, entry, signal, abort: undefined };
      if (signal !== undefined) {
        pending.abort = () => this.expire(id, "", "ABORTED");
        signal.addEventListener("abort", pending.abort, { once: true });
      }
      this.pending.set(id, pending);
      this.push(entry, connected);
    });
  }

  /** Sends the queue in order; if the socket goes away midway, the rest stays queued, still in order. */
  flush(): void {
    while (this.queue.length > 0) {
      if (!this.send(this.queue[0]!)) return;
      this.queue.shift();
    }
  }

  /** Is request `id` waiting for its ack with an idempotency key? */
  keyed(id: number): boolean {
    return this.pending.get(id)?.entry.key !== undefined;
  }

  /** An ack (`{ ack }`), a server error reply (`{ error }`), or a local failure for request `id`. */
  settle(id: number, outcome: Error | { ack?: unknown; error?: unknown }): void {
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (pending.abort !== undefined) pending.signal!.removeEventListener("abort", pending.abort);
    if (outcome instanceof Error) pending.reject(outcome);
    else if (outcome.error !== undefined) pending.reject(new RequestError(outcome.error));
    else pending.resolve(outcome.ack);
  }

  /**
   * Requests already on the wire cannot be acked by the next connection: they fail with DISCONNECTED, except those
   * with a key, which go back to the front of the queue (in their order) to be sent again. Queued ones stay queued.
   */
  disconnected(code: number): void {
    const resend: Outgoing[] = [];
    for (const [id, pending] of this.pending) {
      if (!pending.sent) continue;
      if (pending.entry.key === undefined) {
        this.settle(id, new ClientError("DISCONNECTED", `connection lost (${code}) before the ack`));
        continue;
      }
      pending.sent = false;
      resend.push(pending.entry);
    }
    // Map order is id order: the resent requests keep the order they were first sent in, ahead of later ones.
    if (resend.length > 0) this.queue.unshift(...resend);
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

  /** A request's timeout or abort: it leaves the queue if still there, and a late ack is ignored. */
  private expire(id: number, message: string, code: "TIMEOUT" | "ABORTED"): void {
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    const index = this.queue.indexOf(pending.entry);
    if (index >= 0) this.queue.splice(index, 1);
    this.settle(id, code === "ABORTED" ? aborted(pending.entry.event, pending.signal!) : new ClientError("TIMEOUT", message));
  }
}

function aborted(event: string, signal: AbortSignal): ClientError {
  return new ClientError("ABORTED", `request "${event}" aborted`, signal.reason);
}
