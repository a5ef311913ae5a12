// `bun bench/cross.ts <rounds> [id=file ...]`: the cross-instance A/B (issue 16). Each round, alternated: raw Bun's
// single-instance fan-out, then every clustered bunwire server as two instances on one throwaway Redis
// (500 subscribers on B, the publisher on A). Prints per round and as medians: deliveries per CPU-second summed
// over both instances (and with Redis), their ratio to raw Bun in the same round, and p50/p99 publish-to-delivery.
// `bunwire-redis=/abs/path/bench/servers/bunwire-redis.ts` runs another tree's server (main before a change).

import { median } from "./runner/summary.ts";
import { runGenerator, startServer } from "./runner/children.ts";
import { crossFanoutJob, onTwoInstances } from "./runner/redis.ts";
import { FULL } from "./runner/scenarios.ts";
import { routePath, SERVERS, type ServerSpec } from "./servers/registry.ts";
import type { LoadResult } from "./load/options.ts";

const [roundsS = "3", ...ids] = process.argv.slice(2);
const raw = SERVERS.find((s) => s.id === "raw-bun")!;
const redisSpec = SERVERS.find((s) => s.id === "bunwire-redis")!;
const specs: ServerSpec[] = (ids.length ? ids : ["bunwire-redis"]).map((arg) => {
  const [id, file] = arg.split("=") as [string, string | undefined];
  return file ? { ...redisSpec, id: arg, file } : SERVERS.find((s) => s.id === id)!;
});
const cfg = { ...FULL, warmupMs: 500, windowMs: 2000 };

const job = (spec: ServerSpec, port: number, pids: number[], pubPort?: number) => crossFanoutJob(cfg, spec, port, pids, pubPort);

interface Row {
  perCpu: number;
  perInstanceCpu: number;
  p50: number;
  p99: number;
  rate: number;
}
const rows: Record<string, Row[]> = {};
const ratios: Record<string, { all: number[]; instances: number[]; p99: number[] }> = {};

function record(id: string, r: LoadResult, instances: number): Row {
  const byPid = r.stats.serverCpuSecondsByPid ?? [r.stats.serverCpuSeconds];
  const instanceCpu = byPid.slice(0, instances).reduce((s, c) => s + c, 0);
  const row = { perCpu: r.perCpuSecond, perInstanceCpu: r.count / instanceCpu, p50: r.latency?.p50 ?? NaN, p99: r.latency?.p99 ?? NaN, rate: r.rate };
  (rows[id] ??= []).push(row);
  const cpu = byPid.map((c) => `${Math.round((c / r.stats.seconds) * 100)}%`).join(" + ");
  console.log(`${id}: ${Math.round(r.rate)} deliveries/s; per instance CPU-s ${Math.round(row.perInstanceCpu)}; with Redis ${Math.round(row.perCpu)}; CPU ${cpu}; p50 ${row.p50.toFixed(2)} p99 ${row.p99.toFixed(2)} ms`);
  return row;
}

for (let round = 0; round < Number(roundsS); round++) {
  const steps: (() => Promise<void>)[] = [
    async () => {
      const s = await startServer(raw);
      try {
        record("raw-bun", await runGenerator(job(raw, s.port, [s.pid])), 1);
      } finally {
        await s.stop();
      }
    },
    ...specs.map((spec) => async () => {
      record(spec.id, await onTwoInstances(spec, (a, b, redis) => runGenerator(job(spec, b.port, [a.pid, b.pid, redis.pid], a.port))), 2);
    }),
  ];
  for (const step of round % 2 ? steps.reverse() : steps) await step();
  const base = rows["raw-bun"]?.at(-1);
  for (const spec of specs) {
    const mine = rows[spec.id]?.at(-1);
    if (!base || !mine) continue;
    const r = (ratios[spec.id] ??= { all: [], instances: [], p99: [] });
    r.instances.push(mine.perInstanceCpu / base.perCpu);
    r.all.push(mine.perCpu / base.perCpu);
    r.p99.push(mine.p99 / base.p99);
  }
}
for (const [id, list] of Object.entries(rows)) {
  const m = (f: (x: Row) => number) => median(list.map(f));
  console.log(`MEDIAN ${id}: ${Math.round(m((x) => x.rate))}/s; per instance CPU-s ${Math.round(m((x) => x.perInstanceCpu))}; with Redis ${Math.round(m((x) => x.perCpu))}; p50 ${m((x) => x.p50).toFixed(2)} p99 ${m((x) => x.p99).toFixed(2)} ms`);
}
for (const [id, r] of Object.entries(ratios)) {
  console.log(`RATIO ${id}: instances ${median(r.instances).toFixed(2)}x, instances + Redis ${median(r.all).toFixed(2)}x, p99 ${median(r.p99).toFixed(2)}x raw Bun (medians of per-round ratios)`);
}
process.exit(0);
