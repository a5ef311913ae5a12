// File routes mounted into the App: `app.use(await fileRoutes(dir))` and under a prefix, next to the App's own
// routes, with ctx.broadcast going through the App's engine (app.publish reaches the same topic).

import { afterEach, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { fileRoutes } from "../../src/fs/index.ts";
import { bunwire, type App } from "../../src/index.ts";
import { connected, httpUrl, rawHandshake, wsUrl } from "../router/support.ts";
import { writeTree } from "./support.ts";

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function listen(app: App): Server<unknown> {
  apps.push(app);
  return app.listen(0, "127.0.0.1");
}

const TREE = {
  "ws/room/[id]/route.ts": `
    export function upgrade(req) { return new URL(req.url).searchParams.has("deny") ? false : { data: { id: 1 } }; }
    export function onOpen(ws, ctx) { ws.send("joined " + ctx.topic); }
    export function onMessage(ws, message, ctx) { ctx.broadcast(message); }
  `,
};

describe("app.use(await fileRoutes(dir))", () => {
  test("file routes serve next to the App's routes; broadcast and app.publish share the per-path topic", async () => {
    const app = bunwire();
    app.get("/health", (_req, res) => res.send("ok"));
    app.use(await fileRoutes(writeTree(TREE)));
    const server = listen(app);
    expect(await (await fetch(httpUrl(server, "/health"))).text()).toBe("ok");
    const a = await connected(wsUrl(server, "/ws/room/1"));
    const b = await connected(wsUrl(server, "/ws/room/1"));
    expect(await a.next()).toBe("joined ws-room-1");
    expect(await b.next()).toBe("joined ws-room-1");
    a.send("hi");
    expect(await a.next()).toBe("hi");
    expect(await b.next()).toBe("hi");
    expect(app.subscriberCount("ws-room-1")).toBe(2);
    app.publish("ws-room-1", "from the app");
    expect(await a.next()).toBe("from the app");
    expect((await rawHandshake(server.port!, "/ws/room/1?deny")).status).toBe(403);
    a.close();
    b.close();
  });

  test('app.use("/realtime", ...) serves the same routes under the prefix; the topic stays the file\'s', async () => {
    const app = bunwire();
    app.use("/realtime", await fileRoutes(writeTree(TREE)));
    const server = listen(app);
    const a = await connected(wsUrl(server, "/realtime/ws/room/9"));
    expect(await a.next()).toBe("joined ws-room-9");
    expect((await rawHandshake(server.port!, "/ws/room/9")).status).toBe(404);
    a.close();
  });

  test("mounted, the file routes have no server or port of their own; publish and counts go through the App's", async () => {
    const files = await fileRoutes(writeTree(TREE));
    const app = bunwire();
    app.use(files);
    const server = listen(app);
    expect([files.server, files.port]).toEqual([undefined, undefined]);
    const c = await connected(wsUrl(server, "/ws/room/9"));
    expect(await c.next()).toBe("joined ws-room-9");
    expect(files.subscriberCount("ws-room-9")).toBe(1);
    expect(files.publish("ws-room-9", "via the files")).toBeGreaterThan(0);
    expect(await c.next()).toBe("via the files");
    c.close();
  });

  test("the App's middleware runs before a route's upgrade", async () => {
    const app = bunwire();
    app.use((req, res, next) => (req.query.token === "ok" ? next() : res.status(401).send("token please")));
    app.use(await fileRoutes(writeTree(TREE)));
    const server = listen(app);
    const refused = await rawHandshake(server.port!, "/ws/room/1");
    expect(refused.status).toBe(401);
    const a = await connected(wsUrl(server, "/ws/room/1?token=ok"));
    expect(await a.next()).toBe("joined ws-room-1");
    a.close();
  });
});
