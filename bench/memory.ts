// Idle memory per connection, quickly: `bun bench/memory.ts [rounds] [--connections=N] [--hold=N] [--servers=a,b] [--scale] [--warm-heap=N]
// [--warm-zod=N]`.
// Runs only the idle job of `npm run bench` (browser-like handshakes, RSS growth and JS heap after a full GC) for
// raw Bun and every front door, in alternated order, and prints each round, the medians and the ratio to raw Bun
// (the median of per-round ratios). `--scale`: raw Bun and the App at 1k, 5k, 10k and 18k connections.

import { runGenerator, startServer } from "./runner/children.ts";
import { median } from "./runner/summary.ts";
import type { LoadResult } from "./load/options.ts";
import { SERVERS, type ServerSpec } from "./servers/registry.ts";

interface Entry {
  id: string;
  spec: ServerSpec;
  path: string;
  env?: Record<string, string>;
}

const spec = (id: string) => SERVERS.find((s) => s.id === id)!;
const ENTRIES: Entry[] = [
  { id: "raw-bun", spec: spec("raw-bun"), path: "/echo" },
  // raw Bun subscribing each socket to one topic: what a file route does by design
  { id: "raw-bun+topic", spec: spec("raw-bun"), path: "/fanout" },
  { id: "app", spec: spec("bunwire-app"), path: "/echo" },
  // the App route keeping only `user-agent` for ws.data.req (`keepHeaders`)
  { id: "app+keepHeaders", spec: spec("bunwire-app"), path: "/echo-slim" },
  // the App echo behind middleware that reads req.headers and req.cookies before the upgrade
  // the App echo on a route with a param (`/room/:id`)
  { id: "app+param", spec: spec("bunwire-app"), path: "/room/lobby" },
  { id: "app+middlewareReads", spec: spec("bunwire-app"), path: "/echo-read" },
  { id: "app+protocol", spec: spec("bunwire-protocol"), path: "/rpc" },
  // the same handlers with `broadcastTopic: false`: no topic subscription per socket
  { id: "app+protocol-nobroadcast", spec: spec("bunwire-protocol"), path: "/rpc-nobroadcast" },
  { id: "router", spec: spec("bunwire-router"), path: "/echo" },
  { id: "fs", spec: spec("bunwire-fs"), path: "/ws/echo" },
  // a file route with a param (`ws/room/[id]`), every connection in one room
  { id: "fs+room", spec: spec("bunwire-fs"), path: "/ws/room/lobby" },
  { id: "gateway", spec: spec("bunwire-gateway"), path: "/echo" },
];
// `--servers=raw:pin,raw:set,...`: raw Bun keeping one of bunwire's per-connection things (bench/servers/raw-bun-memory.ts)
const rawVariant = (id: string): Entry => ({
  id,
  spec: { ...spec("raw-bun"), id: "raw-bun-memory", file: "raw-bun-memory.ts" },
  path: "/echo",
  env: { MEM_VARIANT: id.slice(4) },
});

const USAGE = `Usage: bun bench/memory.ts [rounds] [--servers=raw-bun,app,router,...|raw:<variant>] [--connections=N] [--hold=N]
  [--scale [--sizes=1000,5000,...]] [--settle=ms] [--churn=N] [--probe-wait=ms] [--warm-heap=N] [--warm-zod=N] [--query-token=N]
Idle memory per connection (RSS growth and JS heap after GC) for raw Bun and each front door; a run takes minutes.
Server ids: ${ENTRIES.map((e) => e.id).join(", ")}.`;
const VALUED = ["servers", "connections", "sizes", "hold", "settle", "churn", "probe-wait", "warm-heap", "warm-zod", "query-token"];

const args = process.argv.slice(2);
// A typo would otherwise run minutes of rounds with the default instead: refuse it, and answer --help.
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = args.filter((a) => !/^\d+$/.test(a) && a !== "--scale" && !VALUED.some((name) => a.startsWith(`--${name}=`)));
if (unknown.length > 0) {
  console.error(`bench/memory.ts: unknown argument${unknown.length > 1 ? "s" : ""} ${unknown.join(" ")}\n${USAGE}`);
  process.exit(2);
}
const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 3);
const scale = args.includes("--scale");
const only = opt("servers")?.split(",");
const entries = [
  ...ENTRIES.filter((e) => e.id === "raw-bun" || (only ? only.includes(e.id) : !scale || e.id === "app")),
  ...(only ?? []).filter((id) => id.startsWith("raw:")).map(rawVariant),
];
const settleMs = Number(opt("settle") ?? 1000);
// --probe-wait=ms: the heap probe collects, waits that long (the incremental sweeper runs), then reads
if (opt("probe-wait")) process.env.HEAP_PROBE_WAIT = opt("probe-wait");
// --warm-heap=N: every server (raw Bun too) allocates and drops N objects before it starts (bench/servers/heap-probe.ts)
if (opt("warm-heap")) process.env.BENCH_WARM_HEAP = opt("warm-heap");
// --warm-zod=N: every server (raw Bun too) loads zod and keeps N schemas before it starts (bench/servers/heap-probe.ts)
if (opt("warm-zod")) process.env.BENCH_WARM_ZOD = opt("warm-zod");
// --churn=N: N connections opened and closed before the baseline reading (bench/load/idle.ts)
const churn = Number(opt("churn") ?? 0);
// --hold=N: N connections opened and kept open before the baseline reading (5 000 by default, as `npm run bench`; 0 with
// --scale): the figure is then the cost of the next connections (the slope at scale), not of the first ones
// (bench/load/idle.ts). "from first" is RSS growth counted from the first connection, held ones included.
const hold = Number(opt("hold") ?? (scale ? 0 : 5000));
// --query-token=N: every handshake's url carries `?token=` and N characters, as browsers pass credentials to a
// WebSocket: what a front door keeps of its upgrade's url shows in the figures
const queryToken = Number(opt("query-token") ?? 0);
const withQuery = (path: string): string => (queryToken > 0 ? `${path}${path.includes("?") ? "&" : "?"}token=${"t".repeat(queryToken)}` : path);

