// Issue 11 item 7 at full length: 30,000 connect/join/disconnect cycles through the App, a Router, file routes and
// a gateway on one server whose presence is a real Redis and whose bus is a real Redis, then a real NATS; after
// each slice every per-topic, per-IP, per-user, per-connection and per-session map is back at its baseline
// (test/churn.test.ts runs the same scenario with about 5,000 cycles and an in-process bus in `npm test`).
// The process's resident memory and its live socket objects (server and client side) are read after each slice
// too: they must stay bounded, so a leak outside the maps (a socket kept alive by a closure) fails as well.
// A third run ends every cycle abruptly (see `churnAbruptly`). CHURN_CYCLES=n runs shorter or longer ones
// (default 30,000); each run takes 15 to 30 s on 2 cores.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { heapStats } from "bun:jsc";
import { rssBytes } from "../bench/load/proc.ts";
import type { Bus, Sizes } from "../src/engine/index.ts";
import { natsBus } from "../src/nats/index.ts";
import { redisBus, redisPresence, type RedisPresence } from "../src/redis/index.ts";
import { churn, churnAbruptly, churnServer, settled, WINDOW_MS, type ChurnServer } from "../test/churn-fixture.ts";
import { NatsServer } from "../test/nats/nats-server.ts";
import { RedisServer } from "../test/support/redis-server.ts";

const CYCLES = Number(process.env.CHURN_CYCLES ?? 30_000);

let redis: RedisServer;
let nats: NatsServer;
let presence: RedisPresence;

beforeAll(async () => {
  redis = await RedisServer.start();
  nats = await NatsServer.start();
  presence = redisPresence({ url: redis.url });
});

afterAll(async () => {
  await presence?.close();
  await redis?.stop();
  await nats?.kill();
});

const MB = 1024 * 1024;
/** Live objects of the kinds one cycle creates, after a full collection. */
const LIVE = ["ServerWebSocket", "WebSocket", "Request"];

interface Memory {
  rss: number;
  heap: number;
  live: Record<string, number>;
}

function memory(): Memory {
  Bun.gc(true);
  const stats = heapStats();
  return { rss: rssBytes("self"), heap: stats.heapSize, live: Object.fromEntries(LIVE.map((kind) => [kind, stats.objectTypeCounts[kind] ?? 0])) };
}

const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;

async function run(label: string, bus: Bus, expectedMaps: string[], cycles: typeof churn = churn): Promise<void> {
  const server: ChurnServer = await churnServer(bus, presence);
  try {
    const quiet = async (): Promise<Sizes> => {
      await Bun.sleep(WINDOW_MS * 2); // the rate limit's and the history's windows are time-based
      await server.touch();
      return server.sizes();
    };
    await churn(server.port, 0, 4, 4);
    const baseline = await settled(quiet);
    for (const name of ["caps.ips", "topics.counted", "bus.channels", "sessions", "rateLimit.keys", "chat:protocol.sockets", "history.topics", "presence.ids", ...expectedMaps]) {
      expect(baseline).toHaveProperty([name]);
    }
    // In slices, so a leak shows how it grows.
    const slice = 5_000;
    const readings: Array<Memory & { after: number }> = [{ after: 4, ...memory() }];
    for (let from = 4; from < CYCLES; from += slice) {
      const to = Math.min(from + slice, CYCLES);
      await cycles(server.port, from, to, 32);
      expect({ after: to, sizes: await settled(quiet, baseline, 20_000) }).toEqual({ after: to, sizes: baseline });
      readings.push({ after: to, ...memory() });
    }
    for (const r of readings) console.log(`[churn ${label}] after ${r.after} cycles: RSS ${mb(r.rss)}, JS heap ${mb(r.heap)}, live ${JSON.stringify(r.live)}`);
    const first = readings[Math.min(1, readings.length - 1)]!;
    const last = readings[readings.length - 1]!;
    // No socket or request outlives its cycle (a few may wait for the next collection).
    for (const kind of LIVE) expect({ [kind]: last.live[kind]! - readings[0]!.live[kind]! <= 32 }).toEqual({ [kind]: true });
    // Once warm, memory stops growing: a leak of even 1 KB per cycle would add about 25 MB over the remaining slices.
    expect(last.heap - first.heap).toBeLessThan(8 * MB);
    expect(last.rss - first.rss).toBeLessThan(48 * MB);
    expect(server.subscribers(0, CYCLES)).toBe(0);
  } finally {
    await server.stop();
  }
}

describe(`${CYCLES} churn cycles leave every map at its baseline`, () => {
  test("with a Redis bus", () => run("redis", redisBus({ url: redis.url }), []), 600_000);
  test("with a NATS bus", () => run("nats", natsBus({ servers: nats.url }), ["nats.subscriptions", "nats.waiting"]), 600_000);
  // Clients that vanish without a close frame (before or right after open, mid-join) or close before any reply:
  // the close handlers then run while the async open (session, presence) or a join is still under way.
  test("ending abruptly, with a Redis bus", () => run("redis, abrupt", redisBus({ url: redis.url }), [], churnAbruptly), 600_000);
});
