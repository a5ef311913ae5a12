// An in-process stand-in for a bus, for engine tests that only need to see what the engine calls on it.
// Real cross-instance behaviour is tested on Redis and NATS (test/bus/contract.ts).

import type { Bus, BusStats } from "../../src/bus/contract.ts";

const NO_STATS: BusStats = { publishes: 0, receives: 0, buffered: 0, dropped: 0, outages: 0, outageMs: 0, lastLagMs: 0, meanLagMs: 0, roundTrips: 0, lastRoundTripMs: 0, meanRoundTripMs: 0 };

export function fakeBus(overrides: Partial<Bus> = {}): Bus {
  return {
    instanceId: "0000000000000000",
    connected: true,
    stats: NO_STATS,
    connect: async () => {},
    publish() {},
    subscribe: async () => {},
    unsubscribe() {},
    onStateChange: () => () => {},
    request: async () => ({ replies: [], missing: [], failed: [] }),
    onRequest: () => () => {},
    members: () => [],
    close: async () => {},
    ...overrides,
  };
}