async function measure(e: Entry, connections: number): Promise<LoadResult> {
  const server = await startServer(e.spec, e.env);
  try {
    return await runGenerator(
      { mode: "idle", path: withQuery(e.path), origin: e.spec.origin, connections, concurrency: 200, settleMs, churn, hold, host: "127.0.0.1", port: server.port, serverPid: server.pid, wire: e.spec.wire },
      300_000,
    );
  } finally {
    await server.stop();
  }
}

const fmt = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? "–" : String(Math.round(n)));

async function table(connections: number): Promise<void> {
  const results = new Map<string, LoadResult[]>(entries.map((e) => [e.id, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...entries].reverse() : entries;
    for (const e of order) {
      const r = await measure(e, connections);
      results.get(e.id)!.push(r);
      console.log(`r${round} ${e.id.padEnd(14)} ${fmt(r.bytesPerConnection).padStart(6)} B/conn RSS (${fmt(r.bytesPerConnectionFromFirst)} from first)  ${fmt(r.heapBytesPerConnection).padStart(5)} B/conn heap  ${fmt(r.rssAfterGcPerConnection).padStart(6)} B/conn RSS after GC  ${fmt(r.rssShrunkPerConnection).padStart(6)} B/conn after shrink  cap ${fmt(r.heapCapacityPerConnection)} malloc ${fmt(r.mallocLivePerConnection)}/${fmt(r.mallocCommittedPerConnection)}  ${(r.objectsPerConnection ?? NaN).toFixed(1)} objs/conn${r.errors ? `  ${r.errors} closed` : ""}`);
    }
  }
  const raw = results.get("raw-bun")!;
  console.log(`\n${connections} idle connections, ${rounds} alternated rounds\n`);
  console.log("| server | RSS B/conn per round | median | ratio to raw Bun | from the first connection (ratio) | JS heap B/conn after GC | RSS B/conn after GC | after GC + shrink | JS heap capacity | native malloc live / committed | objects/conn | object types/conn (last round) |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const e of entries) {
    const mine = results.get(e.id)!;
    const ratio = median(mine.map((r, i) => r.bytesPerConnection! / raw[i]!.bytesPerConnection!));
    const fromFirst = median(mine.map((r) => r.bytesPerConnectionFromFirst ?? NaN));
    const fromFirstRatio = median(mine.map((r, i) => (r.bytesPerConnectionFromFirst ?? NaN) / (raw[i]!.bytesPerConnectionFromFirst ?? NaN)));
    const types = Object.entries(mine.at(-1)?.objectTypesPerConnection ?? {})
      .map(([t, n]) => `${t} ${n}`)
      .join(", ");
    console.log(
      `| ${e.id} | ${mine.map((r) => fmt(r.bytesPerConnection)).join(" / ")} | ${fmt(median(mine.map((r) => r.bytesPerConnection!)))} | ${ratio.toFixed(2)}× | ${fmt(fromFirst)} (${fromFirstRatio.toFixed(2)}×) | ${fmt(median(mine.map((r) => r.heapBytesPerConnection ?? NaN)))} | ${fmt(median(mine.map((r) => r.rssAfterGcPerConnection ?? NaN)))} | ${fmt(median(mine.map((r) => r.rssShrunkPerConnection ?? NaN)))} | ${fmt(median(mine.map((r) => r.heapCapacityPerConnection ?? NaN)))} | ${fmt(median(mine.map((r) => r.mallocLivePerConnection ?? NaN)))} / ${fmt(median(mine.map((r) => r.mallocCommittedPerConnection ?? NaN)))} | ${median(mine.map((r) => r.objectsPerConnection ?? NaN)).toFixed(1)} | ${types} |`,
    );
  }
}

if (scale) {
  for (const n of (opt("sizes") ?? "1000,5000,10000,18000").split(",").map(Number)) await table(n);
} else {
  await table(Number(opt("connections") ?? 10_000));
}
