// What a bus does while its broker is unreachable: keep the last `size` publishes (oldest dropped first),
// log one warning when the outage starts and one info line when it ends, then hand the buffer back in order.

import type { BusCounters } from "./stats.ts";

/** Where the bus's two outage lines go: a pino-compatible logger (`(obj, msg)`), or the console by default. */
export interface BusLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/** Prints the message only (the object is for structured loggers). */
export const consoleBusLogger: BusLogger = {
  warn: (_obj, msg) => console.warn(msg),
  info: (_obj, msg) => console.info(msg),
};

export class OutageBuffer<T> {
  #items: T[] = [];
  #head = 0;
  #dropped = 0;
  readonly #size: number;
  readonly #logger: BusLogger;
  readonly #name: string;
  readonly #stats: BusCounters;

  constructor(size: number, logger: BusLogger, name: string, stats: BusCounters) {
    this.#size = size;
    this.#logger = logger;
    this.#name = name;
    this.#stats = stats;
  }

  get down(): boolean {
    return this.#stats.downSince !== 0;
  }

  /** Idempotent: repeated connection errors during one outage log nothing more. */
  markDown(reason: string): void {
    if (this.#stats.downSince !== 0) return;
    this.#stats.downSince = Date.now();
    this.#stats.outages++;
    this.#logger.warn(
      { bus: this.#name, reason, bufferSize: this.#size },
      `[bunwire] ${this.#name} unreachable (${reason}); delivering locally, buffering up to ${this.#size} publishes for other instances until it is back`,
    );
  }

  push(item: T): void {
    this.#stats.buffered++;
    if (this.#size === 0) {
      this.#drop();
      return;
    }
    if (this.#items.length - this.#head >= this.#size) {
      this.#head++;
      this.#drop();
      // Compact in batches instead of shifting the array on every drop.
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
    }
    this.#items.push(item);
  }

  /** Ends the outage: returns what to resend, oldest first, and logs the one info line. */
  markUp(): T[] {
    const items = this.#items.slice(this.#head);
    const stats = this.#stats;
    if (stats.downSince !== 0) {
      const outageMs = Date.now() - stats.downSince;
      stats.pastOutageMs += outageMs;
      this.#logger.info(
        { bus: this.#name, outageMs, resent: items.length, dropped: this.#dropped, bufferSize: this.#size },
        `[bunwire] ${this.#name} back after ${outageMs} ms; resent ${items.length} buffered publishes, dropped ${this.#dropped} (buffer size ${this.#size})`,
      );
    }
    this.#items = [];
    this.#head = 0;
    this.#dropped = 0;
    stats.downSince = 0;
    return items;
  }

  #drop(): void {
    this.#dropped++;
    this.#stats.dropped++;
  }
}
