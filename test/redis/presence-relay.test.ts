// Presence events reach each client exactly once however many instances run: every instance relays the events
// to ITS OWN sockets (`presence.relay(app)` publishes with the local-only `server.publish`). The wiring the docs
// used to show, `app.publish` in a presence listener on every instance, delivered one copy per instance.
import { afterEach, expect, test } from "bun:test";
import { bunwire, type App } from "bunwire";
import { redisBus, redisPresence, type PresenceEvent, type RedisPresence } from "bunwire/redis";
import { useRedisServer } from "../support/redis-server.ts";
import { TestSocket } from "../support/socket.ts";
import { subscribersOnRedis } from "./fixture.ts";

const redis = useRedisServer();
const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** One instance: /watch/:room only listens; /join/:room/:user is present in the room while connected. */
async function instance(wiring: "relay" | "app.publish"): Promise<{ app: App; presence: RedisPresence; url: (path: string) => string }> {
  const app = bunwire({ bus: redisBus({ url: redis.url }) });
  const presence = redisPresence({ url: redis.url });
  app.ws("/watch/:room", {
    open(ws) {
      ws.subscribe(ws.data.params.room!);
      ws.send("watching");
    },
  });
  app.ws("/join/:room/:user", {
    async open(ws) {
      await presence.join(ws.data.params.room!, ws.data.params.user!);
      ws.send("joined");
    },
    async close(ws) {
      await presence.leave(ws.data.params.room!, ws.data.params.user!);
    },
  });
  if (wiring === "relay") presence.relay(app);
  else presence.subscribe("lobby", (event) => app.publish("lobby", JSON.stringify(event))); // the old documented wiring
  const server = app.listen(0, "127.0.0.1");
  stops.push(() => app.close(), () => presence.close());
  await presence.ready();
  return { app, presence, url: (path) => `ws://127.0.0.1:${server.port}${path}` };
}

async function open(url: string, greeting: string): Promise<TestSocket> {
  const socket = await TestSocket.open(url);
  stops.push(() => socket.close());
  expect(await socket.next(5000)).toBe(greeting);
  return socket;
}

/** Runs ann joins, ann leaves, bob joins; returns what each watcher received until `until` says it has enough. */
async function scenario(wiring: "relay" | "app.publish", until: (events: string[]) => boolean): Promise<string[][]> {
  const a = await instance(wiring);
  const b = await instance(wiring);
  const watchers = [await open(a.url("/watch/lobby"), "watching"), await open(b.url("/watch/lobby"), "watching")];
  await subscribersOnRedis(redis.url, "bunwire:t:lobby", 2);
  const ann = await open(a.url("/join/lobby/ann"), "joined");
  ann.ws.close();
  await ann.closed;
  await open(b.url("/join/lobby/bob"), "joined");
  const seen: string[][] = [];
  for (const watcher of watchers) {
    const events: string[] = [];
    while (!until(events)) {
      const event = JSON.parse(String(await watcher.next(5000))) as PresenceEvent;
      events.push(`${event.type} ${event.id}`);
    }
    seen.push(events);
  }
  return seen;
}

test("presence.relay(app) on every instance: each client gets each join and leave exactly once", async () => {
  expect(await scenario("relay", (events) => events.includes("join bob"))).toEqual([
    ["join ann", "leave ann", "join bob"],
    ["join ann", "leave ann", "join bob"],
  ]);
});

test("the old wiring (app.publish in a listener on every instance) gives each client one copy per instance: why relay exists", async () => {
  const twice = (events: string[]) => events.filter((e) => e === "join ann").length === 2;
  for (const events of await scenario("app.publish", twice)) expect(twice(events)).toBe(true);
});
