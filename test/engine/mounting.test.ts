// Mounting: a Router, file routes or an Application mounted into an App uses the App's allowedOrigins and limits
// unless it sets its own; the innermost setting wins. Each Router keeps its own handshakes.

import { afterEach, expect, test } from "bun:test";
import { bunwire } from "bunwire";
import { fileRoutes } from "bunwire/fs";
import { Application, OnOpen, WebSocketGateway, type ServerWebSocket } from "bunwire/gateway";
import { Router } from "bunwire/router";
import { writeTree } from "../fs/support.ts";
import { rawHandshake, TestSocket } from "../support/socket.ts";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const APP = { Origin: "https://app.example" };
const PARTNER = { Origin: "https://partner.example" };

test("the innermost allowedOrigins and caps win; a front door that sets none inherits the App's", async () => {
  const app = bunwire({ development: false, allowedOrigins: "https://app.example" });
  app.ws("/app-ws", { open: (ws) => void ws.send("app") });

  const partner = new Router({ allowedOrigins: "https://partner.example" });
  partner.websocket({ open: (ws) => void ws.send("partner") });
  app.use("/partner", partner);

  const files = await fileRoutes(writeTree({ "ws/echo/route.ts": "export function onOpen(ws) { ws.send('file'); }" }));
  app.use(files);

  @WebSocketGateway("/gw")
  class Gateway {
    @OnOpen() open(ws: ServerWebSocket) {
      ws.send("gateway");
    }
  }
  const gateways = new Application({ maxConnections: 1, globalRegistry: false }).registerGateway(Gateway);
  app.use(gateways);

  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  closers.push(() => app.close());
  const base = `ws://127.0.0.1:${server.port}`;
  const status = async (path: string, headers: Record<string, string>) => (await rawHandshake(`${base}${path}`, headers)).status;

  expect(await status("/app-ws", APP)).toBe(101);
  expect(await status("/app-ws", PARTNER)).toBe(403);
  expect(await status("/partner/x", PARTNER)).toBe(101);
  expect(await status("/partner/x", APP)).toBe(403);
  expect(await status("/ws/echo", APP)).toBe(101);
  expect(await status("/ws/echo", PARTNER)).toBe(403);

  // The Application's own cap counts its gateways only; the App sets none, so its routes stay open.
  const held = await TestSocket.open(`${base}/gw`, { headers: APP });
  expect(await held.next()).toBe("gateway");
  expect(await status("/gw", APP)).toBe(503);
  expect(await status("/gw", PARTNER)).toBe(403);
  const others = await Promise.all([TestSocket.open(`${base}/app-ws`, { headers: APP }), TestSocket.open(`${base}/app-ws`, { headers: APP })]);
  for (const other of others) expect(await other.next()).toBe("app");
  for (const socket of [held, ...others]) await socket.close();
});

test("one Router's upgrade() cannot upgrade another Router's handshake", async () => {
  const a = new Router();
  const b = new Router();
  let crossed: boolean | undefined;
  a.get("/steal", (req) => {
    crossed = b.upgrade(req, { data: { by: "b" } });
    return new Response("refused", { status: 409 });
  });
  a.get("/own", (req) => (a.upgrade(req, { data: { by: "a" } }) ? new Response("ok") : new Response("failed", { status: 400 })));
  a.websocket({ open: (ws) => void ws.send(JSON.stringify(ws.data)) });
  b.websocket({ open: (ws) => void ws.send("b") });
  const app = bunwire({ development: false });
  app.use("/a", a);
  app.use("/b", b);
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  closers.push(() => app.close());
  const base = `ws://127.0.0.1:${server.port}`;
  expect((await rawHandshake(`${base}/a/steal`)).status).toBe(409);
  expect(crossed).toBe(false);
  const own = await TestSocket.open(`${base}/a/own`);
  expect(await own.json()).toEqual({ by: "a" });
  await own.close();
});
