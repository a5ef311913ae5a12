// Recovery loses nothing (issue 11, item 10): a client hopping between three Redis-connected instances
// (A -> C -> A -> C) while ~2,000 events/s are published on B receives every event exactly once, in order, and
// every rejoin reports `recovered: true`. Real instances (`bunwire()` with `redisBus` and `redisHistory`), a real
// Redis, the real client; the hops are server-side closes (1012) followed by the client's own reconnect.

import { expect, test } from "bun:test";
import type { ServerWebSocket } from "bun";
import { z } from "zod";
import { bunwire } from "../../src/index.ts";
import { connect, type JoinResult } from "../../src/client/index.ts";
import { defineProtocol } from "../../src/protocol/index.ts";
import { redisBus, redisHistory, type RedisHistory } from "../../src/redis/index.ts";
import { useRedisServer } from "../support/redis-server.ts";

const feed = defineProtocol({
  name: "feed",
  client: {},
  server: { tick: z.object({ n: z.number() }) },
});

interface Instance {
  app: ReturnType<typeof bunwire>;
  url: string;
  sockets: Set<ServerWebSocket<unknown>>;
  history: RedisHistory;
}

const instances: Instance[] = [];
const redis = useRedisServer({
  beforeStop: () =>
    Promise.all(instances.map(async ({ app, history }) => {
      await app.close();
      await history.close();
    })),
});

async function instance(): Promise<Instance> {
  const history = redisHistory({ url: redis.url, maxLength: 100_000 });
  const app = bunwire({ bus: redisBus({ url: redis.url }) });
  const sockets = new Set<ServerWebSocket<unknown>>();
  app.ws("/feed", feed.handle({}, {
    rooms: true,
    history,
    open: (ws) => void sockets.add(ws as ServerWebSocket<unknown>),
    close: (ws) => void sockets.delete(ws as ServerWebSocket<unknown>),
  }) as never);
  const server = app.listen(0);
  const created = { app, url: `ws://127.0.0.1:${server.port}/feed`, sockets, history };
  instances.push(created);
  return created;
}

test("a client hopping A -> C -> A -> C while B publishes ~2,000 events/s receives every event once, in order", async () => {
  const [a, b, c] = [await instance(), await instance(), await instance()];
  // Each (re)connection goes to the next instance of the hop plan.
  const plan = [a, c, a, c];
  let attempt = 0;
  class Hopping extends WebSocket {
    constructor(_url: string | URL, protocols?: string | string[]) {
      super(plan[Math.min(attempt++, plan.length - 1)]!.url, protocols);
    }
  }
  const received: number[] = [];
  const rejoins: JoinResult[] = [];
  const client = connect<typeof feed>(a.url, {
    WebSocket: Hopping,
    reconnect: { initialDelay: 5, maxDelay: 20 },
    heartbeat: false,
    gapTimeout: 100,
    onRejoin: (_topic, result) => rejoins.push(result),
  });
  client.on("tick", ({ n }) => void received.push(n));
  await client.join("ticks");

  const total = 4_000;
  let published = 0;
  const publisher = setInterval(() => {
    // 4 events every 2 ms: about 2,000 per second from instance B.
    for (let i = 0; i < 4 && published < total; i++) void feed.publish(b.app, "ticks", "tick", { n: ++published });
    if (published >= total) clearInterval(publisher);
  }, 2);

  // Hop three times while the publisher runs: the current instance closes the client's socket (1012: restart).
  for (const [at, from] of [[400, a], [800, c], [1_200, a]] as const) {
    while (published < total * (at / 2_000)) await Bun.sleep(5);
    for (const ws of from.sockets) ws.close(1012, "hop");
  }
  while (published < total) await Bun.sleep(10);
  // Every event must arrive; the test times out if one never does.
  while (received.length < total) await Bun.sleep(10);
  await Bun.sleep(50); // and no duplicate trails behind

  client.close();
  expect(attempt).toBeGreaterThanOrEqual(4); // every hop of the plan happened
  expect(rejoins.length).toBeGreaterThanOrEqual(3);
  expect(rejoins.every((result) => result.recovered)).toBe(true);
  expect(received.length).toBe(total);
  expect(received).toEqual(Array.from({ length: total }, (_, i) => i + 1));
}, 30_000);
