// The Router's WebSocket behaviour over real sockets: any-path upgrades, route-first admission (refuse, upgrade
// with own data and 101 headers), ws.data replaced in open, error(ws, err), publish and subscriberCount.

import { afterEach, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { BunwireError, paramsOf } from "../../src/engine/index.ts";
import { Router } from "../../src/router/index.ts";
import { client, connected, httpUrl, rawHandshake, wsUrl } from "./support.ts";

const routers: Router<any>[] = [];
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
});

function serve<D>(router: Router<D>): Server<unknown> {
  routers.push(router);
  return router.serve({ port: 0, hostname: "127.0.0.1" });
}

describe("upgrades", () => {
  test("a handshake on any path is upgraded, including a path that has an HTTP route", async () => {
    const router = new Router();
    router.get("/", () => new Response("home"));
    router.websocket({ message: (ws, m) => void ws.send(`got ${m}`) });
    const server = serve(router);
    expect(await (await fetch(httpUrl(server, "/"))).text()).toBe("home");
    for (const path of ["/", "/deep/er/path", "/other?x=1"]) {
      const c = await connected(wsUrl(server, path));
      c.send("hi");
      expect(await c.next()).toBe("got hi");
      c.close();
    }
  });

  test("the matching route runs first; if it neither upgrades nor refuses, the handshake is upgraded anyway", async () => {
    const seen: string[] = [];
    const router = new Router();
    router.get("/watched/:id", (req) => {
      seen.push(req.params.id!);
      return new Response("plain page");
    });
    router.websocket({ open: (ws) => void ws.send("open") });
    const server = serve(router);
    const c = await connected(wsUrl(server, "/watched/7"));
    expect(await c.next()).toBe("open");
    expect(seen).toEqual(["7"]);
    c.close();
  });

  test("a route answering with status >= 400 refuses the handshake with that response", async () => {
    const router = new Router();
    router.get("/private", () => new Response("Unauthorized", { status: 401, headers: { "WWW-Authenticate": "Bearer" } }));
    router.get("/gone", async () => new Response("gone", { status: 410 }));
    router.websocket({});
    const server = serve(router);
    const refused = await rawHandshake(server.port!, "/private");
    expect(refused.status).toBe(401);
    expect(refused.headers["www-authenticate"]).toBe("Bearer");
    expect(refused.body).toBe("Unauthorized");
    expect((await rawHandshake(server.port!, "/gone")).status).toBe(410);
    const c = client(wsUrl(server, "/private"));
    await expect(c.opened).rejects.toThrow();
  });

  test("a route upgrades with its own data (ws.data exactly) and headers on the 101, sync or after an await", async () => {
    const router = new Router<{ user: string }>();
    router.get("/sync", (req) => {
      const ok = router.upgrade(req, { data: { user: "sync" }, headers: { "X-Session": "s1" } });
      return new Response(ok ? "ignored" : "failed", { status: ok ? 200 : 500 });
    });
    router.get("/async", async (req) => {
      await Bun.sleep(1);
      router.upgrade(req, { data: { user: "async" }, headers: { "X-Session": "s2" } });
      return new Response("ignored");
    });
    router.websocket({ open: (ws) => void ws.send(JSON.stringify(ws.data)) });
    const server = serve(router);
    expect((await rawHandshake(server.port!, "/sync")).headers["x-session"]).toBe("s1");
    expect((await rawHandshake(server.port!, "/async")).headers["x-session"]).toBe("s2");
    for (const user of ["sync", "async"]) {
      const c = await connected(wsUrl(server, `/${user}`));
      expect(await c.json()).toEqual({ user });
      c.close();
    }
  });

  test("router.upgrade outside a handshake returns false; a plain GET to that route gets its response", async () => {
    const router = new Router();
    const results: boolean[] = [];
    router.get("/x", (req) => {
      results.push(router.upgrade(req));
      return new Response("plain");
    });
    router.websocket({});
    const server = serve(router);
    expect(await (await fetch(httpUrl(server, "/x"))).text()).toBe("plain");
    expect(results).toEqual([false]);
  });

  test("router.upgrade after the route returned is false: the handshake went on without it", async () => {
    const router = new Router<{ late?: boolean }>();
    const late = Promise.withResolvers<boolean>();
    router.get("/late", (req) => {
      setTimeout(() => late.resolve(router.upgrade(req, { data: { late: true } })), 1);
      return new Response("answered at once");
    });
    router.websocket({ open: (ws) => void ws.send(JSON.stringify(ws.data)) });
    const server = serve(router);
    const c = await connected(wsUrl(server, "/late"));
    expect(await c.json()).toEqual({});
    expect(await late.promise).toBe(false);
    c.close();
  });

  test("a route that throws during a handshake answers 500 and the server keeps serving", async () => {
    const errors: unknown[] = [];
    const router = new Router({ onError: (error) => void errors.push(error) });
    router.get("/boom", () => {
      throw new Error("route failed");
    });
    router.websocket({ open: (ws) => void ws.send("open") });
    const server = serve(router);
    expect((await rawHandshake(server.port!, "/boom")).status).toBe(500);
    expect(String(errors[0])).toContain("route failed");
    const c = await connected(wsUrl(server, "/fine"));
    expect(await c.next()).toBe("open");
    c.close();
  });
});

