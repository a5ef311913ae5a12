// Counters of one typed dispatcher (`protocol.handle()`, a gateway's `@SubscribeMessage` methods): per client event,
// how many arrived, how their handlers failed, and how long requests waited for their reply, as histogram buckets.
// The dispatcher bumps them; `bunwire/metrics` finds them on the handlers object under PROTOCOL_STATS and reads them
// when scraped. No clock is read for a handler that answers synchronously: see `EventStats.replied`.

import { KeyedCounts } from "./stats.ts";

/** Where the dispatcher's counters hang on the handlers object it returns (engine routes carry the handlers). */
export const PROTOCOL_STATS: unique symbol = Symbol.for("bunwire.protocolStats");

/** Upper bounds of the reply-latency buckets, in seconds (Prometheus `le`); the last bucket is +Inf. */
export const LATENCY_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class EventStats {
  /** Messages for this event that reached the dispatcher (before validation). */
  received = 0;
  /** Validation failures and handler errors, per code (VALIDATION_FAILED, HANDLER_ERROR, your own codes). */
  readonly errors = new KeyedCounts<string>();
  /** Requests answered, per latency bucket (not cumulative; index LATENCY_BUCKETS.length is +Inf). */
  readonly buckets = new Float64Array(LATENCY_BUCKETS.length + 1);
  /** Seconds spent by every answered request. */
  sum = 0;

  constructor(readonly event: string) {}

  /**
   * A request was answered. `startedAt` is `performance.now()` when its handler (or validator) returned a promise,
   * or 0 when it answered synchronously: that costs microseconds and is counted in the first bucket without
   * reading the clock, which keeps the synchronous request/ack path free of timer calls.
   */
  replied(startedAt: number): void {
    if (startedAt === 0) {
      this.buckets[0]!++;
      return;
    }
    const seconds = (performance.now() - startedAt) / 1000;
    this.sum += seconds;
    let index = 0;
    while (index < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[index]!) index++;
    this.buckets[index]!++;
  }

  /** Requests answered so far. */
  get replies(): number {
    let total = 0;
    for (const count of this.buckets) total += count;
    return total;
  }
}

/** One dispatcher's counters: the protocol's name labels them (a gateway without a protocol: `gateway:<path>`). */
export class ProtocolStats {
  readonly events = new Map<string, EventStats>();
  /** Frames no event took, per code (INVALID_JSON, INVALID_ENVELOPE, UNKNOWN_EVENT, UNSUPPORTED_CODEC, RATE_LIMITED). */
  readonly rejections = new KeyedCounts<string>();

  constructor(readonly protocol: string) {}

  event(name: string): EventStats {
    let stats = this.events.get(name);
    if (stats === undefined) this.events.set(name, (stats = new EventStats(name)));
    return stats;
  }
}

/** The dispatcher counters a handlers object carries, if it is a typed dispatcher's. */
export function protocolStatsOf(handlers: object): ProtocolStats | undefined {
  return (handlers as { [PROTOCOL_STATS]?: ProtocolStats })[PROTOCOL_STATS];
}
