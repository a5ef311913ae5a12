// ioredis is an optional peer of bunwire: loaded at run time so that importing `bunwire/redis` without it fails
// with MISSING_PEER (`npm install ioredis`) instead of a resolver error before any bunwire code runs.

import type * as IORedis from "ioredis";
import { loadPeer } from "../bus/peer.ts";

export const ioredis = await loadPeer<typeof IORedis>("ioredis", "bunwire/redis");

export type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from "ioredis";

/** A ready ioredis client a user hands over: one server, Sentinel (both `Redis`) or a Cluster. */
export type RedisClientLike = IORedis.Redis | IORedis.Cluster;

export function isCluster(client: RedisClientLike): client is IORedis.Cluster {
  return (client as { isCluster?: unknown }).isCluster === true;
}
