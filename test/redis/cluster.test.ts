// Redis Cluster with sharded pub/sub: a local 3-master cluster started by the test; topic traffic goes by
// SPUBLISH to the shard that owns the topic's channel and reaches subscribers on another instance.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Cluster } from "ioredis";
import { redisBus, redisClusterBus, redisHistory } from "bunwire/redis";
import { RedisClusterServer, redisCli } from "../support/redis-server.ts";
import { Client, Instance, membersKnown } from "./fixture.ts";

let cluster: RedisClusterServer;
beforeAll(async () => {
  cluster = await RedisClusterServer.start(3);
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

async function spublishCalls(port: number): Promise<number> {
  const stats = await redisCli(port, "INFO", "commandstats");
  return Number(/cmdstat_spublish:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

async function shardSubscribers(port: number, channel: string): Promise<number> {
  const out = await redisCli(port, "PUBSUB", "SHARDNUMSUB", channel);
  return Number(out.split("\n")[1] ?? 0);
}

/** The node whose shard has a subscriber on `channel`; waits for the asynchronous SSUBSCRIBE. */
async function ownerOf(channel: string): Promise<number> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const counts = await Promise.all(cluster.servers.map((s) => shardSubscribers(s.port, channel)));
    const owners = cluster.servers.filter((_, i) => counts[i]! > 0);
    if (owners.length === 1) return owners[0]!.port;
    expect(owners.length).toBeLessThan(2); // a sharded channel never lives on two shards
    await Bun.sleep(20); // SSUBSCRIBE completes asynchronously; Redis has no event for it
  }
  throw new Error(`nobody subscribed to ${channel}`);
}

test("topics travel by SPUBLISH to their own shard and reach subscribers on another instance", async () => {
  // No heartbeat during the test (a minute apart): every SPUBLISH counted below is a topic publish.
  const a = await new Instance(redisClusterBus(cluster.urls, { heartbeatMs: 60_000 })).connect();
  const b = await new Instance(redisClusterBus(cluster.nodes, { heartbeatMs: 60_000 })).connect();
  const clients: Client[] = [];
  try {
    // Enough topics that every one of the three shards owns some.
    const topics = Array.from({ length: 12 }, (_, i) => `room-${i}`);
    const onB = await Client.open(b.url(...topics));
    clients.push(onB);
    const owners = new Map<string, number>();
    for (const topic of topics) {
      const channel = `bunwire:t:${topic}`;
      const owner = await ownerOf(channel);
      // The shard subscribed is the one owning the channel's hash slot: the other nodes redirect there.
      const slot = await redisCli(owner, "CLUSTER", "KEYSLOT", channel);
      for (const other of cluster.servers.filter((s) => s.port !== owner)) {
        expect(await redisCli(other.port, "SPUBLISH", channel, "probe")).toContain(`MOVED ${slot} 127.0.0.1:${owner}`);
      }
      owners.set(topic, owner);
    }
    expect(new Set(owners.values()).size).toBe(3);
    await membersKnown([a.bus, b.bus]); // the hellos and their answers are done before counting

    const before = await Promise.all(cluster.servers.map((s) => spublishCalls(s.port)));
    for (const topic of topics) a.publish(topic, `to ${topic}`);
    const got = await onB.received(topics.length);
    expect([...got].sort()).toEqual(topics.map((t) => `to ${t}`).sort());
    const after = await Promise.all(cluster.servers.map((s) => spublishCalls(s.port)));
    // Each node received exactly the SPUBLISHes of the topics it owns: no broadcast to every node.
    cluster.servers.forEach((server, i) => {
      const owned = topics.filter((t) => owners.get(t) === server.port).length;
      expect(after[i]! - before[i]!).toBe(owned);
    });
    expect(a.delivered).toEqual([]);
    expect(await a.bus.clusterSubscriberCount("room-3")).toBe(1);
  } finally {
    for (const c of clients) c.close();
    await a.close();
    await b.close();
  }
}, 30_000);

test("a ready ioredis Cluster client works wherever seed nodes do (bus and history); the bus never closes it", async () => {
  const client = new Cluster(cluster.nodes);
  const a = await new Instance(redisBus({ client })).connect();
  const b = await new Instance(redisBus({ client })).connect();
  const history = redisHistory({ client });
  const clients: Client[] = [];
  try {
    const onB = await Client.open(b.url("own-client"));
    clients.push(onB);
    await b.bus.subscribe("own-client");
    a.publish("own-client", "through your cluster client");
    expect(await onB.received(1)).toEqual(["through your cluster client"]);
    await membersKnown([a.bus, b.bus]);
    expect(await a.bus.clusterSubscriberCount("own-client")).toBe(1);
    const first = await history.append("own", "1");
    await history.append("own", "2");
    expect(await history.since("own", first.offset)).toMatchObject({ recovered: true, entries: [{ payload: "2" }] });
  } finally {
    for (const c of clients) c.close();
    await a.close();
    await b.close();
    await history.close();
  }
  // Still usable: the bus and the history worked on their own copies (or borrowed it without closing it).
  expect(await client.set("still-open", "yes")).toBe("OK");
  client.disconnect();
});

test("redisHistory works on the cluster too: a topic's stream and counter share one slot", async () => {
  const history = redisHistory({ cluster: cluster.nodes });
  try {
    for (const topic of ["alpha", "beta", "gamma", "delta"]) {
      const first = await history.append(topic, "1");
      await history.append(topic, "2");
      expect(await history.since(topic, first.offset)).toMatchObject({ recovered: true, entries: [{ payload: "2" }] });
    }
  } finally {
    await history.close();
  }
});
