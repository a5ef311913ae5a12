// A Router mounted into the App (`app.use(router)`, `app.use("/prefix", router)`): the same routes, the same
// route-first upgrade, and publish/subscriberCount/upgrade through the App's engine.

import { afterEach, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { bunwire, type App } from "../../src/index.ts";
import { Router } from "../../src/router/index.ts";
import { connected, httpUrl, rawHandshake, wsUrl } from "./support.ts";
import { recordingLogger } from "../engine/support.ts";

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function listen(app: App): Server<unknown> {
  apps.push(app);
  return app.listen(0, "127.0.0.1");
}

function chatRouter(): Router<{ user: string }> {
  const router = new Router<{ user: string }>();
  router.get("/", () => new Response("router home"));
  router.get("/users/:id", (req) => Response.json({ id: req.params.id }));
  router.post("/echo", async (req) => new Response(await req.text()));
  router.get("/private", () => new Response("Unauthorized", { status: 401 }));
  router.get("/me", (req) => {
    router.upgrade(req, { data: { user: "from-route" }, headers: { "X-Who": "from-route" } });
    return new Response("upgraded");
  });
  router.websocket({
    open(ws) {
      if (ws.data.user === undefined) ws.data = { user: "anonymous" };
      ws.subscribe("all");
      ws.send(`hello ${ws.data.user}`);
    },
    message(ws, message) {
      if (message === "count") ws.send(String(router.subscriberCount("all")));
      else router.publish("all", `${ws.data.user}: ${message}`);
    },
  });
  return router;
}

describe("app.use(router)", () => {
  test("HTTP routes, params and bodies are served by the App", async () => {
    const app = bunwire();
    app.use(chatRouter());
    const server = listen(app);
    expect(await (await fetch(httpUrl(server, "/"))).text()).toBe("router home");
    expect(await (await fetch(httpUrl(server, "/users/5"))).json()).toEqual({ id: "5" });
    expect(await (await fetch(httpUrl(server, "/echo"), { method: "POST", body: "ping" })).text()).toBe("ping");
    // websocket() takes handshakes on every path, so a plain GET nobody routes is told to upgrade.
    expect((await fetch(httpUrl(server, "/nope"))).status).toBe(426);
  });

  test("any-path upgrade, route-first refusal and route upgrade with data and 101 headers work the same", async () => {
    const app = bunwire();
    app.use(chatRouter());
    const server = listen(app);
    const anyone = await connected(wsUrl(server, "/somewhere"));
    expect(await anyone.next()).toBe("hello anonymous");
    expect((await rawHandshake(server.port!, "/private")).status).toBe(401);
    const head = await rawHandshake(server.port!, "/me");
    expect(head.status).toBe(101);
    expect(head.headers["x-who"]).toBe("from-route");
    const me = await connected(wsUrl(server, "/me"));
    expect(await me.next()).toBe("hello from-route");
    me.send("count");
    expect(await me.next()).toBe(String(app.subscriberCount("all")));
    me.send("hi");
    expect(await me.next()).toBe("from-route: hi");
    expect(await anyone.next()).toBe("from-route: hi");
    anyone.close();
    me.close();
  });

  test("the App's middleware runs before the router's upgrade and may refuse it", async () => {
    const app = bunwire();
    app.use((req, res, next) => (req.get("x-banned") ? res.status(403).send("banned") : next()));
    app.use(chatRouter());
    const server = listen(app);
    expect((await rawHandshake(server.port!, "/", { "X-Banned": "1" })).status).toBe(403);
    const ok = await connected(wsUrl(server, "/"));
    expect(await ok.next()).toBe("hello anonymous");
    ok.close();
  });

  test('app.use("/prefix", router): routes and WebSockets live under the prefix only, next to the App\'s own', async () => {
    const app = bunwire();
    app.get("/", (_req, res) => res.send("app home"));
    app.ws("/app-ws", { open: (ws) => void ws.send("app socket") });
    app.use("/chat", chatRouter());
    const server = listen(app);
    expect(await (await fetch(httpUrl(server, "/"))).text()).toBe("app home");
    expect(await (await fetch(httpUrl(server, "/chat"))).text()).toBe("router home");
    expect(await (await fetch(httpUrl(server, "/chat/users/3"))).json()).toEqual({ id: "3" });
    expect((await rawHandshake(server.port!, "/chat/private")).status).toBe(401);
    const routed = await connected(wsUrl(server, "/chat/room"));
    expect(await routed.next()).toBe("hello anonymous");
    const me = await connected(wsUrl(server, "/chat/me"));
    expect(await me.next()).toBe("hello from-route");
    const own = await connected(wsUrl(server, "/app-ws"));
    expect(await own.next()).toBe("app socket");
    expect((await rawHandshake(server.port!, "/elsewhere")).status).toBe(404);
    for (const s of [routed, me, own]) s.close();
  });

  test("mounted, the router has no server or port of its own; publish and counts go through the App's", async () => {
    const router = chatRouter();
    const app = bunwire();
    app.use(router);
    const server = listen(app);
    expect([router.server, router.port]).toEqual([undefined, undefined]);
    const c = await connected(wsUrl(server, "/"));
    expect(await c.next()).toBe("hello anonymous");
    expect(router.subscriberCount("all")).toBe(1);
    expect(router.publish("all", "via the router")).toBeGreaterThan(0);
    expect(await c.next()).toBe("via the router");
    c.close();
  });

  test("two routers with websocket() on the same prefix: a clear error at mount time, not a silent shadow", () => {
    const app = bunwire();
    app.use(chatRouter());
    expect(() => app.use(chatRouter())).toThrow(/mount them under different prefixes/);
    app.use("/other", chatRouter());
  });
});

test("mounted, a Router's own WebSocket options say they do nothing, whether given to new Router() or router.websocket()", () => {
  for (const [label, make] of [
    ["constructor", () => new Router({ websocket: { idleTimeout: 30, maxPayloadLength: 1024 } }).websocket({ message() {} })],
    ["websocket()", () => new Router().websocket({ idleTimeout: 30, maxPayloadLength: 1024, message() {} })],
  ] as const) {
    const logger = recordingLogger();
    const app = bunwire({ logger });
    app.use(make());
    expect({ label, warnings: logger.messages("warn") }).toEqual({
      label,
      warnings: ["[bunwire] the Router's WebSocket options (idleTimeout, maxPayloadLength) apply to router.listen() / serve() only; mounted into an app, set them on the app"],
    });
  }
  const quiet = recordingLogger();
  bunwire({ logger: quiet }).use(new Router().websocket({ message() {} }));
  expect(quiet.messages("warn")).toEqual([]);
});
