// Seed 000's examples (examples/app/*.ts) and the HTTP bookshop, imported as they are and driven by real clients.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { App } from "bunwire";
import { TestSocket, upgradeAttempt } from "../support/socket.ts";

process.env.PORT = "0";
process.env.HEARTBEAT_MS = "20";
const apps: Record<string, App> = {};
const quiet = console.log;
beforeAll(async () => {
  console.log = () => {};
  for (const name of ["quick-start", "chat-room", "notifications", "heartbeat", "bookshop"]) {
    apps[name] = ((await import(`../../examples/app/${name}.ts`)) as { default: App }).default;
  }
});
afterAll(async () => {
  console.log = quiet;
  await Promise.all(Object.values(apps).map((app) => app.close()));
});
const url = (name: string, path: string, scheme = "ws") => `${scheme}://127.0.0.1:${apps[name]!.server!.port}${path}`;

test("quick start: welcome, echo, and GET / answers", async () => {
  const client = await TestSocket.open(url("quick-start", "/chat"));
  expect(await client.next()).toBe("Welcome to the chat!");
  client.send("hi");
  expect(await client.next()).toBe("Echo: hi");
  await client.close();
  expect(await (await fetch(url("quick-start", "/", "http"))).text()).toBe("Hello");
});

test("chat room: joins and messages reach the others in the same room only", async () => {
  const ada = await TestSocket.open(url("chat-room", "/chat/general"));
  const bob = await TestSocket.open(url("chat-room", "/chat/general"));
  const elsewhere = await TestSocket.open(url("chat-room", "/chat/other"));
  expect(await ada.next()).toBe("User joined");
  bob.send("hello room");
  expect(await ada.next()).toBe("hello room");
  await bob.close();
  expect(await ada.next()).toBe("User left");
  expect(elsewhere.frames).toEqual([]);
  await ada.close();
  await elsewhere.close();
});

test("notifications: unauthenticated upgrades and orders get 401; a logged-in user is notified of their order", async () => {
  expect((await upgradeAttempt(url("notifications", "/notifications"))).status).toBe(401);
  expect((await upgradeAttempt(url("notifications", "/protected"))).status).toBe(401);
  expect((await fetch(url("notifications", "/api/order", "http"), { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } })).status).toBe(401);
  const login = await fetch(url("notifications", "/login", "http"), { method: "POST", body: JSON.stringify({ userId: "u1" }), headers: { "Content-Type": "application/json" } });
  const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
  const headers = { Cookie: cookie };
  const greeted = await TestSocket.open(url("notifications", "/protected"), { headers });
  expect(await greeted.next()).toBe("hello u1");
  await greeted.close();
  const me = await TestSocket.open(url("notifications", "/user"), { headers: { ...headers, "User-Agent": "seed-test" } });
  expect(await me.json()).toEqual({ userId: "u1", userAgent: "seed-test" });
  await me.close();
  const notifications = await TestSocket.open(url("notifications", "/notifications"), { headers });
  const order = await fetch(url("notifications", "/api/order", "http"), { method: "POST", body: JSON.stringify({ item: "book" }), headers: { ...headers, "Content-Type": "application/json" } });
  expect(await order.json()).toEqual({ id: "order-1", item: "book" });
  expect(await notifications.json()).toEqual({ type: "order_created", orderId: "order-1" });
  await notifications.close();
});

test("heartbeat: the server pings; pongs are ignored, other messages answered with bufferedAmount", async () => {
  const client = await TestSocket.open(url("heartbeat", "/stream"));
  expect(await client.json()).toEqual({ type: "ping" });
  client.send(JSON.stringify({ type: "pong" }));
  client.send(JSON.stringify({ type: "other" }));
  let reply = await client.json();
  while (reply.type === "ping") reply = await client.json();
  expect(reply).toEqual({ type: "ack", buffered: 0 });
  await client.close();
});

test("bookshop: the API router, param loading, sessions, body limits, multipart covers, static files, CORS, JSON errors", async () => {
  const http = (path: string) => url("bookshop", path, "http");
  expect(await (await fetch(http("/api/books"))).json()).toEqual([{ id: "1", title: "The Left Hand of Darkness" }]);
  expect(await (await fetch(http("/api/books/1"))).json()).toEqual({ id: "1", title: "The Left Hand of Darkness" });
  const missing = await fetch(http("/api/books/9"));
  expect([missing.status, await missing.json()]).toEqual([404, { error: "no book 9" }]);
  const json = (body: string, cookie = "") => ({ method: "POST", body, headers: { "Content-Type": "application/json", Cookie: cookie } });
  expect((await fetch(http("/api/books"), json('{"title":"Kindred"}'))).status).toBe(401);
  const login = await fetch(http("/login"), json('{"user":"ada"}'));
  const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
  const created = await fetch(http("/api/books"), json('{"title":"Kindred"}', cookie));
  expect([created.status, created.headers.get("location"), await created.json()]).toEqual([201, "/api/books/2", { id: "2", title: "Kindred" }]);
  const malformed = await fetch(http("/api/books"), json("{title", cookie));
  expect(malformed.status).toBe(400);
  expect((await malformed.json()).error).toContain("not valid JSON");
  const tooBig = await fetch(http("/api/books"), json(JSON.stringify({ title: "x".repeat(70_000) }), cookie));
  expect(tooBig.status).toBe(413);
  const form = new FormData();
  form.append("cover", new File([new Uint8Array(100_000)], "cover.png", { type: "image/png" }));
  const cover = await fetch(http("/api/books/2/cover"), { method: "POST", body: form });
  expect([cover.status, await cover.json()]).toEqual([201, { book: "2", bytes: 100_000, type: "image/png" }]);
  const noFile = await fetch(http("/api/books/2/cover"), { method: "POST", body: new URLSearchParams({ cover: "text" }) });
  expect([noFile.status, await noFile.json()]).toEqual([400, { error: 'send the cover as a file field named "cover"' }]);
  expect((await fetch(http("/api/books/2"), { method: "DELETE" })).status).toBe(204);
  const welcome = await fetch(http("/assets/welcome.txt"));
  expect([welcome.headers.get("cache-control"), (await welcome.text()).startsWith("Welcome to the bookshop")]).toEqual(["public, max-age=60", true]);
  const preflight = await fetch(http("/api/books"), { method: "OPTIONS", headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": "POST" } });
  expect([preflight.status, preflight.headers.get("access-control-allow-origin"), preflight.headers.get("access-control-allow-credentials")]).toEqual([204, "http://localhost:5173", "true"]);
});
