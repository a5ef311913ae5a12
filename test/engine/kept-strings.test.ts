// Idle memory (issue 16): a string a socket keeps was allocated among its upgrade's garbage and pins far more memory
// than its own bytes (bench/findings.md). The gateway, a Router and a file route without params keep none per
// socket, and the App one (`ws.data.req`'s url and own header lines); a route without params keeps no params
// object either (one frozen object is shared). This counts the server's strings and plain objects after a full
// GC, with the clients in another process.

import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { fullGC, heapStats } from "bun:jsc";
import { join } from "node:path";
import { bunwire } from "../../src/index.ts";
import { Router } from "../../src/router/index.ts";
import { fileRoutes } from "../../src/fs/index.ts";
import { Application, Module, OnMessage, WebSocketGateway, type ServerWebSocket } from "../../src/gateway/index.ts";
import { runScratch } from "../support/scratch.ts";

// The clients run in a Bun child process: on a cold checkout its start alone can take seconds.
setDefaultTimeout(20_000);

const SOCKETS = 60;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** N idle clients in a child process, resolved once they are all open. */
async function openClients(url: string, count: number): Promise<void> {
  const clients = Bun.spawn([process.execPath, join(import.meta.dir, "fixtures/idle-clients.ts"), url, String(count)], { stdout: "pipe", stderr: "inherit" });
  cleanups.push(() => clients.kill());
  const reader = clients.stdout.getReader();
  let text = "";
  while (!text.includes("OPEN")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the client process ended before its sockets opened");
    text += new TextDecoder().decode(value);
  }
}

/** Strings and plain objects the server process holds per socket: counted over `SOCKETS` more, after a first batch warmed it up. */
async function keptPerSocket(url: string): Promise<{ strings: number; objects: number }> {
  await openClients(url, 10);
  fullGC();
  const before = heapStats().objectTypeCounts;
  await openClients(url, SOCKETS);
  fullGC();
  fullGC();
  const after = heapStats().objectTypeCounts;
  const grown = (type: string) => ((after[type] ?? 0) - (before[type] ?? 0)) / SOCKETS;
  return { strings: grown("string"), objects: grown("Object") };
}

test("a Router keeps no string per socket (its GET route's params, not the engine's any-path match), and two objects: the connection record and ws.data", async () => {
  const router = new Router();
  router.get("/echo", (req) => (router.upgrade(req, { data: { kind: 1 } }) ? new Response(null) : new Response("no", { status: 400 })));
  router.websocket({ message: (ws, message) => void ws.send(message) });
  const server = router.serve({ port: 0, hostname: "127.0.0.1", quiet: true });
  cleanups.push(() => router.close());
  const kept = await keptPerSocket(`ws://127.0.0.1:${server.port}/echo`);
  expect(kept.strings).toBeLessThan(0.5);
  expect(kept.objects).toBeLessThan(2.5);
});

test("a file route without params keeps no string per socket (one topic and path per route), and three objects: the record, ctx and ws.data", async () => {
  const dir = runScratch("kept-strings-fs-");
  await Bun.write(join(dir, "ws/echo/route.ts"), `export function onOpen(ws, ctx) { ws.subscribe(ctx.topic); }\nexport function onMessage(ws, message) { ws.send(message); }\n`);
  const routes = await fileRoutes(dir);
  const server = routes.serve({ port: 0, hostname: "127.0.0.1", quiet: true });
  cleanups.push(() => routes.close());
  const kept = await keptPerSocket(`ws://127.0.0.1:${server.port}/ws/echo`);
  expect(kept.strings).toBeLessThan(0.5);
  expect(kept.objects).toBeLessThan(3.5);
});

test("a gateway keeps no string per socket, and two objects: the connection record and ws.data", async () => {
  @WebSocketGateway("/echo")
  class EchoGateway {
    @OnMessage()
    echo(ws: ServerWebSocket, message: string | Buffer) {
      ws.send(message);
    }
  }
  @Module({ providers: [EchoGateway] })
  class EchoModule {}
  const app = new Application({ hostname: "127.0.0.1" });
  app.registerModule(EchoModule);
  const server = app.listen(0);
  cleanups.push(() => app.close());
  const kept = await keptPerSocket(`ws://127.0.0.1:${server.port}/echo`);
  expect(kept.strings).toBeLessThan(0.5);
  expect(kept.objects).toBeLessThan(2.5);
});

test("an App route keeps one string per socket (ws.data.req's url and own header lines) and at most three objects: the record, ws.data and ws.data.req", async () => {
  const app = bunwire({ development: false });
  app.ws("/echo", { message: (ws, message) => void ws.send(message) });
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  cleanups.push(() => app.close());
  const kept = await keptPerSocket(`ws://127.0.0.1:${server.port}/echo`);
  expect(kept.strings).toBeLessThan(1.5);
  expect(kept.objects).toBeLessThan(3.5);
});
