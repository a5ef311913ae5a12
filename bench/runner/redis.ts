// Scenario 6: cross-instance fan-out through Redis, with publish-to-delivery p50/p99 latency.
// Two bunwire instances (bench/servers/bunwire-redis.ts) on one throwaway redis-server: 500 subscribers on
// instance B, the publisher on instance A. Compared, round by round, with raw Bun's single-instance fan-out
// measured the same way (the physical limit without any network hop). Server CPU = A + B + Redis.

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { LoadResult } from "../load/options.ts";
import { REPO_ROOT, routePath, SERVERS, SERVERS_DIR } from "../servers/registry.ts";
import { runGenerator, startRedis, startServer, type RunningServer } from "./children.ts";
import type { Settings } from "./scenarios.ts";
import type { Sample } from "./summary.ts";

export function redisPendingReason(): string | null {
  if (!existsSync(join(REPO_ROOT, "src/redis/index.ts"))) return "pending: bunwire/redis (src/redis/index.ts) has not landed";
  if (!existsSync(join(SERVERS_DIR, "bunwire-redis.ts"))) return "pending: bench/servers/bunwire-redis.ts not written yet";
  if (!Bun.which("redis-server")) return "pending: redis-server not installed on this machine";
  return null;
}

const LATENCY_MS = 1000;

export async function runRedisScenario(cfg: Settings, samples: Sample[], log: (s: string) => void): Promise<void> {
  const raw = SERVERS.find((s) => s.id === "raw-bun")!;
  const spec = SERVERS.find((s) => s.id === "bunwire-redis")!;
  const fanout = (port: number, pid: number | number[], pubPort?: number) => ({
    mode: "fanout" as const,
    subPath: routePath(raw, "fanout"),
    pubPath: routePath(raw, "publish"),
    pubPort,
    subscribers: cfg.subscribers,
    inflight: cfg.publisherInflight,
    batch: cfg.publisherBatch,
    latencyMs: LATENCY_MS,
    host: "127.0.0.1",
    port,
    serverPid: pid,
    wire: "plain" as const,
    warmupMs: cfg.warmupMs,
    windowMs: cfg.windowMs,
  });
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

  for (let round = 0; round < cfg.rounds; round++) {
    const steps = [
      () =>
        record("raw-bun", round, async () => {
          const s = await startServer(raw);
          try {
            return await runGenerator(fanout(s.port, s.pid));
          } finally {
            await s.stop();
          }
        }),
      () =>
        record("bunwire-redis", round, async () => {
          const started: RunningServer[] = [];
          try {
            const redis = await startRedis();
            started.push(redis);
            const env = { BENCH_REDIS_URL: `redis://127.0.0.1:${redis.port}` };
            const a = await startServer(spec, env);
            started.push(a);
            const b = await startServer(spec, env);
            started.push(b);
            return await runGenerator(fanout(b.port, [a.pid, b.pid, redis.pid], a.port));
          } finally {
            for (const s of started.reverse()) await s.stop();
          }
        }),
    ];
    for (const step of round % 2 ? steps.reverse() : steps) await step();
  }
}
