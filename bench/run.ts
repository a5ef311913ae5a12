// `npm run bench` (full, ~17 min on 2 cores) or `npm run bench -- --quick` (~2 min).
// Options: --only=echo,fanout  --servers=raw-bun,elysia  --rounds=N  --no-write
// Writes bench/RESULTS.md, bench/results.svg and bench/results.json.

import { cpus, loadavg, release } from "node:os";
import { join } from "node:path";
import { renderMarkdown, type RunInfo } from "./report/markdown.ts";
import { readFindings } from "./report/findings.ts";
import { renderSvg } from "./report/svg.ts";
import { HAS_TASKSET, runGenerator, startServer, type RunningServer } from "./runner/children.ts";
import { runHttpScenario } from "./runner/http.ts";
import { CLUSTERED, redisPendingReason, runRedisScenario } from "./runner/redis.ts";
import { FULL, measurements, QUICK, SCENARIOS, type Settings } from "./runner/scenarios.ts";
import { median, summarize, type Row, type Sample } from "./runner/summary.ts";
import { HTTP_SERVERS } from "./servers/http/registry.ts";
import { pendingReason, SERVERS, type ScenarioId, type ServerSpec } from "./servers/registry.ts";

const args = process.argv.slice(2);
const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const cfg: Settings = { ...(args.includes("--quick") ? QUICK : FULL) };
if (opt("rounds")) cfg.rounds = Number(opt("rounds"));
const onlyScenarios = opt("only")?.split(",") as ScenarioId[] | undefined;
const onlyServers = opt("servers")?.split(",");