describe("handlers", () => {
  test("ws.data assigned in open is what message and close see", async () => {
    const closedWith: unknown[] = [];
    const router = new Router<{ userId: string; count: number }>();
    router.websocket({
      open(ws) {
        ws.data = { userId: "u-42", count: 0 };
      },
      message(ws) {
        ws.data.count++;
        ws.send(`${ws.data.userId}:${ws.data.count}`);
      },
      close(ws) {
        closedWith.push(ws.data);
      },
    });
    const server = serve(router);
    const c = await connected(wsUrl(server));
    c.send("a");
    expect(await c.next()).toBe("u-42:1");
    c.send("b");
    expect(await c.next()).toBe("u-42:2");
    c.close();
    await c.closed;
    await router.close();
    expect(closedWith).toEqual([{ userId: "u-42", count: 2 }]);
  });

  test("error(ws, err) receives what a handler threw; that socket and others keep working", async () => {
    const errors: unknown[] = [];
    const router = new Router();
    router.websocket({
      async message(ws, message) {
        if (message === "sync-boom") throw new Error("sync failure");
        if (message === "async-boom") {
          await Bun.sleep(1);
          throw new Error("async failure");
        }
        ws.send(`ok ${message}`);
      },
      error(ws, error) {
        errors.push(error);
        ws.send(`error: ${(error as Error).message}`);
      },
    });
    const server = serve(router);
    const [a, b] = await Promise.all([connected(wsUrl(server)), connected(wsUrl(server))]);
    a.send("sync-boom");
    expect(await a.next()).toBe("error: sync failure");
    a.send("async-boom");
    expect(await a.next()).toBe("error: async failure");
    b.send("1");
    expect(await b.next()).toBe("ok 1");
    a.send("2");
    expect(await a.next()).toBe("ok 2");
    expect(errors.map((e) => (e as Error).message)).toEqual(["sync failure", "async failure"]);
    a.close();
    b.close();
  });

  test("publish reaches every subscriber and subscriberCount counts them; 0 before serving", async () => {
    const router = new Router();
    expect(router.publish("lobby", "nobody")).toBe(0);
    expect(router.subscriberCount("lobby")).toBe(0);
    router.websocket({ open: (ws) => void ws.subscribe("lobby") });
    const server = serve(router);
    const sockets = await Promise.all([connected(wsUrl(server)), connected(wsUrl(server))]);
    expect(router.subscriberCount("lobby")).toBe(2);
    expect(router.publish("lobby", "hello all")).toBeGreaterThan(0);
    for (const s of sockets) expect(await s.next()).toBe("hello all");
    router.publish("lobby", new Uint8Array([7]), true);
    for (const s of sockets) expect(await s.next()).toEqual(new Uint8Array([7]));
    sockets[0]!.close();
    await sockets[0]!.closed;
    expect(router.subscriberCount("lobby")).toBe(1);
    sockets[1]!.close();
  });
});

