// What a bus does while its broker is unreachable: keep the last `size` publishes (oldest dropped first),
// log one warning when the outage starts and one info line when it ends, then hand the buffer back in order.

export interface BusLogger {
  warn(message: string): void;
  info(message: string): void;
}

export interface OutageStats {
  /** Publishes buffered during the last outage and sent after it. */
  flushed: number;
  /** Publishes dropped because the buffer was full (the oldest went first). */
  dropped: number;
}

export class OutageBuffer<T> {
  private items: T[] = [];
  private head = 0;
  private dropped = 0;
  private downSince = 0;

  constructor(
    private readonly size: number,
    private readonly logger: BusLogger,
    private readonly name: string,
  ) {}

  get down(): boolean {
    return this.downSince !== 0;
  }

  /** Idempotent: repeated connection errors during one outage log nothing more. */
  markDown(reason: string): void {
    if (this.downSince !== 0) return;
    this.downSince = Date.now();
    this.logger.warn(`[bunwire] ${this.name} unreachable (${reason}); delivering locally, buffering up to ${this.size} publishes for other instances until it is back`);
  }

  push(item: T): void {
    if (this.size === 0) {
      this.dropped++;
      return;
    }
    if (this.items.length - this.head >= this.size) {
      this.head++;
      this.dropped++;
      // Compact in batches instead of shifting the array on every drop.
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
    }
    this.items.push(item);
  }

  /** Ends the outage: returns what to resend, oldest first, and logs the one info line. */
  markUp(): { items: T[]; stats: OutageStats } {
    const items = this.items.slice(this.head);
    const stats = { flushed: items.length, dropped: this.dropped };
    if (this.downSince !== 0) {
      const ms = Date.now() - this.downSince;
      this.logger.info(`[bunwire] ${this.name} back after ${ms} ms; resent ${stats.flushed} buffered publishes, dropped ${stats.dropped} (buffer size ${this.size})`);
    }
    this.items = [];
    this.head = 0;
    this.dropped = 0;
    this.downSince = 0;
    return { items, stats };
  }
}
