// Mounting at any depth: an App in an App in an App, a Router, a gateway Application and file routes in a mounted
// App. HTTP and WebSocket routes answer at the combined prefix, every App's `use` middleware on the way admits the
// upgrade once and outermost first, and routes added after mounting (at any level) are served too.

import { expect, test } from "bun:test";
import { bunwire, type Middleware } from "bunwire";
import { fileRoutes } from "bunwire/fs";
import { Application, OnMessage, WebSocketGateway, type ServerWebSocket } from "bunwire/gateway";
import { Router } from "bunwire/router";
import { writeTree } from "../fs/support.ts";
import { useApps } from "../support/apps.ts";
import { TestSocket, upgradeAttempt } from "../support/socket.ts";

const { start: serve } = useApps();

/** Middleware that records its name on the request's trail (what ran, in order) and passes. */
function mark(name: string): Middleware {
  return (req, res, next) => {
    res.set("x-trail", [res.get("x-trail"), name].filter(Boolean).join(","));
    next();
  };
}

async function echoes(url: string): Promise<string> {
  const socket = await TestSocket.open(url);
  socket.send("ping");
  const answer = String(await socket.next());
  await socket.close();
  return answer;
}

const echo = (tag: string) => ({ message: (ws: { send(data: string): unknown }, message: string | Buffer) => void ws.send(`${tag} ${String(message)}`) });

test("App in App in App, mounted before any route exists: HTTP and WebSocket at /b/c, middleware of each level once", async () => {
  const a = bunwire({ development: false });
  const b = bunwire({ development: false });
  const c = bunwire({ development: false });
  a.use(mark("a"));
  a.use("/b", b);
  b.use(mark("b"));
  b.use("/c", c);
  c.use(mark("c"));
  c.get("/hi", (_req, res) => res.send("hi from c"));
  c.ws("/chat", echo("c"));
  const { http, ws } = serve(a);

  const hi = await fetch(`${http}/b/c/hi`);
  expect([await hi.text(), hi.headers.get("x-trail")]).toEqual(["hi from c", "a,b,c"]);
  expect(await echoes(`${ws}/b/c/chat`)).toBe("c ping");
  expect((await upgradeAttempt(`${ws}/b/c/chat`)).headers.get("x-trail")).toBe("a,b,c");

  // Added after everything is mounted and listening.
  c.get("/late", (_req, res) => res.send("late from c"));
  c.ws("/late-chat", echo("late c"));
  b.ws("/b-chat", echo("b"));
  expect(await (await fetch(`${http}/b/c/late`)).text()).toBe("late from c");
  expect(await echoes(`${ws}/b/c/late-chat`)).toBe("late c ping");
  expect(await echoes(`${ws}/b/b-chat`)).toBe("b ping");
  expect((await upgradeAttempt(`${ws}/c/chat`)).status).toBe(404);
});

test("App in App in App, mounted after the routes: the same paths", async () => {
  const c = bunwire({ development: false });
  c.get("/hi", (_req, res) => res.send("hi from c"));
  c.ws("/chat", echo("c"));
  const b = bunwire({ development: false }).use("/c", c);
  const a = bunwire({ development: false }).use("/b", b);
  const { http, ws } = serve(a);
  expect(await (await fetch(`${http}/b/c/hi`)).text()).toBe("hi from c");
  expect(await echoes(`${ws}/b/c/chat`)).toBe("c ping");
});

test("a Router in an App in an App: its HTTP routes, GET-route handshakes and websocket() at /b/r, routes added later too", async () => {
  const router = new Router({ development: false });
  router.get("/status", () => new Response("router ok"));
  router.websocket({ message: (socket, message) => void socket.send(`router ${String(message)} ${String((socket.data as { room?: string }).room)}`) });
  const b = bunwire({ development: false });
  const a = bunwire({ development: false });
  a.use(mark("a"));
  a.use("/b", b);
  b.use("/r", router);
  router.get("/rooms/:room", (req) => ({ data: { room: req.params.room } }) as never);
  const { http, ws } = serve(a);
  expect(await (await fetch(`${http}/b/r/status`)).text()).toBe("router ok");
  expect(await echoes(`${ws}/b/r/rooms/blue`)).toBe("router ping blue");
  router.get("/later", () => new Response("later ok"));
  expect(await (await fetch(`${http}/b/r/later`)).text()).toBe("later ok");
  expect((await upgradeAttempt(`${ws}/b/r/rooms/blue`)).headers.get("x-trail")).toBe("a");
});

@WebSocketGateway("/gw")
class EchoGateway {
  @OnMessage()
  echo(ws: ServerWebSocket, message: string) {
    ws.send(`gateway ${message}`);
  }
}

test("a gateway Application and file routes in a mounted App: served at /b/g and /b/f", async () => {
  const files = await fileRoutes(writeTree({ "ws/echo/route.ts": "export function onMessage(ws, m) { ws.send('file ' + m); }" }));
  const gateways = new Application({ globalRegistry: false }).registerGateway(EchoGateway);
  const b = bunwire({ development: false });
  const a = bunwire({ development: false });
  a.use(mark("a"));
  a.use("/b", b);
  b.use(mark("b"));
  b.use("/g", gateways);
  b.use("/f", files);
  const { ws } = serve(a);
  expect(await echoes(`${ws}/b/g/gw`)).toBe("gateway ping");
  expect(await echoes(`${ws}/b/f/ws/echo`)).toBe("file ping");
  expect((await upgradeAttempt(`${ws}/b/g/gw`)).headers.get("x-trail")).toBe("a,b");
  expect((await upgradeAttempt(`${ws}/b/f/ws/echo`)).headers.get("x-trail")).toBe("a,b");
  // Its gateways were constructed when it was mounted: a later one would never serve, so it is refused at once.
  expect(() => gateways.registerGateway(EchoGateway)).toThrow("already mounted or listening");
});
