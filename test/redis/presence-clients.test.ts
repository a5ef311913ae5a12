// Presence for clients over Redis (test/cluster/presence-contract.ts): two instances, each with its own
// redisPresence and redisBus on one real redis-server; a user's tabs are spread over both.
import { afterAll, beforeAll } from "bun:test";
import { redisBus, redisPresence } from "bunwire/redis";
import { presenceContract } from "../cluster/presence-contract.ts";
import { RedisServer } from "../support/redis-server.ts";

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis.stop();
});

presenceContract("redisPresence", () => ({
  instances: 2,
  store: () => redisPresence({ url: redis.url }),
  bus: () => redisBus({ url: redis.url }),
}));