describe("HTTP routes", () => {
  test("methods, `:id` and `{id}` params, 404 for other paths", async () => {
    const router = new Router();
    router.get("/users/:id", (req) => Response.json({ get: req.params.id }));
    router.post("/users/{id}", async (req) => Response.json({ post: req.params.id, body: await req.text() }));
    router.all("/any", (req) => new Response(req.method));
    const server = serve(router);
    expect(await (await fetch(httpUrl(server, "/users/caf%C3%A9"))).json()).toEqual({ get: "café" });
    expect(await (await fetch(httpUrl(server, "/users/9"), { method: "POST", body: "x" })).json()).toEqual({ post: "9", body: "x" });
    expect(await (await fetch(httpUrl(server, "/any"), { method: "DELETE" })).text()).toBe("DELETE");
    expect((await fetch(httpUrl(server, "/nope"))).status).toBe(404);
  });

  test("HEAD is answered by a HEAD route, else by the GET route's headers; a route returning nothing falls through", async () => {
    const router = new Router();
    router.head("/h", () => new Response(null, { headers: { "X-Route": "head" } }));
    router.get("/h", () => new Response("get body", { headers: { "X-Route": "get" } }));
    router.get("/g", () => new Response("get body", { headers: { "X-Route": "get" } }));
    router.get("/maybe/:id", (req) => (req.params.id === "mine" ? new Response("first") : undefined));
    router.get("/maybe/:other", () => new Response("second"));
    const server = serve(router);
    expect((await fetch(httpUrl(server, "/h"), { method: "HEAD" })).headers.get("x-route")).toBe("head");
    const head = await fetch(httpUrl(server, "/g"), { method: "HEAD" });
    expect(head.headers.get("x-route")).toBe("get");
    expect(await head.text()).toBe("");
    expect(await (await fetch(httpUrl(server, "/maybe/mine"))).text()).toBe("first");
    expect(await (await fetch(httpUrl(server, "/maybe/yours"))).text()).toBe("second");
  });

  test("without websocket(), a handshake is answered 404 (no WebSocket route) and GET still works", async () => {
    const router = new Router();
    router.get("/", () => new Response("home"));
    const server = serve(router);
    expect((await rawHandshake(server.port!, "/")).status).toBe(404);
    expect(await (await fetch(httpUrl(server))).text()).toBe("home");
  });

  test("bad registrations fail at start-up with a named error", () => {
    const router = new Router();
    expect(() => router.get("/x", "nope" as never)).toThrow(BunwireError);
    expect(() => router.websocket({ open: 5 as never })).toThrow(/open must be a function/);
    router.websocket({});
    expect(() => router.websocket({})).toThrow(/already called/);
  });
});

describe("paramsOf(ws) on a Router", () => {
  test("is the GET route's params, and {} without one: never the engine's any-path match", async () => {
    const router = new Router();
    router.get("/rooms/:room", (req) => (router.upgrade(req, {}) ? new Response(null) : new Response("no", { status: 400 })));
    router.websocket({ open: (ws) => ws.send(JSON.stringify(paramsOf(ws))) });
    const server = serve(router);
    const inRoom = await connected(wsUrl(server, "/rooms/blue"));
    const anywhere = await connected(wsUrl(server, "/lobby/x"));
    expect(JSON.parse(String(await inRoom.next()))).toEqual({ room: "blue" });
    expect(JSON.parse(String(await anywhere.next()))).toEqual({});
    inRoom.close();
    anywhere.close();
  });
});
