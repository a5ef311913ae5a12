// The scenarios: what the generator is asked to do against one started server, per variant.
// Full and quick settings differ only in rounds and window lengths (and idle connection count).

import type { LoadJob } from "../load/options.ts";
import { MW_HEADERS } from "../servers/contract.ts";
import { routePath, type ScenarioId, type ServerSpec } from "../servers/registry.ts";

export interface Settings {
  quick: boolean;
  rounds: number;
  warmupMs: number;
  windowMs: number;
  upgradeWindowMs: number;
  /**
   * The upgrade scenario's warm-up: long enough for the JIT to finish. A fresh process spends its first ~2 s of
   * upgrades compiling the framework's upgrade path (JSC's JITWorker thread took ~15% of the server's CPU then, and
   * the App's rate climbed from 0.65x to 0.9x of raw Bun's: bench/findings.md), and raw Bun has almost nothing to compile.
   */
  upgradeWarmupMs: number;
  idleConnections: number;
  /**
   * Idle connections opened and held before the measured ones: the figure is what the next connections cost at
   * scale, not what the first ones cost while they fill the free space a process's start-up left (that part moves
   * with the size of a server's module graph; bench/findings.md, eleventh session). RSS counted from the first
   * connection is reported beside it.
   */
  idleHold: number;
  idleRounds: number;
  /** Wait before each idle-memory reading, so the server's memory settles (the tests use a few ms). */
  idleSettleMs: number;
  connections: number;
  inflight: number;
  subscribers: number;
  publisherInflight: number;
  publisherBatch: number;
  /** fan-out is the noisiest scenario (batching depends on timing): more rounds */
  fanoutRounds: number;
}

export const FULL: Settings = {
  quick: false,
  rounds: 5,
  warmupMs: 500,
  windowMs: 2000,
  upgradeWindowMs: 1500,
  upgradeWarmupMs: 2500,
  idleConnections: 10_000,
  idleHold: 5_000,
  idleRounds: 3,
  idleSettleMs: 1000,
  connections: 64,
  inflight: 32,
  subscribers: 500,
  publisherInflight: 32,
  publisherBatch: 8,
  fanoutRounds: 7,
};

export const QUICK: Settings = { ...FULL, quick: true, rounds: 1, fanoutRounds: 1, idleRounds: 1, idleHold: 2000, warmupMs: 300, windowMs: 1000, upgradeWindowMs: 1000, upgradeWarmupMs: 300, idleConnections: 5000 };

export interface ScenarioInfo {
  id: ScenarioId;
  title: string;
  unit: string;
  /** The server every ratio of this scenario divides by. */
  baseline: string;
  /** true: bigger is better (throughput); false: smaller is better (memory). */
  higherIsBetter: boolean;
}

export const SCENARIOS: ScenarioInfo[] = [
  { id: "echo", title: "Echo throughput (64 B text, 64 conns x 32 in flight)", unit: "msg/s", baseline: "raw-bun", higherIsBetter: true },
  { id: "fanout", title: "Fan-out: 1 publisher -> 500 subscribers", unit: "deliveries/s", baseline: "raw-bun", higherIsBetter: true },
  { id: "upgrade", title: "Upgrade rate: bare vs auth + session middleware", unit: "upgrades/server CPU-s", baseline: "raw-bun", higherIsBetter: true },
  { id: "idle", title: "Idle memory per connection", unit: "bytes/conn", baseline: "raw-bun", higherIsBetter: false },
  { id: "rpc", title: "Typed request/ack round trips", unit: "acks/s", baseline: "raw-bun", higherIsBetter: true },
  { id: "http", title: "HTTP: JSON GET behind two middlewares (issue 18)", unit: "answers/server CPU-s", baseline: "raw-bun", higherIsBetter: true },
  { id: "redis", title: "Cross-instance fan-out through Redis (p50/p99 latency)", unit: "deliveries/s", baseline: "raw-bun", higherIsBetter: true },
];

export interface Measurement {
  variant: string;
  job: LoadJob;
}

/** The generator jobs for one started server. `round` alternates the order of variants. */
export function measurements(id: ScenarioId, s: ServerSpec, port: number, pid: number, cfg: Settings, round: number): Measurement[] {
  const target = { host: "127.0.0.1", port, serverPid: pid, wire: s.wire };
  const timing = { warmupMs: cfg.warmupMs, windowMs: cfg.windowMs };
  switch (id) {
    case "echo":
      return [{ variant: "", job: { mode: "echo", path: routePath(s, "echo"), connections: cfg.connections, inflight: cfg.inflight, ...target, ...timing } }];
    case "rpc":
      return [{ variant: "", job: { mode: "rpc", path: routePath(s, "rpc"), connections: cfg.connections, inflight: cfg.inflight, ...target, ...timing } }];
    case "fanout":
      return [
        {
          variant: "",
          job: { mode: "fanout", subPath: routePath(s, "fanout"), pubPath: routePath(s, "publish"), subscribers: cfg.subscribers, inflight: cfg.publisherInflight, batch: cfg.publisherBatch, ...target, ...timing },
        },
      ];
    case "upgrade": {
      const t = { warmupMs: cfg.upgradeWarmupMs, windowMs: cfg.upgradeWindowMs };
      const bare: Measurement = { variant: "bare", job: { mode: "upgrade", path: routePath(s, "up"), concurrency: 64, ...target, ...t } };
      const mw: Measurement = { variant: "2 middlewares", job: { mode: "upgrade", path: routePath(s, "up-mw"), headers: MW_HEADERS, concurrency: 64, ...target, ...t } };
      if (s.noUpgradeMiddleware !== undefined) return [bare];
      return round % 2 ? [mw, bare] : [bare, mw];
    }
    case "idle":
      return [{ variant: "", job: { mode: "idle", path: routePath(s, "echo"), origin: s.origin, connections: cfg.idleConnections, hold: cfg.idleHold, concurrency: 200, settleMs: cfg.idleSettleMs, ...target } }];
    case "redis":
      return []; // hook: see bench/runner/redis.ts
    case "http":
      return []; // hook: see bench/runner/http.ts
  }
}
