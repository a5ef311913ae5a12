// End-to-end throughput of redisBus: instance A publishes N messages, instance B's deliver callback counts
// them (no WebSockets: this isolates the bus). Run: bun test/redis/measure-bus.ts
import { redisBus } from "../../src/redis/bus.ts";
import { RedisServer } from "../support/redis-server.ts";

const N = Number(process.env.N ?? 200_000);
const server = await RedisServer.start();
try {
  // Redis disconnects a subscriber that falls 32 MB behind (client-output-buffer-limit pubsub): keep N x size below that.
  for (const [client, size, n] of [["ioredis", 64, N], ["bun", 64, N], ["ioredis", 1024, N / 10], ["bun", 1024, N / 10]] as const) {
    const a = redisBus({ url: server.url, publishClient: client });
    const b = redisBus({ url: server.url });
    let got = 0;
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => (done = resolve));
    await a.connect(() => {});
    await b.connect(() => {
      if (++got === n) done();
    });
    await b.subscribe("bench"); // resolves once the subscription is live on Redis
    const payload = "x".repeat(size);
    const start = performance.now();
    for (let i = 0; i < n; i++) a.publish("bench", payload, false);
    const publishedMs = performance.now() - start;
    await finished;
    const ms = performance.now() - start;
    console.log(`publishClient ${client}, ${size} B: ${n} bus messages A -> B in ${ms.toFixed(0)} ms = ${Math.round(n / (ms / 1000))} msg/s; caller's publish loop ${((publishedMs * 1000) / n).toFixed(2)} µs per publish`);
    await a.close();
    await b.close();
  }
} finally {
  await server.stop();
}
