// What the inspector tells over its WebSocket, on one instance: routes and hottest topics, refusals, recent errors
// with their codes and a redacted message, connections found by user, id or topic, and the opt-in tail passed
// through the redaction hook, bunwire's masking and the truncation.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { bunwire, connectionOf, type App } from "bunwire";
import { observe } from "bunwire/metrics";
import type { Overview, SearchResult, TailResult } from "../../src/metrics/inspector/protocol.ts";
import { TestSocket, upgradeAttempt } from "../support/socket.ts";
import { TOKEN } from "../metrics/support.ts";

let app: App;
let ws = "";
let inspector: TestSocket;
let nextId = 1;
const ids: Record<string, string> = {};

async function ask<T>(event: string, data: object): Promise<T> {
  const id = nextId++;
  inspector.send(JSON.stringify({ event, id, data }));
  const reply = (await inspector.json()) as { id: number; ack?: T; error?: unknown };
  expect(reply.id).toBe(id);
  if (reply.error !== undefined) throw new Error(JSON.stringify(reply.error));
  return reply.ack!;
}

const sockets: TestSocket[] = [];
beforeAll(async () => {
  app = bunwire({ development: false, logger: { info() {}, warn() {}, error() {} } });
  app.use(
    observe({
      token: TOKEN,
      metrics: false,
      inspector: { tail: { maxLength: 40, redact: (data) => (typeof data === "string" && data.includes("private") ? undefined : data) } },
    }),
  );
  app.ws("/room/:room", {
    upgrade: (req) => ({ user: String(req.query.user) }),
    open(ws) {
      ws.subscribe(ws.data.params.room!);
      const { id, user } = connectionOf(ws)!;
      ids[user!.id] ??= id;
    },
    message(_ws, message) {
      throw new Error(`could not save ${String(message)} to https://db.example/q?apikey=SECRET`);
    },
  });
  ws = `ws://127.0.0.1:${app.listen({ port: 0, quiet: true }).port}`;
  inspector = await TestSocket.open(`${ws}/_bunwire/inspector/ws`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  for (const [room, user] of [["lobby", "ada"], ["lobby", "bob"], ["kitchen", "ada"]] as const) sockets.push(await TestSocket.open(`${ws}/room/${room}?user=${user}`));
});
afterAll(async () => {
  for (const socket of sockets) socket.ws.close();
  inspector.ws.close();
  await app.close();
});

test("overview: routes with their connections, hottest topics, refusals, errors with codes and redacted messages", async () => {
  expect((await upgradeAttempt(`${ws}/room/x`, { Origin: "https://evil.example" })).status).toBe(403);
  sockets[0]!.send("the cake");
  app.publish("lobby", "hello");
  let overview: Overview;
  do overview = await ask<Overview>("overview", {});
  while (overview.instances[0]!.errors.length === 0);
  expect(overview.missing).toEqual([]);
  expect(overview.tail).toBe(true);
  const [me] = overview.instances;
  expect(me!.instance).toBe("local");
  expect(me!.ready).toBe(true);
  expect(me!.routes.find((r) => r.route === "/room/:room")).toMatchObject({ open: 3, opened: 3, messagesIn: 1, errors: 1 });
  expect(me!.routes.find((r) => r.route === "/_bunwire/inspector/ws")).toMatchObject({ open: 1 });
  expect(me!.topics).toEqual([
    { topic: "lobby", subscribers: 2, publishes: 1 },
    { topic: "kitchen", subscribers: 1, publishes: 0 },
  ]);
  expect(me!.refusals).toEqual([{ route: "/room/:room", status: 403, code: "ORIGIN_FORBIDDEN", count: 1 }]);
  expect(me!.errors).toEqual([
    { at: expect.any(Number), route: "/room/:room", code: "HANDLER_ERROR", event: "message", connection: ids.ada, user: "ada", message: "could not save the cake to https://db.example/q?[redacted]" },
  ]);
  expect(me!.bus).toBeNull();
});

test("search: by user id, by connection id, by topic", async () => {
  const byUser = await ask<SearchResult>("search", { query: "ada" });
  expect(byUser.connections.map((c) => [c.user, c.route, c.topics])).toEqual([["ada", "/room/:room", ["lobby"]], ["ada", "/room/:room", ["kitchen"]]]);
  const byId = await ask<SearchResult>("search", { query: ids.bob! });
  expect(byId.connections).toEqual([{ instance: "local", id: ids.bob!, user: "bob", route: "/room/:room", ip: expect.stringContaining("127.0.0.1"), openedAt: expect.any(Number), topics: ["lobby"] }]);
  const byTopic = await ask<SearchResult>("search", { query: "lobby" });
  expect(byTopic.connections.map((c) => c.user).sort()).toEqual(["ada", "bob"]);
  expect((await ask<SearchResult>("search", { query: "nobody" })).connections).toEqual([]);
});

test("tail: only while polled, through the redaction hook, bunwire's masking and the truncation", async () => {
  expect(await ask<TailResult>("tail", { topic: "lobby", after: {} })).toEqual({ enabled: true, entries: [] });
  app.publish("lobby", JSON.stringify({ text: "hi", token: "SECRET-TOKEN" }));
  app.publish("lobby", "a private note");
  app.publish("lobby", new Uint8Array([1, 2, 3]));
  app.publish("lobby", "x".repeat(100));
  app.publish("kitchen", "not tailed");
  const { entries } = await ask<TailResult>("tail", { topic: "lobby", after: {} });
  expect(entries.map((e) => [e.seq, e.size, e.text])).toEqual([
    [1, 36, '{"text":"hi","token":"[redacted]"}'],
    [2, 3, "<binary, 3 bytes>"],
    [3, 100, `${"x".repeat(40)}…`],
  ]);
  expect((await ask<TailResult>("tail", { topic: "lobby", after: { local: 3 } })).entries).toEqual([]);
});
