// The bus's counters: plain fields bumped with `++` where the work happens, derived values computed only when
// read, so metrics cost the publish and receive paths nothing but an integer increment.

import type { BusStats } from "./contract.ts";

export class BusCounters implements BusStats {
  publishes = 0;
  receives = 0;
  buffered = 0;
  dropped = 0;
  outages = 0;
  lastLagMs = 0;
  /** Sum of every received message's lag, for the mean. */
  lagTotalMs = 0;
  /** Milliseconds of outages that ended. */
  pastOutageMs = 0;
  /** When the current outage started (0: none). */
  downSince = 0;
  roundTrips = 0;
  lastRoundTripMs = 0;
  /** Sum of every measured round trip, for the mean. */
  roundTripTotalMs = 0;

  get outageMs(): number {
    return this.pastOutageMs + (this.downSince === 0 ? 0 : Date.now() - this.downSince);
  }

  get meanLagMs(): number {
    return this.receives === 0 ? 0 : this.lagTotalMs / this.receives;
  }

  get meanRoundTripMs(): number {
    return this.roundTrips === 0 ? 0 : this.roundTripTotalMs / this.roundTrips;
  }

  /** A probe came back (membership heartbeat, once per beat: off the publish path). */
  roundTrip(ms: number): void {
    this.roundTrips++;
    this.lastRoundTripMs = ms;
    this.roundTripTotalMs += ms;
  }

  /** What metrics read: a snapshot of every counter. */
  toJSON(): BusStats {
    const { publishes, receives, buffered, dropped, outages, outageMs, lastLagMs, meanLagMs, roundTrips, lastRoundTripMs, meanRoundTripMs } = this;
    return { publishes, receives, buffered, dropped, outages, outageMs, lastLagMs, meanLagMs, roundTrips, lastRoundTripMs, meanRoundTripMs };
  }
}
