// Presence on a Redis Cluster (a local 3-master cluster): every script touches one slot (a topic's keys share a
// hash tag), so presence for clients works as on one server, and a killed instance's entries on topics owned by
// different shards are reaped by the survivors with their leave events.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Cluster } from "ioredis";
import { redisPresence, type PresenceEvent, type RedisPresence } from "bunwire/redis";
import { presenceContract } from "../cluster/presence-contract.ts";
import { RedisClusterServer, redisCli } from "../support/redis-server.ts";

let cluster: RedisClusterServer;
beforeAll(async () => {
  cluster = await RedisClusterServer.start(3);
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

presenceContract("redisPresence on a Redis Cluster", () => ({
  instances: 2,
  store: () => redisPresence({ cluster: cluster.urls }),
}));

test("an instance killed with SIGKILL is reaped on every shard: its members leave every topic, once each", async () => {
  const ttlMs = 600;
  const heartbeatMs = 150;
  const topics = ["north", "south", "east", "west", "up", "down"];
  // The topics' keys live on more than one shard, so reaping has to cross slots.
  const slots = await Promise.all(topics.map((topic) => redisCli(cluster.servers[0]!.port, "CLUSTER", "KEYSLOT", `bunwire:p:{${topic}}:m`)));
  expect(new Set(slots.map((slot) => Number(slot) < 5461)).size).toBe(2);
  const own = new Cluster(cluster.nodes); // your own ioredis Cluster client works as the seed nodes do
  const watcher: RedisPresence = redisPresence({ client: own, ttlMs, heartbeatMs });
  const events: PresenceEvent[] = [];
  for (const topic of topics) watcher.subscribe(topic, (event) => events.push(event));
  await watcher.ready();
  const ports = cluster.servers.map((s) => s.port).join(",");
  const child = Bun.spawn([process.execPath, "test/redis/presence-process.ts", `cluster:${ports}`, topics.join(","), String(ttlMs), String(heartbeatMs), "gus"], {
    stdout: "pipe",
    stderr: "inherit",
  });
  try {
    expect(new TextDecoder().decode((await child.stdout.getReader().read()).value)).toContain("joined");
    for (const topic of topics) expect(await watcher.list(topic)).toEqual([{ id: "gus", meta: { from: "process" } }]);
    child.kill("SIGKILL");
    await child.exited;
    // The documented bound is ttlMs + heartbeatMs; the wait's own limit has slack for a loaded machine.
    const deadline = Date.now() + ttlMs + heartbeatMs + 4000;
    while (events.filter((e) => e.type === "leave").length < topics.length && Date.now() < deadline) await Bun.sleep(20);
    const leaves = events.filter((e) => e.type === "leave").map((e) => e.topic).sort();
    expect(leaves).toEqual([...topics].sort());
    for (const topic of topics) expect(await watcher.list(topic)).toEqual([]);
  } finally {
    child.kill("SIGKILL");
    await watcher.close();
  }
  expect(await own.set("still-open", "yes")).toBe("OK"); // presence closed its own copies, not your client
  own.disconnect();
}, 20_000);
