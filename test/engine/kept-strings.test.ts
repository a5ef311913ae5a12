// Idle memory (issue 16): a string a socket keeps was allocated among its upgrade's garbage and pins far more memory
// than its own bytes (bench/findings.md). The gateway, a Router and a file route without params keep none per
// socket; this counts the server's strings after a full GC with the clients in another process.

import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { fullGC, heapStats } from "bun:jsc";
import { join } from "node:path";
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

/** Strings the server process holds per socket: counted over `SOCKETS` more, after a first batch warmed it up. */
async function stringsPerSocket(url: string): Promise<number> {
  await openClients(url, 10);
  fullGC();
  const before = heapStats().objectTypeCounts.string ?? 0;
  await openClients(url, SOCKETS);
  fullGC();
  fullGC();
  return ((heapStats().objectTypeCounts.string ?? 0) - before) / SOCKETS;
}

test("a Router keeps no string per socket (its GET route's params, not the engine's any-path match)", async () => {
  const router = new Router();
  router.get("/echo", (req) => (router.upgrade(req, { data: { kind: 1 } }) ? new Response(null) : new Response("no", { status: 400 })));
  router.websocket({ message: (ws, message) => void ws.send(message) });
  const server = router.serve({ port: 0, hostname: "127.0.0.1", quiet: true });
  cleanups.push(() => router.close());
  expect(await stringsPerSocket(`ws://127.0.0.1:${server.port}/echo`)).toBeLessThan(0.5);
});

test("a file route without params keeps no string per socket (one topic and path per route)", async () => {
  const dir = runScratch("kept-strings-fs-");
  await Bun.write(join(dir, "ws/echo/route.ts"), `export function onOpen(ws, ctx) { ws.subscribe(ctx.topic); }\nexport function onMessage(ws, message) { ws.send(message); }\n`);
  const routes = await fileRoutes(dir);
  const server = routes.serve({ port: 0, hostname: "127.0.0.1", quiet: true });
  cleanups.push(() => routes.close());
  expect(await stringsPerSocket(`ws://127.0.0.1:${server.port}/ws/echo`)).toBeLessThan(0.5);
});

test("a gateway keeps no string per socket", async () => {
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
  expect(await stringsPerSocket(`ws://127.0.0.1:${server.port}/echo`)).toBeLessThan(0.5);
});
