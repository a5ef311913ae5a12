// The HTTP scenario (issue 18, "Numbers"): `GET /json` behind two middlewares on raw Bun.serve (by hand), the
// bunwire App, Hono and Elysia. Each server runs pinned to core 0, the keep-alive generator (bench/load/http.ts) to
// core 1; the figure is answers per server CPU-second. Rounds alternate the order of the servers, and each
// framework's figure is the median of its per-round ratios to raw Bun, which cancels most of a shared machine's drift.
//
//   bun bench/http.ts [--rounds 7] [--window 3000] [--warmup 1000] [--connections 32] [--inflight 4] [server ids...]
//
// Prints a Markdown table and writes bench/.out/http.json. Goal: bunwire >= 0.85x raw, ahead of Hono, level with Elysia.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HttpLoadJob, HttpLoadResult } from "./load/http.ts";
import { HAS_TASKSET, startServer } from "./runner/children.ts";
import { AUTH_HEADER, EXPECTED_BODY, HTTP_PATH, TAG_HEADER } from "./servers/http/contract.ts";
import { HTTP_SERVERS } from "./servers/http/registry.ts";
import { REPO_ROOT } from "./servers/registry.ts";

interface Settings {
  rounds: number;
  windowMs: number;
  warmupMs: number;
  connections: number;
  inflight: number;
  ids: string[];
}

function parseArgs(argv: string[]): Settings {
  const settings: Settings = { rounds: 7, windowMs: 3000, warmupMs: 1000, connections: 32, inflight: 4, ids: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = Number(argv[i + 1]);
    if (arg === "--rounds") settings.rounds = value;
    else if (arg === "--window") settings.windowMs = value;
    else if (arg === "--warmup") settings.warmupMs = value;
    else if (arg === "--connections") settings.connections = value;
    else if (arg === "--inflight") settings.inflight = value;
    else {
      settings.ids.push(arg);
      continue;
    }
    i++;
  }
  return settings;
}

/** The generator in its own process, pinned to core 1 (as runner/children.ts runs the WebSocket ones). */
async function generate(job: HttpLoadJob): Promise<HttpLoadResult> {
  const pin = HAS_TASKSET ? "taskset -c 1 " : "";
  const proc = Bun.spawn(["sh", "-c", `ulimit -n $(ulimit -Hn) 2>/dev/null; exec ${pin}"$0" bench/load/http.ts "$1"`, process.execPath, JSON.stringify(job)], {
    cwd: REPO_ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  const parsed = JSON.parse(stdout.trim().split("\n").pop() || `{"error":${JSON.stringify(stderr.slice(-300))}}`) as HttpLoadResult & { error?: string };
  if (parsed.error !== undefined) throw new Error(`generator: ${parsed.error}`);
  return parsed;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2));
  const servers = settings.ids.length === 0 ? HTTP_SERVERS : HTTP_SERVERS.filter((spec) => settings.ids.includes(spec.id) || spec.id === "raw-bun");
  const perCpu: Record<string, number[]> = {};
  const ratios: Record<string, number[]> = {};
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 1 ? [...servers].reverse() : servers;
    const figures: Record<string, number> = {};
    for (const spec of order) {
      const server = await startServer(spec);
      try {
        const result = await generate({
          host: "127.0.0.1",
          port: server.port,
          path: HTTP_PATH,
          headers: { Authorization: AUTH_HEADER },
          connections: settings.connections,
          inflight: settings.inflight,
          warmupMs: settings.warmupMs,
          windowMs: settings.windowMs,
          serverPid: server.pid,
          expect: { status: 200, header: TAG_HEADER, body: EXPECTED_BODY },
        });
        if (result.errors > 0) throw new Error(`${spec.id}: ${result.errors} errors, first: ${result.firstError}`);
        figures[spec.id] = result.perCpuSecond;
        (perCpu[spec.id] ??= []).push(result.perCpuSecond);
        console.error(`round ${round + 1} ${spec.id.padEnd(12)} ${Math.round(result.rate)} req/s, ${Math.round(result.perCpuSecond)} per server CPU-s, server CPU ${Math.round(result.stats.serverCpuShare * 100)}%`);
      } finally {
        await server.stop();
      }
    }
    const raw = figures["raw-bun"]!;
    for (const [id, figure] of Object.entries(figures)) (ratios[id] ??= []).push(figure / raw);
  }

  const rows = servers.map((spec) => ({ id: spec.id, label: spec.label, perCpuSecond: median(perCpu[spec.id] ?? []), ratio: median(ratios[spec.id] ?? []), ratios: ratios[spec.id] ?? [] }));
  const bunwire = rows.find((row) => row.id === "bunwire-app");
  console.log(`HTTP: GET ${HTTP_PATH} behind two middlewares, ${settings.connections} keep-alive connections x ${settings.inflight} in flight, ${settings.rounds} alternated rounds of ${settings.windowMs} ms\n`);
  console.log("| server | answers per server CPU-second (median) | ratio to raw Bun (median of per-round ratios) | per-round ratios |");
  console.log("|---|---:|---:|---|");
  for (const row of rows) console.log(`| ${row.label} | ${Math.round(row.perCpuSecond)} | ${row.ratio.toFixed(2)}x | ${row.ratios.map((r) => r.toFixed(2)).join(" ")} |`);
  if (bunwire !== undefined) {
    const of = (id: string) => rows.find((row) => row.id === id)?.ratio;
    console.log(`\nTargets: bunwire >= 0.85x raw: ${bunwire.ratio >= 0.85 ? "met" : "missed"} (${bunwire.ratio.toFixed(2)}); ahead of Hono: ${of("hono") === undefined ? "n/a" : bunwire.ratio > of("hono")! ? "met" : "missed"}; level with Elysia (within 5%): ${of("elysia") === undefined ? "n/a" : Math.abs(bunwire.ratio - of("elysia")!) <= 0.05 * of("elysia")! || bunwire.ratio > of("elysia")! ? "met" : "missed"}`);
  }
  const out = join(REPO_ROOT, "bench", ".out");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "http.json"), JSON.stringify({ settings, rows }, null, 2));
}

if (import.meta.main) await main();
