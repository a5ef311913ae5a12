// `bun bench/guarantees.ts [--quick] [--rounds=N] [--connections=N] [--only=text]`: what the delivery guarantees cost
// (issue 14, "Numbers"); 5 rounds by default, more where the machine is noisy. `--only` runs the cases whose name
// contains the text, with the references they are compared against.
// Bunwire server processes (bench/servers/bunwire-guarantees.ts, pinned to core 0, one per idempotency store, and
// one for bunwire's client's traffic; one loaded at a time), driven two ways:
//   - at capacity, by the load generator (bench/load on core 1, N connections with 32 requests in flight each, as
//     the full bench's rpc scenario): typed request/ack with idempotency off, as the full bench sends it (each
//     connection cycles through 32 request ids); then frames as bunwire's client sends them, every id new and
//     counting up (a connection's first request names its client, `"key":"<id>:<n>","keys":"id"`; the others carry
//     only their id, which is their key), to the route without idempotency: the reference of the cost of
//     idempotency, since its frames are the same; the same to the route with the in-memory store (the cost), with
//     a store that keeps nothing (what the dispatcher's keyed path costs outside any store, against keyed frames
//     sent to its own process) and with the Redis store (a throwaway redis-server), each store in a server process
//     of its own; and every key as a string (a client that never names its client), in a server of its own. The
//     server is the limit, so this is the cost per request in CPU.
//   - by bunwire's own client in this process (8 clients, 32 requests in flight each, `idempotent` off and on), as
//     an application sends them; the client is the limit here, so the server has time to spare.
//   - server→client requests: the server keeps requests in flight, the client's handler answers.
// Rounds alternate the cases; each is reported per wall-clock second and per server CPU-second (from /proc: fair on
// a shared machine) by its median, and its ratio by the median of its per-round ratios to the round's reference.
// The raw-Bun ratio of typed request/ack is the full bench's job (`npm run bench`, scenario rpc).

import { connect, type Client } from "bunwire/client";
import { z } from "zod";
import { defineProtocol } from "bunwire/client";
import { snapshot, windowStats } from "./load/proc.ts";
import { runGenerator, startRedis, startServer, type RunningServer } from "./runner/children.ts";
import { median } from "./runner/summary.ts";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 1 : Number(process.argv.find((arg) => arg.startsWith("--rounds="))?.slice(9) ?? 5);
const WARMUP_MS = quick ? 300 : 1000;
const WINDOW_MS = quick ? 1000 : 3000;
const CONNECTIONS = Number(process.argv.find((arg) => arg.startsWith("--connections="))?.slice(14) ?? 64);
const CLIENTS = 8;
const INFLIGHT = 32;

const rpc = defineProtocol({ name: "bench-rpc", client: { add: z.object({ a: z.number(), b: z.number() }) }, server: {}, acks: { add: z.number() } });
const asks = defineProtocol({
  name: "bench-asks",
  client: { start: z.object({ inflight: z.number() }), count: z.object({}) },
  server: { confirm: z.object({ n: z.number() }) },
  acks: { count: z.number() },
  replies: { confirm: z.object({ ok: z.boolean() }) },
});

interface Result {
  perSecond: number;
  perServerCpuSecond: number;
}

/**
 * Request/ack through the load generator (bench/load, its own core): `CONNECTIONS` sockets with `INFLIGHT` requests
 * each, as the full bench's rpc scenario, so the server is what limits the rate. With `keyed`, every request
 * carries a key never sent before, as bunwire's client sends them (a connection's first `"<client>:<n>"` with
 * `"keys":"id"`, then the ids alone), or with "strings" every key as a string (a client that never names its client).
 */
async function requestAck(port: number, pids: number[], path: string, keyed: boolean | "strings"): Promise<Result> {
  const result = await runGenerator({
    mode: "rpc",
    path,
    connections: CONNECTIONS,
    inflight: INFLIGHT,
    keyed,
    host: "127.0.0.1",
    port,
    serverPid: pids,
    wire: "plain",
    warmupMs: WARMUP_MS,
    windowMs: WINDOW_MS,
  });
  return { perSecond: result.rate, perServerCpuSecond: result.perCpuSecond };
}

