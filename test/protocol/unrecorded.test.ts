// Events a topic history could not record (Redis killed with kill -9 and restarted, its data gone): they still go
// out live, in the publisher's call order, locally at once and to other instances when the bus resends its outage
// buffer. A client the history has since placed further on (a join's ack, a rejoin's replay) never receives them
// after that position: they are older than it. Real instances (App, redisBus, redisHistory), a real redis-server,
// the real client.

import { afterEach, expect, test } from "bun:test";
import { z } from "zod";
import { bunwire } from "../../src/index.ts";
import { connect, type Client, type JoinResult } from "../../src/client/index.ts";
import { defineProtocol } from "../../src/protocol/index.ts";
import { redisBus, redisHistory, type RedisBus, type RedisHistory } from "../../src/redis/index.ts";
import { useRedisServer } from "../support/redis-server.ts";
import { SwitchProxy } from "./switch-proxy.ts";

const feed = defineProtocol({ name: "feed", client: {}, server: { tick: z.object({ n: z.number() }) } });

interface Instance {
  app: ReturnType<typeof bunwire>;
  bus: RedisBus;
  history: RedisHistory;
  url: string;
  port: number;
}

const redis = useRedisServer();
const open: Array<{ close(): unknown }> = [];

afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

const quiet = { warn() {}, info() {} };

async function instance(flushDelayMs: number): Promise<Instance> {
  const history = redisHistory({ url: redis.url });
  const bus = redisBus({ url: redis.url, reconnect: { minDelayMs: 20, maxDelayMs: 200 }, flushDelayMs, logger: quiet });
  const app = bunwire({ development: false, bus, logger: { ...quiet, error() {}, debug() {} } as never });
  app.ws("/feed", feed.handle({}, { rooms: true, history }));
  const port = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port!;
  const created = { app, bus, history, url: `ws://127.0.0.1:${port}/feed`, port };
  open.push({ close: async () => (await app.close(), await history.close()) });
  return created;
}

interface Watched {
  client: Client<typeof feed>;
  seen: number[];
  rejoins: JoinResult[];
  /** Resolves once tick `n` has arrived. */
  got(n: number): Promise<void>;
}

function watch(url: string): Watched {
  const seen: number[] = [];
  const rejoins: JoinResult[] = [];
  let waiters: { n: number; wake: () => void }[] = [];
  const client = connect<typeof feed>(url, { heartbeat: false, gapTimeout: 50, reconnect: { initialDelay: 10, maxDelay: 40 }, onRejoin: (_topic, result) => rejoins.push(result) });
  client.on("tick", ({ n }) => {
    seen.push(n);
    waiters = waiters.filter((waiter) => (waiter.n === n ? (waiter.wake(), false) : true));
  });
  open.push(client);
  const got = (n: number) => (seen.includes(n) ? Promise.resolve() : new Promise<void>((wake) => waiters.push({ n, wake })));
  return { client, seen, rejoins, got };
}

const tick = (on: Instance, n: number) => feed.publish(on.app, "news", "tick", { n });

/** Resolves once every instance's history records again after a Redis restart. */
async function historyBack(...instances: Instance[]): Promise<void> {
  for (const { history } of instances) {
    for (let attempt = 0; ; attempt++) {
      try {
        await history.last("$probe");
        break;
      } catch (error) {
        if (attempt > 250) throw error;
        await Bun.sleep(20); // the history reconnects on its own schedule; it has no readiness event
      }
    }
  }
}

/** Resolves at the bus's next flip to `connected` (after an outage: once its buffer has been resent). */
const busUp = (bus: RedisBus) =>
  new Promise<void>((resolve) => {
    const off = bus.onStateChange((connected) => connected && (off(), resolve()));
  });

test("one instance: the publisher's events reach its client in call order while Redis dies under in-flight appends", async () => {
  const p = await instance(100);
  const local = watch(p.url);
  await local.client.join("news");
  let n = 0;
  const pending: Promise<unknown>[] = [];
  // Bursts of publishes keep going while Redis dies: appends in flight fail after later ones that fail fast.
  const writer = setInterval(() => {
    for (let i = 0; i < 10; i++) pending.push(tick(p, ++n) ?? Promise.resolve());
  }, 2);
  await Bun.sleep(100);
  await redis.kill();
  await Bun.sleep(100);
  clearInterval(writer);
  await Promise.all(pending);
  await local.got(n);
  expect(local.seen).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  await redis.restart();
  await historyBack(p);
}, 20_000);

test("after a Redis restart, clients the history placed past the outage never get its unrecorded events late; the others get them, in order", async () => {
  // P publishes and keeps its outage buffer for 1.5 s after reconnecting; B serves the other clients.
  const p = await instance(1500);
  const b = await instance(200);
  const local = watch(p.url); // on P: local delivery
  const remote = watch(b.url); // on B throughout: gets the outage buffer when P resends it
  const proxy = SwitchProxy.start(b.port);
  open.push({ close: () => proxy.stop() });
  const moved = watch(proxy.url("/feed")); // on B, and reconnected to B while P still holds its buffer
  for (const watched of [local, remote, moved]) await watched.client.join("news");

  expect(await tick(p, 1)).toBeString();
  await Promise.all([local.got(1), remote.got(1), moved.got(1)]);
  // Another instance publishes too: the local client's position moves past anything P recorded itself.
  expect(await tick(b, 2)).toBeString();
  await Promise.all([local.got(2), remote.got(2), moved.got(2)]);

  await redis.kill();
  for (const n of [3, 4, 5]) expect(await tick(p, n)).toBeUndefined(); // unrecorded: live without a position
  await local.got(5);
  expect(local.seen).toEqual([1, 2, 3, 4, 5]); // local delivery never stops

  await redis.restart();
  await historyBack(p, b);
  const flushed = busUp(p.bus);
  expect(await tick(p, 6)).toBeString(); // recorded in the new history; queued behind 3-5 in P's outage buffer
  // Before P resends its buffer: a brand-new client joins on B, and the moved client reconnects to B.
  const fresh = watch(b.url);
  const first = await fresh.client.join("news");
  expect(first).toMatchObject({ recovered: true, missed: 0 });
  proxy.cut();
  while (moved.rejoins.length === 0) await Bun.sleep(10); // the client reconnects on its own backoff
  expect(moved.rejoins[0]).toMatchObject({ recovered: false, missed: 0 });
  expect(p.bus.connected).toBe(false); // P still holds 3-5 (and 6)
  await flushed;

  await tick(p, 7);
  await Promise.all([local.got(7), remote.got(7), moved.got(7), fresh.got(7)]);
  expect(fresh.seen).toEqual([7]); // 3-5 were published before the position its join gave it (6 too)
  expect(moved.seen).toEqual([1, 2, 7]); // resynced from the position after 6: nothing older came after it
  expect(remote.seen).toEqual([1, 2, 3, 4, 5, 6, 7]); // placed nowhere new: the outage events, in order
  expect(local.seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect(remote.rejoins).toMatchObject([{ recovered: false }]); // 6 started a new history: the app resyncs
}, 30_000);
