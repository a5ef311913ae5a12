// `bun bench/guarantees.ts [--quick]`: what the delivery guarantees cost (issue 14, "Numbers"). One bunwire server
// process (bench/servers/bunwire-guarantees.ts, pinned to core 0) and bunwire's own client in this process, so
// every case is driven the same way, with the same parsing on the client:
//   - typed request/ack, idempotency off (the reference of the table);
//   - the same with idempotent requests (a fresh key each) and the in-memory store, and the reference for it: the
//     same keyed frames sent to the route without idempotency (which ignores keys), so both sides of that ratio
//     carry the same client work and frames (the keyed client is slower, and a server's CPU per message rises as
//     its message rate falls: fewer messages per wake-up);
//   - the same with the Redis store (a throwaway redis-server, when one is installed);
//   - server→client requests: the server keeps requests in flight, the client's handler answers.
// Reported per wall-clock second and per server CPU-second (from /proc: fair on a shared machine), best of rounds.
// The raw-Bun ratio of typed request/ack is the full bench's job (`npm run bench`, scenario rpc).

import { connect, type Client } from "bunwire/client";
import { z } from "zod";
import { defineProtocol } from "bunwire/client";
import { snapshot, windowStats } from "./load/proc.ts";
import { startRedis, startServer, type RunningServer } from "./runner/children.ts";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 1 : 3;
const WARMUP_MS = quick ? 300 : 1000;
const WINDOW_MS = quick ? 1000 : 3000;
const CONNECTIONS = 8;
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

/** Request/ack lanes: each keeps one request in flight, `INFLIGHT` lanes per connection. */
async function requestAck(port: number, pids: number[], path: string, idempotent: boolean): Promise<Result> {
  const clients = Array.from({ length: CONNECTIONS }, () => connect<typeof rpc>(`ws://127.0.0.1:${port}${path}`, { heartbeat: false, idempotent }));
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
  const clients = Array.from({ length: CONNECTIONS }, () => connect<typeof asks>(`ws://127.0.0.1:${port}/ask`, { heartbeat: false }));
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
const server = await startServer(
  { id: "bunwire-guarantees", label: "bunwire guarantees", group: "bunwire", runtime: "bun", file: "bunwire-guarantees.ts", wire: "plain", scenarios: [], needs: [] },
  redis === undefined ? {} : { REDIS_URL: `redis://127.0.0.1:${redis.port}` },
);
const pids = redis === undefined ? [server.pid] : [server.pid, redis.pid];
const cases: Array<[string, () => Promise<Result>]> = [
  ["typed request/ack, idempotency off", () => requestAck(server.port, [server.pid], "/rpc", false)],
  ["typed request/ack, idempotency off, keyed frames (ignored)", () => requestAck(server.port, [server.pid], "/rpc", true)],
  ["typed request/ack, idempotency on (memory)", () => requestAck(server.port, [server.pid], "/rpc-idem", true)],
  ...(redis === undefined ? [] : ([["typed request/ack, idempotency on (Redis)", () => requestAck(server.port, pids, "/rpc-idem-redis", true)]] as Array<[string, () => Promise<Result>]>)),
  ["server→client request round trips", () => serverRequests(server.port, [server.pid])],
];
const best = new Map<string, Result>();
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of cases) {
      const result = await run();
      const kept = best.get(name);
      if (kept === undefined || result.perSecond > kept.perSecond) best.set(name, result);
    }
  }
} finally {
  await server.stop();
  await redis?.stop();
}
const reference = best.get(cases[0]![0])!;
const keyedReference = best.get(cases[1]![0])!;
console.log(`| case | ops/s | ops per server CPU-s | vs idempotency off (CPU-s) | vs off, keyed frames (CPU-s) |\n|---|---:|---:|---:|---:|`);
for (const [name, result] of best) {
  const keyed = name.includes("idempotency on") ? `${(result.perServerCpuSecond / keyedReference.perServerCpuSecond).toFixed(2)}x` : "";
  console.log(`| ${name} | ${Math.round(result.perSecond).toLocaleString("en")} | ${Math.round(result.perServerCpuSecond).toLocaleString("en")} | ${(result.perServerCpuSecond / reference.perServerCpuSecond).toFixed(2)}x | ${keyed} |`);
}
if (redis === undefined) console.log("(Redis store not measured: redis-server is not installed)");
