// `bun bench/hop.ts [publishes] [--publish-client=bun|ioredis]`: what one Redis hop adds to publish-to-delivery
// latency at a low rate (docs/CAPACITY.md, section 5). Two App instances in this process on a throwaway
// redis-server; one subscriber on each, a publisher on instance A sending one timestamped message every 10 ms. The
// subscriber on A receives through the native publish alone, the one on B through Redis: p50/p99 of each.

import { bunwire } from "bunwire";
import { redisBus } from "bunwire/redis";
import { startRedis } from "./runner/children.ts";

const publishes = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 500);
const publishClient = process.argv.find((arg) => arg.startsWith("--publish-client="))?.slice(17) === "ioredis" ? "ioredis" : "bun";

const redis = await startRedis();
const url = `redis://127.0.0.1:${redis.port}`;
function instance() {
  const app = bunwire({ bus: redisBus({ url, publishClient }) });
  app.ws("/sub", { open: (ws) => void ws.subscribe("hop") });
  app.ws("/pub", { message: (_ws, message) => void app.publish("hop", message) });
  return app;
}
const a = instance();
const b = instance();
const serverA = a.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
const serverB = b.listen({ port: 0, hostname: "127.0.0.1", quiet: true });

const latencies = { local: [] as number[], remote: [] as number[] };
const open = (port: number, path: string) =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error(`could not connect to ${path}`));
  });
const local = await open(serverA.port!, "/sub");
const remote = await open(serverB.port!, "/sub");
const publisher = await open(serverA.port!, "/pub");
local.onmessage = (event) => latencies.local.push(performance.now() - Number(event.data));
remote.onmessage = (event) => latencies.remote.push(performance.now() - Number(event.data));
await Bun.sleep(500); // B's interest in "hop" reaches Redis
for (let i = 0; i < publishes; i++) {
  publisher.send(String(performance.now()));
  await Bun.sleep(10);
}
await Bun.sleep(300);

const quantile = (values: number[], q: number) => [...values].sort((x, y) => x - y)[Math.min(values.length - 1, Math.floor(values.length * q))]!;
const line = (name: string, values: number[]) => `${name}: p50 ${quantile(values, 0.5).toFixed(2)} ms, p99 ${quantile(values, 0.99).toFixed(2)} ms (${values.length} of ${publishes} received)`;
console.log(`${publishes} publishes, one every 10 ms, publishing client ${publishClient}`);
console.log(line("same instance (native publish)", latencies.local));
console.log(line("other instance (through Redis)", latencies.remote));
for (const ws of [local, remote, publisher]) ws.close();
await Promise.all([a.close(), b.close()]);
await redis.stop();
