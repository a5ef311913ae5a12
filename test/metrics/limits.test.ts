// The counters of what limits and histories do: a rate-limited client (1008), a client outrunning its async handler
// (1013), joins recovering from an offset the history has, and from one it cannot vouch for.

import { afterEach, expect, test } from "bun:test";
import { z } from "zod";
import { bunwire, defineProtocol, MemoryHistory, type App } from "bunwire";
import { observe } from "bunwire/metrics";
import { TestSocket } from "../support/socket.ts";
import { scrapeUntil, value } from "./support.ts";

const quiet = { info() {}, warn() {}, error() {} };
const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close({ timeout: 500 })));
});

function serve(app: App): { http: string; ws: string } {
  apps.push(app.use(observe()));
  const port = app.listen({ port: 0, quiet: true }).port;
  return { http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}` };
}

test("messageRateLimit and maxQueuedEvents: refused messages, overflows and their close codes are counted", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const app = bunwire({ development: false, logger: quiet, messageRateLimit: { messages: 2, intervalMs: 60_000, action: "close" } });
  app.ws("/limited", { message: () => {} });
  const { http, ws } = serve(app);
  // Its own front door, so the rate limit above does not apply to it.
  const slow = bunwire({ development: false, logger: quiet, maxQueuedEvents: 2 });
  slow.ws("/slow", { message: () => held });
  const other = serve(slow);

  const limited = await TestSocket.open(`${ws}/limited`);
  for (let i = 0; i < 3; i++) limited.send("x");
  expect((await limited.closed).code).toBe(1008);
  const behind = await TestSocket.open(`${other.ws}/slow`);
  for (let i = 0; i < 4; i++) behind.send("y");
  expect((await behind.closed).code).toBe(1013);
  release();

  const samples = await scrapeUntil(http, (s) => value(s, "bunwire_closes_total", { route: "/limited", code: 1008 }) === 1, "the 1008 close");
  expect(value(samples, "bunwire_rate_limited_total", { route: "/limited" })).toBe(1);
  expect(value(samples, "bunwire_messages_received_total", { route: "/limited" })).toBe(3);
  const onSlow = await scrapeUntil(other.http, (s) => value(s, "bunwire_closes_total", { route: "/slow", code: 1013 }) === 1, "the 1013 close");
  expect(value(onSlow, "bunwire_queue_overflows_total", { route: "/slow" })).toBe(1);
});

test("history recoveries: recovered when the history has every missed event, not when it cannot vouch for the gap", async () => {
  const news = defineProtocol({ name: "news", client: {}, server: { story: z.string() } });
  const history = new MemoryHistory();
  const app = bunwire({ development: false });
  app.ws("/news", news.handle({}, { rooms: true, history }));
  const { http, ws } = serve(app);
  const first = await news.publish(app, "front", "story", "one");
  await news.publish(app, "front", "story", "two");

  const reader = await TestSocket.open(`${ws}/news`);
  reader.send(JSON.stringify({ event: "$join", id: 1, data: { topic: "front", offset: first } }));
  expect(String(await reader.next())).toContain('"data":"two"');
  expect(await reader.json()).toMatchObject({ id: 1, ack: { recovered: true, missed: 1 } });
  reader.send(JSON.stringify({ event: "$join", id: 2, data: { topic: "front", offset: "not-an-offset" } }));
  expect(await reader.json()).toMatchObject({ id: 2, ack: { recovered: false } });
  reader.send(JSON.stringify({ event: "$join", id: 3, data: { topic: "back" } }));
  expect(await reader.json()).toMatchObject({ id: 3, ack: { recovered: true, missed: 0 } });

  const samples = await scrapeUntil(http, (s) => value(s, "bunwire_recoveries_total", { route: "/news", recovered: "false" }) === 1, "the failed recovery");
  // The join without an offset asked for no recovery: not counted.
  expect(value(samples, "bunwire_recoveries_total", { route: "/news", recovered: "true" })).toBe(1);
  // The replayed story and three acks are bunwire's own sends.
  expect(value(samples, "bunwire_messages_sent_total", { route: "/news" })).toBe(4);
  expect(value(samples, "bunwire_publishes_total")).toBe(2);
});
