// The generator's command-line contract: the runner passes one JSON object, the generator prints one JSON line.

import type { Wire } from "./wire.ts";
import type { WindowStats } from "./proc.ts";

export interface Target {
  host: string;
  port: number;
  /** the process(es) whose CPU time is the server side's cost */
  serverPid: number | number[];
  wire: Wire;
}

export interface Timing {
  warmupMs: number;
  windowMs: number;
}

export type LoadJob =
  | ({
      mode: "echo" | "rpc";
      path: string;
      connections: number;
      inflight: number;
      /**
       * rpc only: every request carries an idempotency key never sent before, as bunwire's client sends them (the
       * first `"<run><connection>:<n>"` with `"keys":"id"`, then the ids alone, bench/load/wire.ts), or with
       * "strings" all as strings
       */
      keyed?: boolean | "strings";
    } & Target &
      Timing)
  | ({
      mode: "fanout";
      subPath: string;
      pubPath: string;
      /** publisher on another instance (cross-instance fan-out); default: `port` */
      pubPort?: number;
      subscribers: number;
      inflight: number;
      /** the publisher writes whole batches of this many messages (default inflight / 4) */
      batch?: number;
      /** after the window: closed-loop latency probe for this long (one message at a time) */
      latencyMs?: number;
    } & Target &
      Timing)
  | ({ mode: "upgrade"; path: string; headers?: Record<string, string>; concurrency: number } & Target & Timing)
  | ({ mode: "idle"; path: string; origin?: string; connections: number; concurrency: number; settleMs: number; churn?: number; hold?: number } & Target);

export interface LoadResult {
  mode: LoadJob["mode"] | "http";
  /** messages (echo/rpc round trips, fan-out deliveries, upgrades) counted in the window */
  count: number;
  /** count per second */
  rate: number;
  /** count per server CPU-second */
  perCpuSecond: number;
  stats: WindowStats;
  /** idle mode only */
  bytesPerConnection?: number;
  /** idle mode with `hold`: RSS growth per connection counted from the first one (held ones included) */
  bytesPerConnectionFromFirst?: number;
  /** idle mode on a Bun server: JS heap (bytes, objects, objects by type) each connection retains after a full GC */
  heapBytesPerConnection?: number;
  objectsPerConnection?: number;
  /** after GC: the JS heap's block capacity, mimalloc's live native bytes and its committed bytes, per connection */
  heapCapacityPerConnection?: number;
  mallocLivePerConnection?: number;
  mallocCommittedPerConnection?: number;
  /** RSS growth per connection between two readings each taken right after a full GC */
  rssAfterGcPerConnection?: number;
  /** the same after `Bun.shrink()` too (free heap pages given back): the memory the connections keep */
  rssShrunkPerConnection?: number;
  objectTypesPerConnection?: Record<string, number>;
  rssBefore?: number;
  rssAfter?: number;
  replySize?: number;
  /** fan-out with latencyMs: publish-to-delivery latency percentiles, milliseconds */
  latency?: { p50: number; p99: number; samples: number };
  errors: number;
  firstError?: string;
}
