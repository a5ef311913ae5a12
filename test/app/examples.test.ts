// Seed 000's examples (examples/app/*.ts), imported as they are and driven by real clients.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { App } from "bunwire";
import { TestSocket, upgradeAttempt } from "../support/socket.ts";

process.env.PORT = "0";
process.env.HEARTBEAT_MS = "20";
const apps: Record<string, App> = {};
const quiet = console.log;
beforeAll(async () => {
  console.log = () => {};
  for (const name of ["quick-start", "chat-room", "notifications", "heartbeat"]) {
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

test("notifications: unauthenticated upgrades get 401; a logged-in user is notified of their order", async () => {
  expect((await upgradeAttempt(url("notifications", "/notifications"))).status).toBe(401);
  const login = await fetch(url("notifications", "/login", "http"), { method: "POST", body: JSON.stringify({ userId: "u1" }), headers: { "Content-Type": "application/json" } });
  const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
  const headers = { Cookie: cookie };
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