/** Request/ack lanes of bunwire's client: each keeps one request in flight, `INFLIGHT` lanes per client. */
async function clientRequestAck(port: number, pids: number[], path: string, idempotent: boolean): Promise<Result> {
  const clients = Array.from({ length: CLIENTS }, () => connect<typeof rpc>(`ws://127.0.0.1:${port}${path}`, { heartbeat: false, idempotent }));
  await Promise.all(clients.map((client) => client.whenOpen()));
  let done = 0;
  let running = true;
  const lane = async (client: Client<typeof rpc>) => {
    while (running) {
      await client.request("add", { a: 20, b: 22 });
      done++;
    }
  };
  const lanes = clients.flatMap((client) => Array.from({ length: INFLIGHT }, () => lane(client)));
  const result = await measure(pids, () => done);
  running = false;
  await Promise.allSettled(lanes);
  for (const client of clients) client.close();
  return result;
}

/** Server→client requests: the server keeps `INFLIGHT` requests in flight per connection; the client answers. */
async function serverRequests(port: number, pids: number[]): Promise<Result> {
  const clients = Array.from({ length: CLIENTS }, () => connect<typeof asks>(`ws://127.0.0.1:${port}/ask`, { heartbeat: false }));
  for (const client of clients) client.onRequest("confirm", () => ({ ok: true }));
  await Promise.all(clients.map((client) => client.whenOpen()));
  for (const client of clients) client.emit("start", { inflight: INFLIGHT });
  let counted = 0;
  const probe = clients[0]!;
  const result = await measure(pids, () => counted, async () => {
    counted = await probe.request("count", {});
  });
  for (const client of clients) client.close();
  return result;
}

async function measure(pids: number[], count: () => number, refresh?: () => Promise<void>): Promise<Result> {
  await Bun.sleep(WARMUP_MS);
  await refresh?.();
  const a = snapshot(pids);
  const before = count();
  await Bun.sleep(WINDOW_MS);
  await refresh?.();
  const after = count();
  const stats = windowStats(a, snapshot(pids));
  return { perSecond: (after - before) / stats.seconds, perServerCpuSecond: (after - before) / stats.serverCpuSeconds };
}

const redis: RunningServer | undefined = Bun.which("redis-server") !== null ? await startRedis() : undefined;
/** One server process per idempotency store (bench/servers/bunwire-guarantees.ts says why); only one is loaded at a time. */
const serve = (store: string, env: Record<string, string> = {}, name = store) =>
  startServer({ id: `bunwire-guarantees-${name}`, label: `bunwire guarantees (${name})`, group: "bunwire", runtime: "bun", file: "bunwire-guarantees.ts", wire: "plain", scenarios: [], needs: [] }, { GUARANTEES_STORE: store, ...env });
const server = await serve("memory");
// Keys as strings take another path through the same code: in one process with numbered keys, both would run slower.
const strings = await serve("memory", {}, "memory-string-keys");
const nothing = await serve("nothing");
// bunwire's client and server→client requests in a process of their own: traffic of other shapes through the same
// dispatcher code slows the at-capacity reference, and with it every ratio taken against it.
const clientsServer = await serve("memory", {}, "memory-clients");
const redisServer = redis === undefined ? undefined : await serve("redis", { REDIS_URL: `redis://127.0.0.1:${redis.port}` });
const serverOnly = [server.pid];

