// Every per-topic, per-IP, per-user, per-connection and per-session map returns to its baseline after about 5,000
// connect/join/disconnect cycles through the App, a Router, file routes and a gateway on one server with a bus
// (test-stress/churn.stress.ts runs 30,000 over Redis). The baseline is read after one warm-up cycle per front
// door, once the time-windowed maps (rate limit, history) have let their entries expire.

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Sizes } from "../src/engine/index.ts";
import { redisPresence, type RedisPresence } from "../src/redis/index.ts";
import { churn, churnServer, settled, WINDOW_MS, type ChurnServer } from "./churn-fixture.ts";
import { MemoryBroker, memoryBus } from "./support/memory-transport.ts";
import { RedisServer } from "./support/redis-server.ts";

const CYCLES = 5_000;
const hasRedis = Bun.which("redis-server") !== null;
if (!hasRedis) console.warn("[bunwire] test/churn.test.ts runs without presence: redis-server not found, so RedisPresence's maps are not churned");

const broker = new MemoryBroker();
let redis: RedisServer | undefined;
let presence: RedisPresence | undefined;
let server: ChurnServer;

beforeAll(async () => {
  if (hasRedis) {
    redis = await RedisServer.start();
    presence = redisPresence({ url: redis.url });
  }
  server = await churnServer(memoryBus(broker), presence);
});

afterAll(async () => {
  await server?.stop();
  await presence?.close();
  await redis?.stop();
});

/** Every map's size once the windowed maps expired: wait two windows, then one request lets the rate limit sweep. */
async function quiet(): Promise<Sizes> {
  await Bun.sleep(WINDOW_MS * 2); // the windows are time-based: nothing to await but the clock
  await server.touch();
  return { ...server.sizes(), "broker.channels": broker.channels.size };
}

test(`${CYCLES} connect/join/disconnect cycles leave every map at its baseline`, async () => {
  await churn(server.port, 0, 4, 4); // one warm-up cycle per front door
  const baseline = await settled(quiet);
  // The maps that must be there to be checked at all: a lost accessor fails here rather than passing silently.
  const names = ["caps.connections", "caps.ips", "topics.counted", "topics.pending", "pending.connections", "dispatch.running", "bus.channels", "bus.requests", "router.handshakes", "sessions", "rateLimit.keys", "chat:protocol.sockets", "gateway:protocol.states", "history.topics"];
  if (hasRedis) names.push("presence.topics", "presence.ids", "presence.failedLeaves");
  for (const name of names) expect(baseline).toHaveProperty([name]);
  expect(baseline["caps.connections"]).toBe(0);
  expect(baseline["topics.counted"]).toBe(0);

  // Read the maps while the cycles run: each one checked must have been in use, or its return proves nothing.
  const peak: Sizes = {};
  let churning = true;
  const sampler = (async () => {
    while (churning) {
      for (const [name, size] of Object.entries(server.sizes())) peak[name] = Math.max(peak[name] ?? 0, size);
      await Bun.sleep(10); // sampling while other work runs
    }
  })();
  await churn(server.port, 4, CYCLES, 24);
  churning = false;
  await sampler;
  const used = ["caps.connections", "caps.ips", "topics.counted", "bus.channels", "sessions", "rateLimit.keys", "chat:protocol.sockets", "gateway:protocol.sockets", "history.topics"];
  if (hasRedis) used.push("presence.ids");
  for (const name of used) expect({ [name]: peak[name]! > baseline[name]! }).toEqual({ [name]: true });

  expect(await settled(quiet, baseline)).toEqual(baseline);
  expect(server.subscribers(0, CYCLES)).toBe(0);
}, 120_000);
