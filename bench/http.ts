// The HTTP scenario (issue 18, "Numbers"): `GET /json` behind two middlewares on raw Bun.serve (by hand), the
// bunwire App, Hono and Elysia. Each server runs pinned to core 0, the keep-alive generator (bench/load/http.ts) to
// core 1; the figure is answers per server CPU-second. Servers stay up across rounds, rounds alternate their order,
// and each framework's figure is the median of its per-round ratios to raw Bun, which cancels most of a shared
// machine's drift (bench/runner/http.ts). `npm run bench` runs the same rounds as its scenario `http`.
//
//   bun bench/http.ts [--rounds 9] [--window 2000] [--warmup 300] [--connections 32] [--inflight 4] [server ids...]
//
// Prints a Markdown table and writes bench/.out/http.json. Goal: bunwire >= 0.85x raw, ahead of Hono, level with Elysia.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HTTP_DEFAULTS, runHttpRounds, type HttpSettings } from "./runner/http.ts";
import { median } from "./runner/summary.ts";
import { HTTP_PATH } from "./servers/http/contract.ts";
import { HTTP_SERVERS } from "./servers/http/registry.ts";
import { REPO_ROOT } from "./servers/registry.ts";

function parseArgs(argv: string[]): HttpSettings & { ids: string[] } {
  const settings = { ...HTTP_DEFAULTS, ids: [] as string[] };
  const flags: Record<string, keyof HttpSettings> = { "--rounds": "rounds", "--window": "windowMs", "--warmup": "warmupMs", "--connections": "connections", "--inflight": "inflight" };
  for (let i = 0; i < argv.length; i++) {
    const flag = flags[argv[i]!];
    if (flag === undefined) settings.ids.push(argv[i]!);
    else settings[flag] = Number(argv[++i]);
  }
  return settings;
}

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2));
  const servers = settings.ids.length === 0 ? HTTP_SERVERS : HTTP_SERVERS.filter((spec) => settings.ids.includes(spec.id) || spec.id === "raw-bun");
  const samples = await runHttpRounds(servers, settings, (line) => console.error(line));
  const rawOf = (round: number) => samples.find((s) => s.server === "raw-bun" && s.round === round)!.result.perCpuSecond;
  const rows = servers.map((spec) => {
    const mine = samples.filter((s) => s.server === spec.id);
    const ratios = mine.map((s) => s.result.perCpuSecond / rawOf(s.round));
    return { id: spec.id, label: spec.label, perCpuSecond: median(mine.map((s) => s.result.perCpuSecond)), ratio: median(ratios), ratios, cpuShare: median(mine.map((s) => s.result.stats.serverCpuShare)) };
  });
  console.log(`HTTP: GET ${HTTP_PATH} behind two middlewares, ${settings.connections} keep-alive connections x ${settings.inflight} in flight, ${settings.rounds} alternated rounds of ${settings.windowMs} ms\n`);
  console.log("| server | answers per server CPU-second (median) | ratio to raw Bun (median of per-round ratios) | per-round ratios | server CPU |");
  console.log("|---|---:|---:|---|---:|");
  for (const row of rows) console.log(`| ${row.label} | ${Math.round(row.perCpuSecond)} | ${row.ratio.toFixed(2)}x | ${row.ratios.map((r) => r.toFixed(2)).join(" ")} | ${Math.round(row.cpuShare * 100)}% |`);
  const bunwire = rows.find((row) => row.id === "bunwire-app");
  if (bunwire !== undefined) {
    const of = (id: string) => rows.find((row) => row.id === id)?.ratio;
    const hono = of("hono");
    const elysia = of("elysia");
    console.log(`\nTargets: bunwire >= 0.85x raw: ${bunwire.ratio >= 0.85 ? "met" : "missed"} (${bunwire.ratio.toFixed(2)}); ahead of Hono: ${hono === undefined ? "n/a" : bunwire.ratio > hono ? "met" : "missed"}; level with Elysia (within 5%): ${elysia === undefined ? "n/a" : bunwire.ratio >= 0.95 * elysia ? "met" : "missed"}`);
  }
  const out = join(REPO_ROOT, "bench", ".out");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "http.json"), JSON.stringify({ settings, rows, samples }, null, 2));
}

if (import.meta.main) await main();
