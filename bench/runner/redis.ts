// Scenario 6: cross-instance fan-out through Redis, with publish-to-delivery p50/p99 latency.
// Two instances of each clustered server (bunwire + redisBus, Socket.IO + its Redis adapter) on one throwaway
// redis-server: 500 subscribers on instance B, the publisher on instance A. Compared, round by round, with raw Bun's single-instance fan-out
// measured the same way (the physical limit without any network hop). Server CPU = A + B + Redis.

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { LoadResult } from "../load/options.ts";
import { REPO_ROOT, routePath, SERVERS, SERVERS_DIR, type ServerSpec } from "../servers/registry.ts";
import { runGenerator, startRedis, startServer, type RunningServer } from "./children.ts";
import type { Settings } from "./scenarios.ts";
import type { Sample } from "./summary.ts";

export function redisPendingReason(spec: ServerSpec): string | null {
  const missing = spec.needs.filter((p) => !existsSync(join(REPO_ROOT, p)));
  if (missing.length) return `pending: ${missing.join(", ")} not in the tree yet`;
  if (!existsSync(join(SERVERS_DIR, spec.file))) return `pending: bench/servers/${spec.file} not written yet`;
  if (!Bun.which("redis-server")) return "pending: redis-server not installed on this machine";
  return null;
}

const LATENCY_MS = 1000;

/** The fan-out job of the cross-instance scenario: subscribers on `port`, the publisher on `pubPort` (or `port`). */
export function crossFanoutJob(cfg: Settings, spec: ServerSpec, port: number, pid: number | number[], pubPort?: number) {
  return {
    mode: "fanout" as const,
    subPath: routePath(spec, "fanout"),
    pubPath: routePath(spec, "publish"),
    pubPort,
    subscribers: cfg.subscribers,
    inflight: cfg.publisherInflight,
    batch: cfg.publisherBatch,
    latencyMs: LATENCY_MS,
    host: "127.0.0.1",
    port,
    serverPid: pid,
    wire: spec.wire,
    warmupMs: cfg.warmupMs,
    windowMs: cfg.windowMs,
  };
}

/** Two instances of `spec` on a throwaway Redis (A, B, Redis), stopped in reverse order once `run` settles. */
export async function onTwoInstances<T>(spec: ServerSpec, run: (a: RunningServer, b: RunningServer, redis: RunningServer) => Promise<T>): Promise<T> {
  const started: RunningServer[] = [];
  try {
    const redis = await startRedis();
    started.push(redis);
    const env = { BENCH_REDIS_URL: `redis://127.0.0.1:${redis.port}` };
    const a = await startServer(spec, env);
    started.push(a);
    const b = await startServer(spec, env);
    started.push(b);
    return await run(a, b, redis);
  } finally {
    for (const s of started.reverse()) await s.stop();
  }
}

/** The servers of scenario 6 that run as two instances on one Redis (bunwire + redisBus, Socket.IO's Redis adapter). */
export const CLUSTERED = ["bunwire-redis", "socketio-redis"];

export async function runRedisScenario(cfg: Settings, samples: Sample[], log: (s: string) => void, ids: string[] = CLUSTERED): Promise<void> {
  const raw = SERVERS.find((s) => s.id === "raw-bun")!;
  const fanout = (spec: ServerSpec, port: number, pid: number | number[], pubPort?: number) => crossFanoutJob(cfg, spec, port, pid, pubPort);
  const record = (server: string, round: number, run: () => Promise<LoadResult>) =>
    run().then(
      (result) => {
        samples.push({ scenario: "redis", server, variant: "", round, result });
        log(`redis r${round} ${server}: ${Math.round(result.rate)} deliveries/s; p50 ${result.latency?.p50.toFixed(2)} ms p99 ${result.latency?.p99.toFixed(2)} ms`);
      },
      (e: Error) => {
        samples.push({ scenario: "redis", server, variant: "", round, error: e.message });
        log(`redis r${round} ${server}: ${e.message.slice(0, 200)}`);
      },
    );
  // Two instances of `spec` on a throwaway Redis: subscribers on B, the publisher on A; server CPU = A + B + Redis.
  const clustered = (spec: ServerSpec, round: number) => () =>
    record(spec.id, round, () => onTwoInstances(spec, (a, b, redis) => runGenerator(fanout(spec, b.port, [a.pid, b.pid, redis.pid], a.port))));

  for (let round = 0; round < cfg.rounds; round++) {
    const steps = [
      () =>
        record("raw-bun", round, async () => {
          const s = await startServer(raw);
          try {
            return await runGenerator(fanout(raw, s.port, s.pid));
          } finally {
            await s.stop();
          }
        }),
      ...ids.map((id) => clustered(SERVERS.find((s) => s.id === id)!, round)),
    ];
    for (const step of round % 2 ? steps.reverse() : steps) await step();
  }
}
