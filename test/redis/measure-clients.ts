// Measures PUBLISH throughput of Bun's built-in RedisClient against ioredis on one local redis-server,
// and checks what each can do that the bus needs (binary pub/sub, sharded pub/sub). Run: bun test/redis/measure-clients.ts
import { RedisClient } from "bun";
import { Redis } from "ioredis";
import { RedisServer } from "../support/redis-server.ts";

const N = Number(process.env.N ?? 100_000);
const payload = Buffer.alloc(64, 7);
const server = await RedisServer.start();
try {
  const bun = new RedisClient(server.url);
  await bun.connect();
  const io = new Redis(server.url, { lazyConnect: true });
  await io.connect();
  const text = payload.toString("latin1");

  for (let round = 0; round < 3; round++) {
    let t = performance.now();
    const a: Promise<unknown>[] = [];
    for (let i = 0; i < N; i++) a.push(bun.publish("bench", text));
    await Promise.all(a);
    const bunRate = N / ((performance.now() - t) / 1000);

    t = performance.now();
    const c: Promise<unknown>[] = [];
    // send() is the only binary-safe way to publish with Bun's client (publish() takes strings only).
    for (let i = 0; i < N; i++) c.push(bun.send("PUBLISH", ["bench", payload as unknown as string]));
    await Promise.all(c);
    const bunSendRate = N / ((performance.now() - t) / 1000);

    t = performance.now();
    const b: Promise<unknown>[] = [];
    for (let i = 0; i < N; i++) b.push(io.publish("bench", payload));
    await Promise.all(b);
    const ioRate = N / ((performance.now() - t) / 1000);
    console.log(`round ${round}: Bun RedisClient publish(string) ${Math.round(bunRate)}/s, send(PUBLISH, bytes) ${Math.round(bunSendRate)}/s, ioredis ${Math.round(ioRate)} publish/s (${N} x 64 B)`);
  }

  // Binary pub/sub: Bun's subscribe listener only receives strings.
  const sub = new RedisClient(server.url);
  await sub.connect();
  const got = new Promise<string>((resolve) => sub.subscribe("bin", (m) => resolve(m)));
  await Bun.sleep(50);
  await io.publish("bin", Buffer.from([0xff, 0x00, 0xfe]));
  const m = await got;
  console.log("Bun subscribe of bytes ff 00 fe gives", JSON.stringify(m), "typeof", typeof m, "bytes", Buffer.from(m).toString("hex"));
  console.log("Bun RedisClient has ssubscribe:", typeof (sub as unknown as { ssubscribe?: unknown }).ssubscribe);
  sub.close();
  bun.close();
  io.disconnect();
} finally {
  await server.stop();
}
