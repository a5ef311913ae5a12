// Connection identity: every connection gets a stable id (prefixed by the bus instance id when there is a bus)
// and may carry a user from its admission; the App reads `req.user` after its middleware. `connectionOf(ws)`
// reads it all back, on every front door.

import { afterEach, expect, test } from "bun:test";
import { bunwire, connectionOf } from "bunwire";
import { fakeBus } from "../support/fake-bus.ts";
import { Router } from "bunwire/router";
import { TestSocket } from "../support/socket.ts";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const report = {
  open(ws: Parameters<typeof connectionOf>[0]) {
    const first = connectionOf(ws)!;
    ws.send(JSON.stringify({ ...first, same: connectionOf(ws)!.id === first.id }));
  },
};

function start(app: ReturnType<typeof bunwire>): string {
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  closers.push(() => app.close());
  return `ws://127.0.0.1:${server.port}`;
}

test("every connection has its own stable string id, its route, address and opening time", async () => {
  const app = bunwire({ development: false });
  app.ws("/room/:name", report);
  const base = start(app);
  const before = Date.now();
  const [a, b] = await Promise.all([TestSocket.open(`${base}/room/x`), TestSocket.open(`${base}/room/y`)]);
  const [infoA, infoB] = [await a.json(), await b.json()];
  expect(typeof infoA.id).toBe("string");
  expect(infoA.id).not.toBe(infoB.id);
  expect(infoA.same).toBe(true);
  expect(infoA.route).toBe("/room/:name");
  expect(infoA.ip).toBe("127.0.0.1");
  expect(infoA.openedAt).toBeGreaterThanOrEqual(before);
  expect(infoA.user).toBeUndefined();
  await Promise.all([a.close(), b.close()]);
});

test("the App reads req.user after its middleware; a decision's user wins over it; trustProxy gives the forwarded address", async () => {
  const app = bunwire({ development: false, trustProxy: true });
  app.use((req, _res, next) => {
    req.user = { id: req.get("x-user") ?? "anonymous", plan: "pro" };
    next();
  });
  app.ws("/me", report);
  app.ws("/decided", { ...report, upgrade: () => ({ user: "chosen" }) });
  const base = start(app);
  const me = await TestSocket.open(`${base}/me`, { headers: { "X-User": "ada", "X-Forwarded-For": "203.0.113.5" } });
  const info = await me.json();
  expect(info.user).toEqual({ id: "ada", plan: "pro" });
  expect(info.ip).toBe("203.0.113.5");
  const decided = await TestSocket.open(`${base}/decided`);
  expect((await decided.json()).user).toEqual({ id: "chosen" });
  await Promise.all([me.close(), decided.close()]);
});

test("a Router mounted into an App: the App's req.user reaches the Router's connections; router.upgrade's user wins", async () => {
  const router = new Router();
  router.get("/vip", (req) => (router.upgrade(req, { user: { id: "vip" } }) ? new Response("ok") : undefined));
  router.websocket(report);
  const app = bunwire({ development: false });
  app.use((req, _res, next) => {
    req.user = "from-middleware";
    next();
  });
  app.use(router);
  const base = start(app);
  const plain = await TestSocket.open(`${base}/anything`);
  expect((await plain.json()).user).toEqual({ id: "from-middleware" });
  const vip = await TestSocket.open(`${base}/vip`);
  expect((await vip.json()).user).toEqual({ id: "vip" });
  await Promise.all([plain.close(), vip.close()]);
});

test("with a bus, ids start with the bus's instance id", async () => {
  const bus = fakeBus({ instanceId: "node-a" });
  const app = bunwire({ development: false, bus });
  app.ws("/x", report);
  const client = await TestSocket.open(`${start(app)}/x`);
  expect((await client.json()).id).toMatch(/^node-a:\d+$/);
  await client.close();
});