interface Case {
  name: string;
  /** The case its ratio is taken against (none: it is a reference). */
  against?: string;
  run(): Promise<Result>;
}
const cases: Case[] = [
  { name: "at capacity: idempotency off, 32 request ids in turn (the full bench's rpc frames)", run: () => requestAck(server.port, serverOnly, "/rpc", false) },
  { name: "at capacity: idempotency off, the same frames (ids counting up, as bunwire's client numbers them)", against: "at capacity: idempotency off, 32 request ids in turn (the full bench's rpc frames)", run: () => requestAck(server.port, serverOnly, "/rpc", true) },
  // Its server process is another heap: its ratio is taken against keyed frames sent to that same process.
  { name: "at capacity: idempotency off, keyed frames, in the server whose store keeps nothing", against: "at capacity: idempotency off, 32 request ids in turn (the full bench's rpc frames)", run: () => requestAck(nothing.port, [nothing.pid], "/rpc", true) },
  { name: "at capacity: idempotency on, a store that keeps nothing", against: "at capacity: idempotency off, keyed frames, in the server whose store keeps nothing", run: () => requestAck(nothing.port, [nothing.pid], "/rpc-idem", true) },
  { name: "at capacity: idempotency on (memory)", against: "at capacity: idempotency off, the same frames (ids counting up, as bunwire's client numbers them)", run: () => requestAck(server.port, serverOnly, "/rpc-idem", true) },
  { name: "at capacity: idempotency off, keys as strings, in a server of their own", against: "at capacity: idempotency off, 32 request ids in turn (the full bench's rpc frames)", run: () => requestAck(strings.port, [strings.pid], "/rpc", "strings") },
  { name: "at capacity: idempotency on (memory), keys as strings", against: "at capacity: idempotency off, keys as strings, in a server of their own", run: () => requestAck(strings.port, [strings.pid], "/rpc-idem", "strings") },
  ...(redis === undefined || redisServer === undefined ? [] : [{ name: "at capacity: idempotency on (Redis)", against: "at capacity: idempotency off, the same frames (ids counting up, as bunwire's client numbers them)", run: () => requestAck(redisServer.port, [redisServer.pid, redis.pid], "/rpc-idem", true) }]),
  { name: "bunwire client: idempotency off", run: () => clientRequestAck(clientsServer.port, [clientsServer.pid], "/rpc", false) },
  { name: "bunwire client: idempotent requests, memory store", against: "bunwire client: idempotency off", run: () => clientRequestAck(clientsServer.port, [clientsServer.pid], "/rpc-idem", true) },
  { name: "bunwire client: server→client request round trips", against: "bunwire client: idempotency off", run: () => serverRequests(clientsServer.port, [clientsServer.pid]) },
];
const only = process.argv.find((arg) => arg.startsWith("--only="))?.slice(7);
if (only !== undefined) {
  const wanted = new Set(cases.filter((c) => c.name.includes(only)).map((c) => c.name));
  for (const c of cases) if (wanted.has(c.name) && c.against !== undefined) wanted.add(c.against);
  if (!wanted.has(cases[0]!.name) && [...wanted].some((name) => name.startsWith("at capacity"))) wanted.add(cases[0]!.name);
  cases.splice(0, cases.length, ...cases.filter((c) => wanted.has(c.name)));
}
const results = new Map<string, Result[]>(cases.map((c) => [c.name, []]));
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of round % 2 === 0 ? cases : [...cases].reverse()) results.get(c.name)!.push(await c.run());
  }
} finally {
  await Promise.all([server.stop(), strings.stop(), nothing.stop(), clientsServer.stop(), redisServer?.stop()]);
  await redis?.stop();
}
const offAtCapacity = results.get(cases[0]!.name)!;
console.log(`| case | ops/s | ops per server CPU-s | vs the full bench's rpc frames (per server CPU-s) | vs its reference (per server CPU-s) |\n|---|---:|---:|---:|---:|`);
for (const c of cases) {
  const rounds = results.get(c.name)!;
  const ratio = (against: Result[]) => `${median(rounds.map((r, i) => r.perServerCpuSecond / against[i]!.perServerCpuSecond)).toFixed(2)}x`;
  const own = c.against === undefined ? "" : `${ratio(results.get(c.against)!)} of "${c.against.replace(/^.*?: /, "")}"`;
  const atCapacity = c.name.startsWith("at capacity") ? ratio(offAtCapacity) : "";
  console.log(`| ${c.name} | ${Math.round(median(rounds.map((r) => r.perSecond))).toLocaleString("en")} | ${Math.round(median(rounds.map((r) => r.perServerCpuSecond))).toLocaleString("en")} | ${atCapacity} | ${own} |`);
}
if (redis === undefined) console.log("(Redis store not measured: redis-server is not installed)");
