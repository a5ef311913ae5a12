// Recovery across instances: events published with a Redis history carry offsets; a client that drops and
// reconnects to ANOTHER instance with its last offset gets exactly what it missed, in order, then live traffic.
import { expect, test } from "bun:test";
import type { Server } from "bun";
import { redisBus, redisHistory } from "bunwire/redis";
import type { RedisBus, RedisHistory } from "bunwire/redis";
import { chat, serveChat, Probe, urlOf, type ChatData } from "../protocol/fixture.ts";
import { useRedisServer } from "../support/redis-server.ts";
import { subscribersOnRedis } from "./fixture.ts";

const redis = useRedisServer();

interface Node {
  server: Server<ChatData>;
  bus: RedisBus;
  history: RedisHistory;
  /** The engine's publish path: local native publish, then the bus. */
  target: { server: Server<ChatData>; publish(topic: string, data: string): void };
}

async function node(): Promise<Node> {
  const history = redisHistory({ url: redis.url, maxLength: 100 });
  const server = serveChat({ history, rooms: true });
  const bus = redisBus({ url: redis.url });
  await bus.connect((topic, data, compress) => server.publish(topic, data, compress));
  const target = {
    // Where the protocol is served: `chat.publish(target, ...)` finds this instance's history through it.
    server,
    publish(topic: string, data: string) {
      server.publish(topic, data);
      bus.publish(topic, data, false);
    },
  };
  return { server, bus, history, target };
}

test("a client that reconnects to another instance with its last offset recovers what it missed, exactly once, then goes live", async () => {
  const a = await node();
  const b = await node();
  try {
    const first = new Probe(urlOf(b.server));
    await first.opened;
    const joined = await first.ask({ event: "$join", data: { topic: "news" }, id: 1 });
    expect(joined).toMatchObject({ id: 1, ack: { recovered: true, missed: 0 } });
    b.bus.subscribe("news"); // the engine does this on the first local subscriber
    await subscribersOnRedis(redis.url, "bunwire:t:news", 1);

    for (let i = 1; i <= 3; i++) await chat.publish(a.target, "news", "said", { from: "a", text: `live ${i}` });
    const live = [await first.next(), await first.next(), await first.next()];
    expect(live.map((f) => f.data.text)).toEqual(["live 1", "live 2", "live 3"]);
    const lastSeen = live[2].offset as string;

    first.ws.close();
    await first.closed;
    for (let i = 1; i <= 2; i++) await chat.publish(b.target, "news", "said", { from: "b", text: `missed ${i}` });

    // Reconnect to the OTHER instance with the last offset seen.
    const again = new Probe(urlOf(a.server));
    await again.opened;
    again.send({ event: "$join", data: { topic: "news", offset: lastSeen }, id: 2 });
    const replayed = [await again.next(), await again.next()];
    expect(replayed.map((f) => f.data.text)).toEqual(["missed 1", "missed 2"]);
    expect(await again.next()).toMatchObject({ id: 2, ack: { recovered: true, missed: 2 } });

    a.bus.subscribe("news");
    await subscribersOnRedis(redis.url, "bunwire:t:news", 2);
    await chat.publish(b.target, "news", "said", { from: "b", text: "after" });
    const next = await again.next();
    expect(next.data.text).toBe("after");
    // Offsets keep increasing across instances: the replayed and live events are one sequence.
    expect(Number(next.offset.split(":")[1])).toBe(Number(replayed[1].offset.split(":")[1]) + 1);
    again.ws.close();
  } finally {
    for (const n of [a, b]) {
      await n.server.stop(true);
      await n.bus.close();
      await n.history.close();
    }
  }
});
