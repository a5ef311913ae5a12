// Issue 11 item 7 at full length: 30,000 connect/join/disconnect cycles through the App, a Router, file routes and
// a gateway on one server whose bus and presence are a real Redis, then every per-topic, per-IP, per-user,
// per-connection and per-session map is back at its baseline (test/churn.test.ts runs the same scenario with
// about 5,000 cycles and an in-process bus in `npm test`). CHURN_CYCLES=n runs a shorter one.

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Sizes } from "../src/engine/index.ts";
import { redisBus, redisPresence, type RedisBus, type RedisPresence } from "../src/redis/index.ts";
import { churn, churnServer, settled, WINDOW_MS, type ChurnServer } from "../test/churn-fixture.ts";
import { RedisServer } from "../test/support/redis-server.ts";

const CYCLES = Number(process.env.CHURN_CYCLES ?? 30_000);

let redis: RedisServer;
let bus: RedisBus;
let presence: RedisPresence;
let server: ChurnServer;

beforeAll(async () => {
  redis = await RedisServer.start();
  bus = redisBus({ url: redis.url });
  presence = redisPresence({ url: redis.url });
  server = await churnServer(bus, presence);
});

afterAll(async () => {
  await server?.stop();
  await presence?.close();
  await redis?.stop();
});

async function quiet(): Promise<Sizes> {
  await Bun.sleep(WINDOW_MS * 2); // the rate limit's and the history's windows are time-based
  await server.touch();
  return server.sizes();
}

test(`${CYCLES} cycles over Redis leave every map at its baseline`, async () => {
  await churn(server.port, 0, 4, 4);
  const baseline = await settled(quiet);
  for (const name of ["caps.ips", "topics.counted", "bus.channels", "sessions", "rateLimit.keys", "chat:protocol.sockets", "history.topics", "presence.ids"]) {
    expect(baseline).toHaveProperty([name]);
  }
  // In slices, so a leak shows how it grows.
  const slice = 5_000;
  for (let from = 4; from < CYCLES; from += slice) {
    await churn(server.port, from, Math.min(from + slice, CYCLES), 32);
    expect({ after: Math.min(from + slice, CYCLES), sizes: await settled(quiet, baseline, 20_000) }).toEqual({ after: Math.min(from + slice, CYCLES), sizes: baseline });
  }
  expect(server.subscribers(0, CYCLES)).toBe(0);
}, 600_000);
