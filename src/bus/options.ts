// The options every bus driver takes, with the same names, defaults and checks (drivers add their own).

import type { LocalCount } from "./contract.ts";
import type { BusLogger } from "./outage.ts";

/** The options every driver takes, with the same names and defaults. */
export interface BusOptions {
  /** Publishes kept for other instances while the broker is unreachable; the oldest is dropped first (default 10,000). */
  bufferSize?: number;
  /** Where the one outage warning and the one recovery line go (default: the console). Pino-compatible. */
  logger?: BusLogger;
  /** How long a cluster request (and `clusterSubscriberCount`) waits for answers by default (default 1000 ms). */
  requestTimeoutMs?: number;
  /** How often this instance tells the others it is alive; it is forgotten after three missed beats (default 5000 ms). */
  heartbeatMs?: number;
  /** This instance's local subscriber count per topic. The engine supplies it through `connect`; set it only when
   *  driving the bus without the engine. */
  localCount?: LocalCount;
}

/** The names every driver takes; a driver adds its own and refuses any other (`unknownOption`). */
export const BUS_OPTION_KEYS = Object.keys({
  bufferSize: true,
  logger: true,
  requestTimeoutMs: true,
  heartbeatMs: true,
  localCount: true,
} satisfies { readonly [K in keyof Required<BusOptions>]: true });

/** The checked values; `invalid` builds the driver's named option error (REDIS_BUS_OPTIONS, NATS_BUS_OPTIONS). */
export function checkBusOptions(options: BusOptions & { flushDelayMs: number }, invalid: (message: string) => Error) {
  const bufferSize = options.bufferSize ?? 10_000;
  if (!Number.isInteger(bufferSize) || bufferSize < 0) throw invalid(`bufferSize must be an integer >= 0, got ${bufferSize}`);
  const requestTimeoutMs = options.requestTimeoutMs ?? 1000;
  if (!(requestTimeoutMs > 0 && requestTimeoutMs < 2 ** 31)) throw invalid(`requestTimeoutMs must be a number of ms > 0, got ${requestTimeoutMs}`);
  const heartbeatMs = options.heartbeatMs ?? 5000;
  if (!Number.isInteger(heartbeatMs) || heartbeatMs < 10 || heartbeatMs >= 2 ** 31) throw invalid(`heartbeatMs must be an integer of ms >= 10, got ${heartbeatMs}`);
  const flushDelayMs = options.flushDelayMs;
  if (!(flushDelayMs >= 0 && flushDelayMs < 2 ** 31)) throw invalid(`flushDelayMs must be a number of ms >= 0, got ${flushDelayMs}`);
  return { bufferSize, requestTimeoutMs, heartbeatMs, flushDelayMs };
}
