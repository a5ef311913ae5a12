// Hook for scenario 6 (cross-instance fan-out through Redis, p50/p99 latency).
// It runs once bunwire/redis (src/redis/index.ts) and its bench server (bench/servers/bunwire-redis.ts) exist:
// that server file must start redis-backed instance(s) and print "PORT <a>" per instance; until then the
// scenario is reported as pending.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, SERVERS_DIR } from "../servers/registry.ts";

export function redisPendingReason(): string | null {
  if (!existsSync(join(REPO_ROOT, "src/redis/index.ts"))) return "pending: bunwire/redis (src/redis/index.ts) has not landed";
  if (!existsSync(join(SERVERS_DIR, "bunwire-redis.ts"))) return "pending: bench/servers/bunwire-redis.ts not written yet";
  return null;
}
