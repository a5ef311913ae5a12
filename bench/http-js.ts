// The HTTP scenario without sockets: each server of bench/servers/http is imported into this one process and
// handed prebuilt requests through `server.fetch(request)`, Bun's in-process entry to the same fetch handler. What
// is left is each framework's JavaScript per request (routing, middleware, building the Response) plus Bun's
// Request/Response objects, in CPU nanoseconds: no kernel, no parser, no scheduler, so it holds steady on a shared
// machine where the socket scenario (bench/http.ts) swings by ±15% per round. Reps alternate the servers' order;
// the ratio is the median of per-rep ratios to raw Bun.
//
//   bun bench/http-js.ts [--reps 31] [--batch 20000] [id=path/to/server.ts ...]
//
// An `id=file` argument adds a server file that exports `server` (an A/B: a copy of bunwire.ts importing another tree).

import { resolve } from "node:path";
import type { Server } from "bun";
import { median } from "./runner/summary.ts";
import { AUTH_HEADER, EXPECTED_BODY, HTTP_PATH } from "./servers/http/contract.ts";
import { HTTP_SERVERS } from "./servers/http/registry.ts";
import { SERVERS_DIR } from "./servers/registry.ts";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const reps = flag("--reps", 31);
const batch = flag("--batch", 20_000);
const extra = args.filter((arg) => arg.includes("=")).map((arg) => ({ id: arg.slice(0, arg.indexOf("=")), file: resolve(arg.slice(arg.indexOf("=") + 1)) }));
const entries = [...HTTP_SERVERS.map((spec) => ({ id: spec.id, file: resolve(SERVERS_DIR, spec.file) })), ...extra];

const servers: Array<{ id: string; server: Server<unknown> }> = [];
for (const entry of entries) servers.push({ id: entry.id, server: ((await import(entry.file)) as { server: Server<unknown> }).server });

const request = () => new Request(`http://127.0.0.1:3000${HTTP_PATH}`, { headers: { Authorization: AUTH_HEADER, Host: "127.0.0.1:3000" } });
const cpuNs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1e3;
};

// Each server must answer right before it is timed.
for (const { id, server } of servers) {
  const answer = await server.fetch(request());
  if (answer.status !== 200 || (await answer.text()) !== EXPECTED_BODY) throw new Error(`${id} answered ${answer.status} with another body`);
}

const perRequest: Record<string, number[]> = {};
for (let rep = 0; rep < reps; rep++) {
  for (const { id, server } of rep % 2 === 1 ? [...servers].reverse() : servers) {
    for (let i = 0; i < 2000; i++) await server.fetch(request()); // JIT and caches warm for this server
    const requests = Array.from({ length: batch }, request);
    Bun.gc(true);
    const start = cpuNs();
    for (const one of requests) {
      const answer = server.fetch(one);
      if (answer instanceof Promise) await answer;
    }
    (perRequest[id] ??= []).push((cpuNs() - start) / batch);
  }
}

const raw = perRequest["raw-bun"]!;
console.log(`HTTP without sockets: GET ${HTTP_PATH} through server.fetch, ${reps} alternated reps of ${batch} requests\n`);
console.log("| server | CPU ns per request (median) | ratio to raw Bun (median of per-rep ratios) |");
console.log("|---|---:|---:|");
for (const { id } of servers) {
  const mine = perRequest[id]!;
  console.log(`| ${id} | ${Math.round(median(mine))} | ${median(mine.map((ns, i) => raw[i]! / ns)).toFixed(2)}x |`);
}
for (const { server } of servers) server.stop(true);
process.exit(0);
