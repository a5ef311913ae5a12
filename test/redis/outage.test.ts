// Redis dies (kill -9) and comes back: what every instance keeps doing, what it logs, what is and is not lost.
import { expect, test } from "bun:test";
import { redisBus } from "bunwire/redis";
import { RedisServer, useRedisServer } from "../support/redis-server.ts";
import { Client, Instance, RecordingLogger, subscribersOnRedis } from "./fixture.ts";

const redis = useRedisServer();

test.each(["bun", "ioredis"] as const)("kill -9 of Redis (publishing with %s): local delivery goes on, one warning, bounded buffer resent on reconnect, subscriptions restored", async (publishClient) => {
  const logA = new RecordingLogger();
  const logB = new RecordingLogger();
  const options = { url: redis.url, publishClient, bufferSize: 3, reconnect: { minDelayMs: 20, maxDelayMs: 200 }, flushDelayMs: 600 };
  const a = await new Instance(redisBus({ ...options, logger: logA })).connect();
  const b = await new Instance(redisBus({ ...options, logger: logB })).connect();
  const clients: Client[] = [];
  try {
    const onA = await Client.open(a.url("t"));
    const onB = await Client.open(b.url("t"));
    clients.push(onA, onB);
    await subscribersOnRedis(redis.url, "bunwire:t:t", 2);
    a.publish("t", "before");
    await onB.received(1);
    const states: boolean[] = [];
    a.bus.onStateChange((connected) => states.push(connected));
    expect(a.bus.connected).toBe(true);

    const bothWarned = Promise.all([logA.nextWarning(), logB.nextWarning()]);
    await redis.kill();
    await bothWarned;
    expect(a.bus.connected).toBe(false);
    expect(states).toEqual([false]);

    // During the outage: local subscribers still get every message, at once.
    for (let i = 1; i <= 5; i++) a.publish("t", `during-${i}`);
    expect(await onA.received(6)).toEqual(["before", "during-1", "during-2", "during-3", "during-4", "during-5"]);
    // A socket joining a new topic during the outage: its subscription must reach Redis once it is back.
    const lateOnB = await Client.open(b.url("late"));
    clients.push(lateOnB);

    const bothBack = Promise.all([logA.nextInfo(), logB.nextInfo()]);
    await redis.restart();
    await bothBack;

    // Buffer of 3, oldest dropped first: during-1 and during-2 are lost for other instances, the rest arrive in order.
    expect(await onB.received(4)).toEqual(["before", "during-3", "during-4", "during-5"]);
    expect(logA.infos[0]).toMatch(/resent 3 buffered publishes, dropped 2/);
    // The same facts for structured loggers, and as counters for metrics.
    expect(logA.objects.at(-1)).toMatchObject({ resent: 3, dropped: 2, bufferSize: 3 });
    expect(a.bus.stats).toMatchObject({ publishes: 6, buffered: 5, dropped: 2, outages: 1 });
    expect(a.bus.stats.outageMs).toBeGreaterThan(0);
    expect(b.bus.stats.receives).toBe(4);
    expect(a.bus.connected).toBe(true);
    expect(states).toEqual([false, true]);

    // Exactly one warning and one recovery line per instance for the whole outage, not one per message.
    expect(logA.warnings).toHaveLength(1);
    expect(logB.warnings).toHaveLength(1);
    expect(logA.infos).toHaveLength(1);
    expect(logB.infos).toHaveLength(1);

    // Both directions work again, on old and new subscriptions.
    await subscribersOnRedis(redis.url, "bunwire:t:late", 1);
    a.publish("late", "hello late");
    b.publish("t", "from b");
    expect(await lateOnB.received(1)).toEqual(["hello late"]);
    expect((await onA.received(7)).at(-1)).toBe("from b");
    expect(await a.bus.clusterSubscriberCount("t")).toBe(2);
  } finally {
    for (const c of clients) c.close();
    await a.close();
    await b.close();
  }
}, 20_000);

test("Redis down when the app starts: publishes are buffered and sent once Redis comes up", async () => {
  const own = await RedisServer.start();
  await own.kill();
  const log = new RecordingLogger();
  const options = { url: own.url, reconnect: { minDelayMs: 20, maxDelayMs: 100 }, flushDelayMs: 1500 };
  const a = await new Instance(redisBus({ ...options, logger: log })).connect();
  let b: Instance | undefined;
  try {
    expect(log.warnings).toHaveLength(1);
    a.publish("boot", "early");
    await own.restart();
    b = await new Instance(redisBus(options)).connect();
    const onB = await Client.open(b.url("boot"));
    await subscribersOnRedis(own.url, "bunwire:t:boot", 1);
    expect(await onB.received(1, 8000)).toEqual(["early"]);
    onB.close();
  } finally {
    await a.close();
    await b?.close();
    await own.stop();
  }
}, 20_000);

test.each(["bun", "ioredis"] as const)("a batch in flight when Redis dies (publishing with %s) is buffered message by message and resent in order", async (publishClient) => {
  const logA = new RecordingLogger();
  const options = { url: redis.url, publishClient, bufferSize: 10, reconnect: { minDelayMs: 20, maxDelayMs: 200 }, flushDelayMs: 600 };
  const a = await new Instance(redisBus({ ...options, logger: logA })).connect();
  const b = await new Instance(redisBus({ ...options, logger: new RecordingLogger() })).connect();
  const clients: Client[] = [];
  const { Redis } = await import("ioredis");
  const probe = new Redis(redis.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => {});
  try {
    const onB = await Client.open(b.url("held"));
    clients.push(onB);
    await subscribersOnRedis(redis.url, "bunwire:t:held", 1);
    a.publish("held", "before");
    await onB.received(1);
    // Redis accepts the batch's PUBLISH and holds it unanswered; the kill then drops it with the connection.
    await probe.call("CLIENT", "PAUSE", "10000", "WRITE");
    for (let i = 1; i <= 4; i++) a.publish("held", `held-${i}`);
    await new Promise((resolve) => setImmediate(resolve)); // the turn ends: the batch is written
    const warned = logA.nextWarning();
    await redis.kill();
    await warned;
    const back = logA.nextInfo();
    await redis.restart();
    await back;
    expect(await onB.received(5)).toEqual(["before", "held-1", "held-2", "held-3", "held-4"]);
    // Nothing twice: the next publish is the next message.
    a.publish("held", "after");
    expect((await onB.received(6)).slice(4)).toEqual(["held-4", "after"]);
    // Either client: the in-flight batch fails with the connection, and the bus buffers it publish by publish (its
    // bound counts publishes, not batches) and resends it after flushDelayMs, once the others have subscribed again.
    expect(a.bus.stats).toMatchObject({ publishes: 6, buffered: 4, dropped: 0 });
    expect(logA.infos[0]).toMatch(/resent 4 buffered publishes, dropped 0/);
  } finally {
    probe.disconnect();
    for (const c of clients) c.close();
    await a.close();
    await b.close();
  }
}, 20_000);
