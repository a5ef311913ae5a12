// whenSubscribed(ws, topic) through the App on real brokers: once it resolves, a publish made on ANOTHER instance
// right away reaches the socket. (Topic recovery subscribes, awaits this, then reads the history.)
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { bunwire, type App } from "bunwire";
import type { Bus } from "bunwire";
import { natsBus } from "bunwire/nats";
import { redisBus } from "bunwire/redis";
import { whenSubscribed } from "../../src/engine/topics.ts";
import { NatsServer } from "../nats/nats-server.ts";
import { RedisServer } from "../support/redis-server.ts";
import { TestSocket } from "../support/socket.ts";

let redis: RedisServer;
let nats: NatsServer;
beforeAll(async () => {
  [redis, nats] = await Promise.all([RedisServer.start(), NatsServer.start()]);
});
afterAll(async () => {
  await redis.stop();
  await nats.kill();
});
const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** Sockets on /live/:topic subscribe, await whenSubscribed, then say "live". */
function instance(bus: Bus): { app: App; url: (topic: string) => string } {
  const app = bunwire({ bus });
  app.ws("/live/:topic", {
    async open(ws) {
      const topic = ws.data.params.topic!;
      ws.subscribe(topic);
      await whenSubscribed(ws, topic);
      ws.send("live");
    },
  });
  const server = app.listen(0, "127.0.0.1");
  stops.push(() => app.close());
  return { app, url: (topic) => `ws://127.0.0.1:${server.port}/live/${topic}` };
}

describe.each([
  ["redisBus", () => redisBus({ url: redis.url })],
  ["natsBus", () => natsBus({ servers: nats.url })],
] as const)("whenSubscribed on %s", (_name, makeBus) => {
  test("a publish from another instance right after the promise resolves is received", async () => {
    const a = instance(makeBus());
    const b = instance(makeBus());
    for (let i = 0; i < 10; i++) {
      const topic = `fresh-${i}-${crypto.randomUUID()}`;
      const socket = await TestSocket.open(b.url(topic));
      stops.push(() => socket.close());
      expect(await socket.next(5000)).toBe("live");
      a.app.publish(topic, `hello ${i}`); // at once: no settling, no sleep
      expect(await socket.next()).toBe(`hello ${i}`);
    }
  });
});
