// A scripted session against two instances on one Redis, then /metrics scraped: every counter says exactly what
// was done (connects, refusals by status and code, messages and bytes, typed events and their errors, publishes
// and their fan-out, closes by code), and a Redis restart shows in the bus and readiness metrics while it lasts.

import { expect, test } from "bun:test";
import { z } from "zod";
import { BunwireError, bunwire, defineProtocol, type App } from "bunwire";
import { observe } from "bunwire/metrics";
import { redisBus, type RedisBus } from "bunwire/redis";
import { useRedisServer } from "../support/redis-server.ts";
import { TestSocket, upgradeAttempt } from "../support/socket.ts";
import { FAMILIES } from "../../src/metrics/families.ts";
import { scrape, scrapeUntil, value } from "./support.ts";
import { subscribersOnRedis } from "../redis/fixture.ts";

const calc = defineProtocol({
  name: "calc",
  client: { add: z.object({ a: z.number(), b: z.number() }), slow: z.object({}), fail: z.object({}) },
  server: {},
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const apps: App[] = [];
const sockets: TestSocket[] = [];
const redis = useRedisServer({
  beforeStop: async () => {
    for (const socket of sockets) socket.ws.close();
    await Promise.all(apps.map((app) => app.close({ timeout: 1000 })));
  },
});

function instance(): { app: App; bus: RedisBus; http: string; ws: string } {
  const bus = redisBus({ url: redis.url, reconnect: { minDelayMs: 20, maxDelayMs: 100 }, flushDelayMs: 20, heartbeatMs: 100, logger: quiet });
  const app = bunwire({ bus, development: false, logger: quiet });
  app.ws("/echo", {
    message(ws, message) {
      if (message === "boom") throw new BunwireError("BOOM", "the handler blew up");
      ws.send(message);
    },
  });
  app.ws("/rpc", calc.handle({ add: (_ws, { a, b }) => a + b, slow: async () => Bun.sleep(5).then(() => "late"), fail: () => { throw new Error("secret internals"); } }, { onError() {} }));
  app.ws("/room/:room", { open: (ws) => void ws.subscribe(ws.data.params.room!) });
  app.ws("/private", { upgrade: (req) => (req.headers.get("authorization") === "Bearer ok" ? true : new Response("who are you?", { status: 401 })) });
  app.use(observe());
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  apps.push(app);
  return { app, bus, http: `http://127.0.0.1:${server.port}`, ws: `ws://127.0.0.1:${server.port}` };
}

async function open(url: string, options?: { headers?: Record<string, string> }): Promise<TestSocket> {
  const socket = await TestSocket.open(url, options);
  sockets.push(socket);
  return socket;
}

test("after a scripted session, /metrics counts exactly what was done; a Redis restart shows while it lasts", async () => {
  const a = instance();
  const b = instance();

  // Connects: 3 echo, 2 rpc, 2 in the lobby on A; 1 in the lobby on B.
  const echo = [await open(`${a.ws}/echo`), await open(`${a.ws}/echo`), await open(`${a.ws}/echo`)];
  const rpc = [await open(`${a.ws}/rpc`), await open(`${a.ws}/rpc`)];
  await open(`${a.ws}/room/lobby`);
  await open(`${a.ws}/room/lobby`);
  const remote = await open(`${b.ws}/room/lobby`);
  await subscribersOnRedis(redis.url, "bunwire:t:lobby", 2);

  // Refusals: a foreign origin twice, a path with no route, a refused admission, a plain GET on a WebSocket path.
  for (let i = 0; i < 2; i++) expect((await upgradeAttempt(`${a.ws}/echo`, { Origin: "https://evil.example" })).status).toBe(403);
  expect((await upgradeAttempt(`${a.ws}/nowhere`)).status).toBe(404);
  expect((await upgradeAttempt(`${a.ws}/private`)).status).toBe(401);
  expect((await fetch(`${a.http}/echo`)).status).toBe(426);

  // Raw messages: 4 x "hello" on each echo socket (echoed by the app's own ws.send), then one "boom".
  for (const socket of echo) for (let i = 0; i < 4; i++) socket.send("hello");
  for (const socket of echo) expect(await socket.take(4)).toEqual(["hello", "hello", "hello", "hello"]);
  echo[0]!.send("boom");

  // Typed: three adds, one slow, one failing, one frame that is not JSON.
  for (let id = 1; id <= 3; id++) rpc[0]!.send(JSON.stringify({ event: "add", id, data: { a: id, b: 1 } }));
  expect(await rpc[0]!.take(3)).toEqual(['{"id":1,"ack":2}', '{"id":2,"ack":3}', '{"id":3,"ack":4}']);
  rpc[1]!.send('{"event":"slow","id":7,"data":{}}');
  expect(await rpc[1]!.json()).toEqual({ id: 7, ack: "late" });
  rpc[1]!.send('{"event":"fail","id":8,"data":{}}');
  expect(await rpc[1]!.json()).toMatchObject({ id: 8, error: { code: "HANDLER_ERROR" } });
  rpc[1]!.send("nope");
  expect(await rpc[1]!.json()).toMatchObject({ error: { code: "INVALID_JSON" } });

  // Two publishes on A: two local subscribers each, and one on B through the bus.
  a.app.publish("lobby", "news 1");
  a.app.publish("lobby", "news 2");
  expect(await remote.take(2)).toEqual(["news 1", "news 2"]);

  // One echo socket leaves with its own close code.
  await echo[2]!.close(4001, "bye");

  const m = await scrapeUntil(a.http, (s) => value(s, "bunwire_closes_total", { route: "/echo", code: 4001 }) === 1 && value(s, "bunwire_handler_errors_total", { route: "/echo", code: "BOOM" }) === 1, "the close and the error");
  const expected: Array<[string, Record<string, string | number>, number]> = [
    ["bunwire_connections", { route: "/echo" }, 2],
    ["bunwire_connections", { route: "/rpc" }, 2],
    ["bunwire_connections", { route: "/room/:room" }, 2],
    ["bunwire_connections", { route: "/private" }, 0],
    ["bunwire_connections_opened_total", { route: "/echo" }, 3],
    ["bunwire_connections_opened_total", { route: "/room/:room" }, 2],
    ["bunwire_upgrades_refused_total", { route: "/echo", status: 403, code: "ORIGIN_FORBIDDEN" }, 2],
    ["bunwire_upgrades_refused_total", { route: "none", status: 404, code: "ROUTE_NOT_FOUND" }, 1],
    ["bunwire_upgrades_refused_total", { route: "/private", status: 401, code: "UPGRADE_REFUSED" }, 1],
    ["bunwire_upgrades_refused_total", { route: "/echo", status: 426, code: "UPGRADE_REQUIRED" }, 1],
    ["bunwire_closes_total", { route: "/echo", code: 4001 }, 1],
    ["bunwire_messages_received_total", { route: "/echo" }, 13],
    ["bunwire_received_bytes_total", { route: "/echo" }, 12 * 5 + 4],
    // The app's own ws.send is not bunwire's: echo replies are not counted as sent.
    ["bunwire_messages_sent_total", { route: "/echo" }, 0],
    ["bunwire_handler_errors_total", { route: "/echo", code: "BOOM" }, 1],
    ["bunwire_handler_errors_total", { route: "/rpc", code: "HANDLER_ERROR" }, 1],
    ["bunwire_messages_received_total", { route: "/rpc" }, 6],
    // 3 acks + 1 ack + 1 error + 1 INVALID_JSON error.
    ["bunwire_messages_sent_total", { route: "/rpc" }, 6],
    ["bunwire_events_received_total", { protocol: "calc", event: "add" }, 3],
    ["bunwire_events_received_total", { protocol: "calc", event: "slow" }, 1],
    ["bunwire_event_errors_total", { protocol: "calc", event: "fail", code: "HANDLER_ERROR" }, 1],
    ["bunwire_protocol_rejections_total", { protocol: "calc", code: "INVALID_JSON" }, 1],
    ["bunwire_event_reply_seconds_count", { protocol: "calc", event: "add" }, 3],
    // Synchronous replies count in the first bucket without a clock read.
    ["bunwire_event_reply_seconds_bucket", { protocol: "calc", event: "add", le: "0.001" }, 3],
    ["bunwire_event_reply_seconds_count", { protocol: "calc", event: "slow" }, 1],
    ["bunwire_event_reply_seconds_bucket", { protocol: "calc", event: "slow", le: "0.001" }, 0],
    ["bunwire_publishes_total", {}, 2],
    ["bunwire_publish_deliveries_total", { origin: "local" }, 4],
    ["bunwire_bus_publishes_total", {}, 2],
    ["bunwire_bus_connected", {}, 1],
    ["bunwire_bus_outages_total", {}, 0],
    ["bunwire_ready", {}, 1],
  ];
  for (const [name, labels, count] of expected) expect({ name, labels, value: value(m, name, labels) }).toEqual({ name, labels, value: count });
  expect(value(m, "bunwire_event_reply_seconds_sum", { protocol: "calc", event: "slow" })).toBeGreaterThan(0);
  expect(m.has('bunwire_event_reply_seconds_bucket{event="add",le="+Inf",protocol="calc"}')).toBe(true);

  // Every sample carries exactly the labels its family declares (what the README lists).
  for (const sample of [...m.keys(), ...(await scrape(b.http)).keys()]) {
    const [, name, labels = ""] = /^(\w+)(?:\{(.*)\})?$/.exec(sample)!;
    const family = FAMILIES.find((f) => f.name === name || (f.type === "histogram" && name!.startsWith(`${f.name}_`)))!;
    expect({ sample, family: family?.name }).toEqual({ sample, family: expect.any(String) });
    const declared = [...family.labels, ...(name!.endsWith("_bucket") ? ["le"] : [])].sort();
    expect({ sample, labels: [...labels.matchAll(/(\w+)="/g)].map((x) => x[1]) }).toEqual({ sample, labels: declared });
  }

  const onB = await scrape(b.http);
  expect(value(onB, "bunwire_bus_receives_total")).toBe(2);
  expect(value(onB, "bunwire_publish_deliveries_total", { origin: "bus" })).toBe(2);
  expect(value(onB, "bunwire_publishes_total")).toBe(0);

  // The round trip through Redis to the other instance and back, probed with each heartbeat (100 ms here).
  const timed = await scrapeUntil(a.http, (s) => value(s, "bunwire_bus_round_trips_total") >= 2, "two round trips");
  expect(value(timed, "bunwire_bus_round_trip_seconds")).toBeGreaterThan(0);
  expect(value(timed, "bunwire_bus_round_trip_seconds")).toBeLessThan(1);
  expect(value(timed, "bunwire_bus_round_trip_mean_seconds")).toBeGreaterThan(0);

  // Redis goes away: the bus and readiness say so, and a publish waits in the buffer.
  const down = new Promise<void>((resolve) => a.bus.onStateChange((connected) => connected || resolve()));
  await redis.kill();
  await down;
  const during = await scrape(a.http);
  expect(value(during, "bunwire_bus_connected")).toBe(0);
  expect(value(during, "bunwire_ready")).toBe(0);
  expect(value(during, "bunwire_bus_outages_total")).toBe(1);
  const ready = await fetch(`${a.http}/readyz`);
  expect(ready.status).toBe(503);
  expect(((await ready.json()) as { reasons: string[] }).reasons.join()).toMatch(/^bus disconnected for \d+ ms$/);
  a.app.publish("lobby", "news 3");

  const up = new Promise<void>((resolve) => a.bus.onStateChange((connected) => connected && resolve()));
  await redis.restart();
  await up;
  expect(await remote.next(5000)).toBe("news 3");
  const after = await scrape(a.http);
  expect(value(after, "bunwire_bus_connected")).toBe(1);
  expect(value(after, "bunwire_ready")).toBe(1);
  expect(value(after, "bunwire_bus_outages_total")).toBe(1);
  expect(value(after, "bunwire_bus_buffered_total")).toBe(1);
  expect(value(after, "bunwire_bus_publishes_total")).toBe(3);
  expect(value(after, "bunwire_bus_outage_seconds_total")).toBeGreaterThan(0);
  expect(value(after, "bunwire_publishes_total")).toBe(3);
  expect((await fetch(`${a.http}/readyz`)).status).toBe(200);
}, 30_000);
