// One line mounts metrics, health and the inspector on every front door: the App, a Router (served and mounted),
// file routes' router and a gateway Application (served, and mounted into an App): the same endpoints answer, and
// they count that front door's own sockets.

import { afterEach, expect, test } from "bun:test";
import { bunwire, type App } from "bunwire";
import { fileRoutes } from "bunwire/fs";
import { Application, OnMessage, WebSocketGateway, type ServerWebSocket } from "bunwire/gateway";
import { observe } from "bunwire/metrics";
import { Router } from "bunwire/router";
import { TestSocket } from "../support/socket.ts";
import { writeTree } from "../fs/support.ts";
import { scrapeUntil, TOKEN, value } from "./support.ts";

interface Closable {
  close(): Promise<void>;
}
const open: Closable[] = [];
const sockets: TestSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.close();
  await Promise.all(open.splice(0).map((door) => door.close()));
});

/** Every endpoint answers under `base`, and a socket on `socketPath` shows in the connections gauge of `route`. */
async function checkEndpoints(port: number, base: string, socketPath: string, route: string): Promise<void> {
  const http = `http://127.0.0.1:${port}${base}`;
  expect((await fetch(`${http}/healthz`)).status).toBe(200);
  expect(await (await fetch(`${http}/readyz`)).json()).toEqual({ status: "ready" });
  expect((await fetch(`${http}/_bunwire/inspector`)).status).toBe(401);
  expect((await fetch(`${http}/_bunwire/inspector`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  const socket = await TestSocket.open(`ws://127.0.0.1:${port}${socketPath}`);
  sockets.push(socket);
  socket.send("ping");
  expect(await socket.next()).toBe("ping");
  const samples = await scrapeUntil(http, (s) => value(s, "bunwire_messages_received_total", { route }) === 1, `a message on ${route}`);
  expect(value(samples, "bunwire_connections", { route })).toBe(1);
}

const echo = { message: (ws: ServerWebSocket, message: string | Buffer) => void ws.send(message) };

test("App: app.use(observe({ token }))", async () => {
  const app = bunwire({ development: false }).use(observe({ token: TOKEN }));
  app.ws("/echo", echo);
  open.push(app);
  await checkEndpoints(app.listen({ port: 0, quiet: true }).port!, "", "/echo", "/echo");
});

test("Router served on its own: router.use(observe({ token })), beside its websocket() any-path route", async () => {
  const router = new Router({ development: false });
  router.websocket(echo);
  router.use(observe({ token: TOKEN }));
  open.push(router);
  await checkEndpoints(router.listen({ port: 0, quiet: true }).port!, "", "/anything", "/*");
});

test("Router mounted into an App under a prefix: its observe() answers under the prefix, on the App's server", async () => {
  const router = new Router().use(observe({ token: TOKEN }));
  router.websocket(echo);
  const app = bunwire({ development: false }).use("/r", router);
  open.push(app);
  await checkEndpoints(app.listen({ port: 0, quiet: true }).port!, "/r", "/r/x", "/r/*");
});

test("file routes: (await fileRoutes(dir)).use(observe({ token }))", async () => {
  const dir = writeTree({ "ws/echo/route.ts": `export const onMessage = (ws, message) => ws.send(message);\n` });
  const router = (await fileRoutes(dir, { development: false })).use(observe({ token: TOKEN }));
  open.push(router);
  await checkEndpoints(router.listen({ port: 0, quiet: true }).port!, "", "/ws/echo", "/ws/echo");
});

@WebSocketGateway("/gw")
class EchoGateway {
  @OnMessage()
  echo(ws: ServerWebSocket, message: string | Buffer): void {
    ws.send(message);
  }
}

test("gateway Application: application.use(observe({ token })) gives it plain HTTP through its engine", async () => {
  const application = new Application({ globalRegistry: false, development: false }).registerGateway(EchoGateway).use(observe({ token: TOKEN }));
  open.push(application);
  const server = application.listen({ port: 0, quiet: true });
  await checkEndpoints(server.port!, "", "/gw", "/gw");
  // Paths nobody answers keep their old answers: 404, or 426 on the gateway's path.
  expect((await fetch(`http://127.0.0.1:${server.port}/nope`)).status).toBe(404);
  expect((await fetch(`http://127.0.0.1:${server.port}/gw`)).status).toBe(426);
});

test("gateway Application mounted into an App: what it uses is served by the App", async () => {
  const application = new Application({ globalRegistry: false }).registerGateway(EchoGateway).use(observe({ token: TOKEN }));
  const app: App = bunwire({ development: false }).use("/games", application);
  open.push(app);
  await checkEndpoints(app.listen({ port: 0, quiet: true }).port!, "/games", "/games/gw", "/games/gw");
});
