// Cluster operations (test/cluster/contract.ts) over Redis: one real redis-server.
import {  } from "bun:test";
import { redisBus } from "bunwire/redis";
import { useRedisServer } from "../support/redis-server.ts";
import { clusterContract } from "./contract.ts";

const redis = useRedisServer();

clusterContract("redisBus", () => ({
  bus: (options) => redisBus({ url: redis.url, ...options }),
  processArgs: () => ["redis", redis.url],
}));
