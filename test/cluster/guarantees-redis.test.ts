// docs/GUARANTEES.md, rows "publish through the bus" and "sendToUser": at-most-once, with a bounded outage buffer.
// Real Apps on a real redis-server: one in this process, one in its own process. redis-server is killed with
// SIGKILL and restarted; a subscriber's socket is cut; an instance is killed. "Nothing else arrived" is checked
// by order: the next frame must be the one sent after the event.
import { afterEach, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { bunwire, sendToUser } from "bunwire";
import { redisBus } from "bunwire/redis";
import { RecordingLogger, subscribersOnRedis } from "../redis/fixture.ts";
import { useRedisServer } from "../support/redis-server.ts";
import { until } from "../support/socket.ts";
import { ChildInstance, cut, hello } from "./child.ts";

const redis = useRedisServer();
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** An App in this process: sockets on /chat join `?topic=` and are admitted as `?user=`. It reconnects fast and
 *  waits 1 s after reconnecting before resending its buffer, so the other instance has re-subscribed by then. */
async function localApp() {
  const bus = redisBus({ url: redis.url, reconnect: { minDelayMs: 20, maxDelayMs: 200 }, flushDelayMs: 1000, logger: new RecordingLogger() });
  const app = bunwire({ bus, development: false });
  app.ws("/chat", {
    upgrade: (req) => (typeof req.query.user === "string" ? { user: req.query.user } : true),
    open(ws) {
      if (typeof ws.data.req.query.topic === "string") ws.subscribe(ws.data.req.query.topic);
      ws.send("hello");
    },
  });
  app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  cleanup.push(() => app.close({ timeout: 1000 }));
  await bus.ready();
  return { app, url: (query: string) => `ws://127.0.0.1:${app.port}/chat?${query}` };
}

async function child(): Promise<ChildInstance> {
  const instance = await ChildInstance.start("redis", redis.url, 300, 1000);
  cleanup.push(() => instance.kill());
  return instance;
}

/** Counts what Redis relays on `channel`, through a pattern subscription: `PUBSUB NUMSUB` does not count it. */
async function watchChannel(channel: string): Promise<{ readonly seen: number; close(): Promise<void> }> {
  const client = new Redis(redis.url);
  let seen = 0;
  client.on("pmessage", () => seen++);
  await client.psubscribe(channel);
  return {
    get seen() {
      return seen;
    },
    close: async () => {
      client.disconnect();
    },
  };
}

/** Waits until the instance's bus is up: reconnected, and its buffer resent. */
async function busUp(instance: ChildInstance): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await instance.bus()).connected) {
    if (Date.now() > deadline) throw new Error("the instance's bus did not come back up");
    await Bun.sleep(20); // polling another process's state over HTTP
  }
}

async function restartRedis(during: () => Promise<void> | void): Promise<void> {
  await redis.kill();
  await during();
  await redis.restart();
}

test("publish through the bus: a Redis restart loses nothing the buffer holds, in order, once; a cut subscriber misses what was published while away", async () => {
  const local = await localApp();
  const publisher = await child();
  const reader = await hello(local.url("topic=news"));
  await subscribersOnRedis(redis.url, "bunwire:t:news", 1);
  await publisher.post("/publish/news", "p1");
  expect(String(await reader.socket.next())).toBe("p1");

  // Redis killed and restarted: the publishing instance buffers, then resends in order after reconnecting.
  await restartRedis(async () => {
    for (const n of [2, 3, 4]) await publisher.post("/publish/news", `p${n}`);
  });
  expect((await reader.socket.take(3, 10_000)).map(String)).toEqual(["p2", "p3", "p4"]);
  await publisher.post("/publish/news", "p5");
  expect(String(await reader.socket.next(5000))).toBe("p5"); // no copy of p2..p4 in between

  // The subscriber's socket is cut: what is published while it is away is never delivered to it. (Once the
  // publisher's bus is up again: a publish it makes while it still counts as out is buffered and resent, to
  // whoever subscribes by then, which is the outage buffer's promise, not this one.)
  await busUp(publisher);
  await cut(reader.socket);
  await until(() => local.app.subscriberCount("news") === 0);
  await subscribersOnRedis(redis.url, "bunwire:t:news", 0);
  const outagesBefore = (await publisher.bus()).outages;
  // The publisher answers the POST before its bus writes to Redis (at the end of its turn): wait until p6 has reached
  // Redis, seen by a pattern subscription (which no instance counts as a subscriber), before the subscriber comes back.
  const watcher = await watchChannel("bunwire:t:news");
  await publisher.post("/publish/news", "p6 (while away)");
  await until(() => watcher.seen > 0);
  await watcher.close();
  const back = await hello(local.url("topic=news"));
  await subscribersOnRedis(redis.url, "bunwire:t:news", 1);
  await publisher.post("/publish/news", "p7");
  const first = String(await back.socket.next(5000));
  if (first !== "p7") {
    // Only if the publisher's bus went out again meanwhile (its connection to a just-restarted Redis dropped once
    // more): then p6 was buffered and resent, to whoever was subscribed by then, as the outage buffer promises.
    expect(first).toBe("p6 (while away)");
    expect((await publisher.bus()).outages).toBeGreaterThan(outagesBefore);
    expect(String(await back.socket.next(5000))).toBe("p7");
  }
  await back.socket.close();
}, 30_000);

test("sendToUser: every tab on every instance once; buffered across a Redis restart; a tab on a killed instance misses what was sent until it reconnects", async () => {
  const local = await localApp();
  const other = await child();
  const tab1 = await hello(local.url("user=ada"));
  const tab2 = await hello(other.url("user=ada"));
  await subscribersOnRedis(redis.url, "bunwire:t:$user:ada", 2); // both instances receive the user topic
  sendToUser(local.app, "ada", "u1");
  expect(String(await tab1.socket.next())).toBe("u1");
  expect(String(await tab2.socket.next())).toBe("u1");

  // Redis restart: the local tab gets it at once, the other instance's tab once the bus is back.
  await restartRedis(async () => {
    sendToUser(local.app, "ada", "u2");
    expect(String(await tab1.socket.next())).toBe("u2");
  });
  expect(String(await tab2.socket.next(10_000))).toBe("u2");
  sendToUser(local.app, "ada", "u3");
  expect(String(await tab2.socket.next(5000))).toBe("u3");
  expect(String(await tab1.socket.next())).toBe("u3");

  // The other instance crashes: its tab drops (1006), misses what is sent meanwhile, and gets the next message
  // once it has reconnected to a surviving instance.
  await other.kill();
  expect((await tab2.socket.closed).code).toBe(1006);
  sendToUser(local.app, "ada", "u4");
  expect(String(await tab1.socket.next())).toBe("u4");
  const reconnected = await hello(local.url("user=ada"));
  sendToUser(local.app, "ada", "u5");
  expect(String(await reconnected.socket.next())).toBe("u5");
  expect(String(await tab1.socket.next())).toBe("u5");
  for (const s of [tab1, reconnected]) await s.socket.close();
}, 30_000);