const started = performance.now();
const loadBefore = loadavg().map((l) => l.toFixed(2)).join(" ");
// The 1-minute load average every 10 s: how busy the shared machine was while we measured (2 of it is this run).
const loadSamples: number[] = [];
const loadTimer = setInterval(() => loadSamples.push(loadavg()[0]!), 10_000);
const log = (s: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)}s] ${s}`);

const pending = new Map<string, string>();
const servers: ServerSpec[] = SERVERS.filter((s) => s.id === "raw-bun" || !onlyServers || onlyServers.includes(s.id));
// The HTTP scenario has servers of its own (bench/servers/http), all kept up across its rounds.
const httpServers: ServerSpec[] = HTTP_SERVERS.filter((s) => s.id === "raw-bun" || !onlyServers || onlyServers.includes(s.id));
for (const s of servers) {
  const why = CLUSTERED.includes(s.id) ? redisPendingReason(s) : pendingReason(s);
  if (why) pending.set(s.id, why);
}

let current: RunningServer | null = null;
process.on("SIGINT", async () => {
  await current?.stop();
  process.exit(130);
});

const samples: Sample[] = [];
for (const sc of SCENARIOS) {
  if (onlyScenarios && !onlyScenarios.includes(sc.id)) continue;
  const runnable = servers.filter((s) => s.scenarios.includes(sc.id) && !pending.has(s.id));
  if (sc.id === "http") {
    await runHttpScenario(cfg, samples, log, httpServers);
    continue;
  }
  if (sc.id === "redis") {
    const clustered = runnable.filter((s) => CLUSTERED.includes(s.id)).map((s) => s.id);
    if (clustered.length) await runRedisScenario(cfg, samples, log, clustered);
    continue;
  }
  if (!runnable.length) continue;
  const rounds = sc.id === "idle" ? cfg.idleRounds : sc.id === "fanout" ? Math.max(cfg.rounds, cfg.fanoutRounds) : cfg.rounds;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...runnable].reverse() : runnable;
    for (const s of order) {
      try {
        current = await startServer(s);
      } catch (e) {
        samples.push({ scenario: sc.id, server: s.id, variant: "", round, error: (e as Error).message });
        log(`${sc.id} ${s.id}: server failed: ${(e as Error).message.slice(0, 200)}`);
        continue;
      }
      for (const m of measurements(sc.id, s, current.port, current.pid, cfg, round)) {
        try {
          const result = await runGenerator(m.job);
          samples.push({ scenario: sc.id, server: s.id, variant: m.variant, round, result });
          const fig = sc.id === "idle" ? `${Math.round(result.bytesPerConnection ?? NaN)} B/conn` : `${Math.round(result.rate)}/s, ${Math.round(result.perCpuSecond)}/cpu-s`;
          log(`${sc.id}${m.variant ? ` (${m.variant})` : ""} r${round} ${s.id}: ${fig}; server ${Math.round(result.stats.serverCpuShare * 100)}% gen ${Math.round(result.stats.genCpuShare * 100)}%${result.errors ? `; ${result.errors} errors` : ""}`);
        } catch (e) {
          samples.push({ scenario: sc.id, server: s.id, variant: m.variant, round, error: (e as Error).message });
          log(`${sc.id} ${s.id}: ${(e as Error).message.slice(0, 200)}`);
        }
      }
      await current.stop();
      current = null;
    }
  }
}

clearInterval(loadTimer);
const rows: Row[] = summarize(samples, [...servers, ...httpServers], pending).filter((r) => !onlyScenarios || onlyScenarios.includes(r.scenario));

function generatorCheck(): string[] {
  const out: string[] = [];
  for (const r of rows.filter((x) => x.server === "raw-bun" && x.status === "ok" && x.scenario !== "idle")) {
    const verdict =
      r.genCpuShare >= 0.95 ? "the generator is the limit: compare by msgs per server CPU-second" : r.serverCpuShare >= 0.9 ? "saturated: the server is the limit, the generator has headroom" : "server not saturated";
    out.push(`${r.scenario}${r.variant ? ` (${r.variant})` : ""} against raw Bun: server process at ${Math.round(r.serverCpuShare * 100)}% of its core, generator at ${Math.round(r.genCpuShare * 100)}% of its core → ${verdict}.`);
  }
  return out;
}

async function version(cmd: string[]): Promise<string> {
  try {
    return (await new Response(Bun.spawn(cmd, { stdout: "pipe", stderr: "ignore" }).stdout).text()).trim();
  } catch {
    return "unknown";
  }
}

/** Versions of the peers and of Redis, as installed. */
async function peerVersions(): Promise<string> {
  const pkgs = ["elysia", "hono", "ws", "socket.io", "@socket.io/redis-adapter", "ioredis", "zod"];
  const out: string[] = [];
  for (const name of pkgs) {
    try {
      out.push(`${name} ${((await Bun.file(join(import.meta.dir, "..", "node_modules", name, "package.json")).json()) as { version: string }).version}`);
    } catch {
      out.push(`${name} not installed`);
    }
  }
  const redis = Bun.which("redis-server") ? /v=(\S+)/.exec(await version(["redis-server", "--version"]))?.[1] : undefined;
  out.push(`redis-server ${redis ?? "not installed"}`);
  return out.join(", ");
}

const info: RunInfo = {
  date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  kernel: release(),
  bun: Bun.version,
  node: await version(["node", "--version"]),
  peers: await peerVersions(),
  taskset: HAS_TASKSET,
  loadBefore,
  loadAfter: loadavg().map((l) => l.toFixed(2)).join(" "),
  loadDuring: loadSamples.length ? `median ${median(loadSamples).toFixed(2)}, max ${Math.max(...loadSamples).toFixed(2)} over ${loadSamples.length} samples` : undefined,
  seconds: (performance.now() - started) / 1000,
  settings: cfg,
  generatorCheck: generatorCheck(),
  profile: process.env.BENCH_PROFILE_NOTE,
  findings: readFindings(),
};

if (!args.includes("--no-write")) {
  const dir = import.meta.dir;
  await Bun.write(join(dir, "RESULTS.md"), renderMarkdown(rows, info));
  await Bun.write(join(dir, "results.svg"), renderSvg(rows, `bunwire vs raw Bun and peers (ratio to raw Bun.serve, Bun ${info.bun})`));
  await Bun.write(join(dir, "results.json"), JSON.stringify({ info, rows, samples }, null, 1));
  log(`wrote bench/RESULTS.md, bench/results.svg, bench/results.json`);
}
for (const r of rows) log(`${r.scenario.padEnd(8)} ${(r.label + (r.variant ? ` (${r.variant})` : "")).padEnd(40)} ${r.status === "ok" ? `${r.ratio.toFixed(2)}x` : r.note}`);
