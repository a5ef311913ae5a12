// Bring your own Redis: a ready ioredis client works wherever a URL does (redisBus, redisHistory, redisPresence).
// The bus and presence open their own connections from its options and never close it: one server and Sentinel
// here, a Cluster client in cluster.test.ts.
import { beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { redisBus, redisHistory, redisPresence, RedisBusError } from "bunwire/redis";
import type { PresenceEvent } from "bunwire/redis";
import { freePort, redisCli, useRedisServer } from "../support/redis-server.ts";
import { Client, Instance, membersKnown } from "./fixture.ts";

let client: Redis;
const redis = useRedisServer({ beforeStop: () => client.disconnect() });
beforeAll(() => {
  client = new Redis(redis.url);
});

test("redisBus({ client }): publishes cross instances, cluster requests work, and the client stays open after close()", async () => {
  const a = await new Instance(redisBus({ client })).connect();
  const b = await new Instance(redisBus({ client })).connect();
  const clients: Client[] = [];
  try {
    const onB = await Client.open(b.url("byo"));
    clients.push(onB);
    await b.bus.subscribe("byo");
    a.publish("byo", "through your client");
    a.publish("byo", new Uint8Array([0, 255]));
    expect(await onB.received(2)).toEqual(["through your client", new Uint8Array([0, 255])]);
    await membersKnown([a.bus, b.bus]);
    expect(await a.bus.clusterSubscriberCount("byo")).toBe(1);
  } finally {
    for (const c of clients) c.close();
    await a.close();
    await b.close();
  }
  expect(await client.ping()).toBe("PONG");
});

test("redisHistory({ client }) and redisPresence({ client }) work on the same client without closing it", async () => {
  const history = redisHistory({ client });
  const presence = redisPresence({ client });
  const events: PresenceEvent[] = [];
  presence.subscribe("byo-room", (event) => events.push(event));
  await presence.ready();
  const first = await history.append("byo", "1");
  await history.append("byo", "2");
  expect(await history.since("byo", first.offset)).toMatchObject({ recovered: true, entries: [{ payload: "2" }] });
  await presence.join("byo-room", "ada", { name: "Ada" });
  expect(await presence.list("byo-room")).toEqual([{ id: "ada", meta: { name: "Ada" } }]);
  while (events.length < 1) await Bun.sleep(5); // the join event comes back through Redis pub/sub
  expect(events[0]).toMatchObject({ type: "join", id: "ada" });
  await history.close();
  await presence.close();
  expect(await client.ping()).toBe("PONG");
});

test("a client where none fits is refused with a named error", () => {
  expect(() => redisBus({ client, url: redis.url })).toThrow(/exactly one/);
  expect(() => redisBus({ client: {} as Redis })).toThrow(RedisBusError);
  expect(() => redisBus({ client, publishClient: "bun" })).toThrow(/publishClient "bun" needs `url`/);
  expect(() => redisPresence({ client: {} as Redis })).toThrow(/ioredis Redis/);
  expect(() => redisPresence({})).toThrow(/exactly one of `url`, `cluster` and `client`/);
});

test("a Sentinel client: the bus finds the master through Sentinel, for publishing and subscribing", async () => {
  const port = freePort();
  const config = join(redis.dir, "sentinel.conf");
  writeFileSync(config, `port ${port}\nbind 127.0.0.1\nsentinel monitor main 127.0.0.1 ${redis.port} 1\n`);
  const sentinel = Bun.spawn(["redis-server", config, "--sentinel"], { stdout: "ignore", stderr: "ignore" });
  const viaSentinel = new Redis({ sentinels: [{ host: "127.0.0.1", port }], name: "main" });
  viaSentinel.on("error", () => {}); // until the sentinel answers
  const [a, b] = [new Instance(redisBus({ client: viaSentinel })), new Instance(redisBus({ client: viaSentinel }))];
  const clients: Client[] = [];
  try {
    // Sentinel starts asynchronously: wait until it names the master (no event to await on a child process).
    while (!(await redisCli(port, "SENTINEL", "get-master-addr-by-name", "main")).includes(String(redis.port))) await Bun.sleep(25);
    await Promise.all([a.connect(), b.connect()]);
    const onB = await Client.open(b.url("sentinel"));
    clients.push(onB);
    await b.bus.subscribe("sentinel");
    a.publish("sentinel", "found through sentinel");
    expect(await onB.received(1)).toEqual(["found through sentinel"]);
  } finally {
    for (const c of clients) c.close();
    await a.close();
    await b.close();
    viaSentinel.disconnect();
    sentinel.kill("SIGKILL");
    await sentinel.exited;
  }
}, 20_000);
