// Cluster operations (test/cluster/contract.ts) over Redis: one real redis-server.
import { afterAll, beforeAll } from "bun:test";
import { redisBus } from "bunwire/redis";
import { RedisServer } from "../support/redis-server.ts";
import { clusterContract } from "./contract.ts";

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis.stop();
});

clusterContract("redisBus", () => ({
  bus: (options) => redisBus({ url: redis.url, ...options }),
  processArgs: () => ["redis", redis.url],
}));
