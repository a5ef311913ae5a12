// redisBus between separate Bun servers sharing one real redis-server: what crosses, what does not, how often.
import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { redisBus } from "bunwire/redis";
import { RedisBusError } from "../../src/redis/errors.ts";
import { useRedisServer } from "../support/redis-server.ts";
import { Client, Instance, membersKnown, subscribersOnRedis } from "./fixture.ts";

const redis = useRedisServer();
const instances: Instance[] = [];
const clients: Client[] = [];

// Each test starts from no instances and no subscriptions (they share topic names and one Redis).
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(instances.splice(0).map((i) => i.close()));
});

let publishClient: "bun" | "ioredis" = "bun";
async function instance(heartbeatMs?: number): Promise<Instance> {
  const i = await new Instance(redisBus({ url: redis.url, publishClient, heartbeatMs })).connect();
  instances.push(i);
  return i;
}
async function client(url: string): Promise<Client> {
  const c = await Client.open(url);
  clients.push(c);
  return c;
}

describe.each(["bun", "ioredis"] as const)("redisBus publishing with %s", (which) => {
  beforeAll(() => {
    publishClient = which;
  });

  test("a publish on one instance reaches subscribers on the others exactly once, and never echoes back", async () => {
    const [a, b, c] = [await instance(), await instance(), await instance()];
    const onA = await client(a.url("room:1"));
    const onB = [await client(b.url("room:1")), await client(b.url("room:1"))];
    const onC = await client(c.url("room:1"));
    await subscribersOnRedis(redis.url, "bunwire:t:room:1", 3);

    a.publish("room:1", "hello");
    b.publish("room:1", "from b");
    for (const cl of [onA, ...onB, onC]) expect(await cl.received(2)).toEqual(expect.arrayContaining(["hello", "from b"]));
    // One bus message per publish per instance, however many local subscribers: b delivered "hello" once.
    expect(b.delivered.map((d) => d.data)).toEqual(["hello"]);
    expect(a.delivered.map((d) => d.data)).toEqual(["from b"]);
    expect(c.delivered.map((d) => d.data).sort()).toEqual(["from b", "hello"]);
    // Nothing arrives twice (own publishes are not echoed back by Redis).
    await Bun.sleep(50); // let any duplicate arrive before checking that none did
    expect(onA.messages).toHaveLength(2);
  });

  test("binary payloads cross byte for byte, and the compress flag crosses too", async () => {
    const [a, b] = [await instance(), await instance()];
    const onB = await client(b.url("bin"));
    await subscribersOnRedis(redis.url, "bunwire:t:bin", 1);
    const bytes = new Uint8Array([0xff, 0x00, 0xfe, 0x80, 0x7f, 0xc3, 0x28]);
    a.publish("bin", bytes, true);
    a.publish("bin", "ünïcødé ✓", false);
    const [first, second] = await onB.received(2);
    expect(first).toEqual(bytes);
    expect(second).toBe("ünïcødé ✓");
    expect(b.delivered.map((d) => d.compress)).toEqual([true, false]);
    expect(b.delivered[0]!.data).toBeInstanceOf(Uint8Array);
  });

  test("an instance receives only topics it has local subscribers for, and stops after the last one leaves", async () => {
    const [a, b] = [await instance(), await instance()];
    const onB = await client(b.url("only-b"));
    await subscribersOnRedis(redis.url, "bunwire:t:only-b", 1);
    a.publish("not-on-b", "x");
    a.publish("only-b", "y");
    expect(await onB.received(1)).toEqual(["y"]);
    expect(b.delivered.map((d) => d.topic)).toEqual(["only-b"]);

    onB.close();
    await subscribersOnRedis(redis.url, "bunwire:t:only-b", 0);
    a.publish("only-b", "z");
    const late = await client(b.url("other"));
    await subscribersOnRedis(redis.url, "bunwire:t:other", 1);
    a.publish("other", "after");
    await late.received(1);
    expect(b.delivered.map((d) => d.data)).toEqual(["y", "after"]);
  });

  test("ws.publish-style sends cross instances with the sender excluded locally", async () => {
    const [a, b] = [await instance(), await instance()];
    const sender = await client(a.url("chat"));
    const peerA = await client(a.url("chat"));
    const peerB = await client(b.url("chat"));
    await subscribersOnRedis(redis.url, "bunwire:t:chat", 2);
    sender.send("chat|hi all");
    expect(await peerA.received(1)).toEqual(["hi all"]);
    expect(await peerB.received(1)).toEqual(["hi all"]);
    await Bun.sleep(50); // give a wrongly echoed copy time to arrive
    expect(sender.messages).toEqual([]);
  });

  test("order is kept for one publisher across instances", async () => {
    const [a, b] = [await instance(), await instance()];
    const onB = await client(b.url("seq"));
    await subscribersOnRedis(redis.url, "bunwire:t:seq", 1);
    for (let i = 0; i < 500; i++) a.publish("seq", String(i));
    const got = await onB.received(500);
    expect(got).toEqual(Array.from({ length: 500 }, (_, i) => String(i)));
  });

  test("clusterSubscriberCount adds up subscribers of every instance", async () => {
    const [a, b, c] = [await instance(), await instance(), await instance()];
    for (let i = 0; i < 2; i++) await client(a.url("count"));
    for (let i = 0; i < 3; i++) await client(b.url("count"));
    await subscribersOnRedis(redis.url, "bunwire:t:count", 2);
    await membersKnown([a.bus, b.bus, c.bus]);
    expect(await c.bus.clusterSubscriberCount("count")).toBe(5);
    expect(await a.bus.clusterSubscriberCount("count")).toBe(5);
    expect(await a.bus.clusterSubscriberCount("nobody")).toBe(0);
  });

  test("bad options fail at construction with a named error; a bad payload never throws from publish", async () => {
    expect(() => redisBus({})).toThrow(RedisBusError);
    expect(() => redisBus({ url: redis.url, cluster: ["redis://127.0.0.1:1"] })).toThrow(/exactly one/);
    expect(() => redisBus({ url: redis.url, bufferSize: -1 })).toThrow(/bufferSize/);
    const a = await instance();
    expect(() => a.bus.publish("t", 42 as unknown as string, false)).not.toThrow();
  });

  test("publishes to one topic in one turn travel as one Redis message, in order; a change of topic sends what is held (the server's own counters)", async () => {
    // No heartbeat during the test (a minute apart), so every PUBLISH counted is one the test caused.
    const [a, b] = [await instance(60_000), await instance(60_000)];
    const onX = await client(b.url("x"));
    const onY = await client(b.url("y"));
    await subscribersOnRedis(redis.url, "bunwire:t:y", 1);
    await membersKnown([a.bus, b.bus]);
    const probe = new Redis(redis.url);
    const published = async () => Number(/cmdstat_publish:calls=(\d+)/.exec(await probe.info("commandstats"))?.[1] ?? 0);
    try {
      const before = await published();
      for (let i = 0; i < 10; i++) a.publish("x", `x${i}`);
      // A round trip through both instances: a's publishes are done once b's answer is back.
      expect((await a.bus.request("ping")).missing).toEqual([]);
      expect((await published()) - before).toBe(3); // 10 publishes as 1 batch + 1 request + 1 answer from b
      expect(await onX.received(10)).toEqual(["x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"]);

      // x, y, x in one turn: three Redis messages, so no message overtakes an earlier one of the same publisher.
      const mid = await published();
      a.publish("x", "x10");
      a.publish("y", "y0");
      a.publish("x", "x11");
      expect((await a.bus.request("ping")).missing).toEqual([]);
      expect((await published()) - mid).toBe(5);
      expect((await onX.received(12)).slice(10)).toEqual(["x10", "x11"]);
      expect(await onY.received(1)).toEqual(["y0"]);
      expect(a.bus.stats.publishes).toBe(13);
      expect(b.bus.stats.receives).toBe(13);
    } finally {
      probe.disconnect();
    }
  });
});
