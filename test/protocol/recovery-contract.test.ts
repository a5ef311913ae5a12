// Topic recovery on every front door (issue 14, item 3): the same contract through the App, the Router, a file
// socket route and a gateway, each as two instances sharing a real Redis (bus and history). The real client sits
// behind a proxy that moves it from instance A to instance B after cutting its connection, as a load balancer
// would: it recovers what was published while it was away, once each, in order, and says `recovered: true`; after
// a Redis restart (its data gone) it is told `recovered: false` and goes on live.

import { afterEach, describe, expect, test } from "bun:test";
import { connect, type Client, type JoinResult } from "../../src/client/index.ts";
import { deadPort, stateReached } from "../client/fixture.ts";
import { useRedisServer } from "../support/redis-server.ts";
import { DOORS, feed, type FeedInstance } from "./recovery-doors.ts";
import { SwitchProxy } from "./switch-proxy.ts";

interface Watched {
  client: Client<typeof feed>;
  seen: number[];
  rejoins: JoinResult[];
  /** Resolves once `count` ticks have arrived in all. */
  received(count: number): Promise<void>;
  /** Resolves once the client has rejoined `count` times in all. */
  rejoined(count: number): Promise<void>;
}

function watch(url: string): Watched {
  const [seen, tickCount] = counted<number>();
  const [rejoins, rejoinCount] = counted<JoinResult>();
  const client = connect<typeof feed>(url, { heartbeat: false, reconnect: { initialDelay: 10, maxDelay: 40 }, onRejoin: (_topic, result) => rejoinCount.push(result) });
  client.on("tick", ({ n }) => tickCount.push(n));
  return { client, seen, rejoins, received: tickCount.reached, rejoined: rejoinCount.reached };
}

/** A list that can be awaited until it holds `count` items. */
function counted<T>(): [T[], { push(item: T): void; reached(count: number): Promise<void> }] {
  const items: T[] = [];
  let waiters: { count: number; wake: () => void }[] = [];
  return [
    items,
    {
      push(item) {
        items.push(item);
        waiters = waiters.filter((waiter) => (items.length >= waiter.count ? (waiter.wake(), false) : true));
      },
      reached: (count) => (items.length >= count ? Promise.resolve() : new Promise<void>((wake) => waiters.push({ count, wake }))),
    },
  ];
}

/** Resolves once every instance's history answers again after a Redis restart. */
async function historyBack(...instances: FeedInstance[]): Promise<void> {
  for (const instance of instances) {
    for (let attempt = 0; ; attempt++) {
      try {
        await instance.history.last("$probe");
        break;
      } catch (error) {
        if (attempt > 250) throw error;
        await Bun.sleep(20); // the history reconnects on its own schedule; it has no readiness event
      }
    }
  }
}

/** Publishes tick `n`; resolves with its offset in the history. */
async function tick(on: FeedInstance, n: number): Promise<string | undefined> {
  return feed.publish(on.target, "news", "tick", { n });
}

for (const [label, door] of DOORS) {
  describe(`recovery across instances (${label})`, () => {
    const redis = useRedisServer();
    const open: Array<{ close(): unknown }> = [];
    afterEach(async () => {
      for (const item of open.splice(0).reverse()) await item.close();
    });

    async function cluster(): Promise<{ a: FeedInstance; b: FeedInstance; proxy: SwitchProxy }> {
      const a = await door(redis.url);
      const b = await door(redis.url);
      const proxy = SwitchProxy.start(a.port);
      open.push(a, b, { close: () => proxy.stop() });
      return { a, b, proxy };
    }

    /** Cuts the client's connection and keeps it away (the proxy points nowhere) until `moveTo`. */
    async function cutAway(proxy: SwitchProxy, watched: Watched): Promise<void> {
      proxy.target = await deadPort();
      proxy.cut();
      await stateReached(watched.client, "reconnecting");
    }

    test("a client moved from A to B after a cut recovers what it missed, once each, in order, then goes live", async () => {
      const { a, b, proxy } = await cluster();
      const watched = watch(proxy.url(a.path));
      open.push(watched.client);
      expect(await watched.client.join("news")).toMatchObject({ recovered: true, missed: 0 });
      for (const n of [1, 2, 3]) await tick(b, n); // published on B, delivered by the bus to A
      await watched.received(3);
      await cutAway(proxy, watched);
      for (const n of [4, 5]) await tick(a, n); // on the instance the client left
      proxy.target = b.port;
      await watched.rejoined(1);
      expect(watched.rejoins).toEqual([{ recovered: true, missed: 2 }]);
      expect(watched.seen).toEqual([1, 2, 3, 4, 5]);
      await tick(a, 6); // live on B through the bus
      await watched.received(6);
      expect(watched.seen).toEqual([1, 2, 3, 4, 5, 6]);
    });

    test("after a Redis restart lost the history, the rejoin says recovered: false (nothing replayed) and live events go on", async () => {
      const { a, b, proxy } = await cluster();
      const watched = watch(proxy.url(a.path));
      open.push(watched.client);
      await watched.client.join("news");
      await tick(b, 1);
      await watched.received(1);
      await cutAway(proxy, watched);
      await redis.kill();
      await redis.restart();
      await historyBack(a, b);
      expect(await tick(a, 2)).toBeString(); // recorded in the new, empty history
      proxy.target = b.port;
      await watched.rejoined(1);
      expect(watched.rejoins[0]).toMatchObject({ recovered: false, missed: 0 });
      await tick(a, 3);
      await watched.received(2);
      expect(watched.seen).toEqual([1, 3]);
    });
  });
}
