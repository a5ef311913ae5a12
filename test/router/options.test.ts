// Every WebSocket option of `router.websocket({...})` reaches Bun when the router serves itself: each test shows
// the behaviour a user turns the option on for.

import { afterEach, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { Router, type WebSocketConfig } from "../../src/router/index.ts";
import { connected, rawHandshake, wsUrl } from "./support.ts";

const routers: Router<any>[] = [];
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
});

function serveWith(config: WebSocketConfig<Record<string, unknown>>): Server<unknown> {
  const router = new Router();
  router.websocket(config);
  routers.push(router);
  return router.serve({ port: 0, hostname: "127.0.0.1" });
}

const OFFER = { "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits" };

describe("router.websocket options", () => {
  test("maxPayloadLength: a larger message closes the connection with 1009", async () => {
    const server = serveWith({ maxPayloadLength: 1024, message: (ws, m) => void ws.send(`ok ${m.length}`) });
    const c = await connected(wsUrl(server));
    c.send("x".repeat(1024));
    expect(await c.next()).toBe("ok 1024");
    c.send("x".repeat(1025));
    expect((await c.closed).code).toBe(1009);
  });

  test("perMessageDeflate: negotiated when on (true or { compress, decompress }), absent when off", async () => {
    const plain = serveWith({});
    expect((await rawHandshake(plain.port!, "/", OFFER)).headers["sec-websocket-extensions"]).toBeUndefined();
    const on = serveWith({ perMessageDeflate: true });
    expect((await rawHandshake(on.port!, "/", OFFER)).headers["sec-websocket-extensions"]).toContain("permessage-deflate");
    const sized = serveWith({ perMessageDeflate: { compress: "16KB", decompress: true }, message: (ws, m) => void ws.send(m, true) });
    const head = await rawHandshake(sized.port!, "/", OFFER);
    expect(head.status).toBe(101);
    expect(head.headers["sec-websocket-extensions"]).toContain("permessage-deflate");
    // A real client round-trips compressed messages through it.
    const c = await connected(wsUrl(sized));
    c.send("compress me ".repeat(200));
    expect(await c.next()).toBe("compress me ".repeat(200));
    c.close();
  });

  test("publishToSelf: ws.publish reaches the publisher only when true", async () => {
    for (const publishToSelf of [true, false]) {
      const server = serveWith({
        publishToSelf,
        open: (ws) => void ws.subscribe("room"),
        message(ws, message) {
          if (message === "publish") ws.publish("room", `from ${publishToSelf}`);
          else ws.send(`echo ${message}`);
        },
      });
      const [me, other] = await Promise.all([connected(wsUrl(server)), connected(wsUrl(server))]);
      me.send("publish");
      expect(await other.next()).toBe(`from ${publishToSelf}`);
      // Frames on one socket arrive in order: a self-publish would come before this echo.
      me.send("marker");
      expect(await me.next()).toBe(publishToSelf ? `from ${publishToSelf}` : "echo marker");
      me.close();
      other.close();
    }
  });

  test("backpressureLimit + closeOnBackpressureLimit: a socket that queues past the limit is closed", async () => {
    const results: number[] = [];
    const server = serveWith({
      backpressureLimit: 64 * 1024,
      closeOnBackpressureLimit: true,
      message(ws) {
        const chunk = "y".repeat(256 * 1024);
        for (let i = 0; i < 64 && ws.readyState === 1; i++) results.push(ws.send(chunk));
      },
    });
    const c = await connected(wsUrl(server));
    c.send("flood");
    // Bun drops the connection without a close frame: the client sees 1006.
    expect((await c.closed).code).toBe(1006);
    expect(results).toContain(-1);
  });

  test("backpressureLimit without closing: sends past the limit are dropped (0) and the socket stays open", async () => {
    const results: number[] = [];
    const server = serveWith({
      backpressureLimit: 64 * 1024,
      closeOnBackpressureLimit: false,
      message(ws, message) {
        if (message !== "flood") return void ws.send("still open");
        const chunk = "z".repeat(256 * 1024);
        for (let i = 0; i < 64; i++) results.push(ws.send(chunk));
      },
    });
    const c = await connected(wsUrl(server));
    c.send("flood");
    await c.next();
    // The flood ran synchronously before its first frame arrived: read what was not dropped, then ask again.
    expect(results).toContain(0);
    for (let i = 1; i < results.filter((r) => r !== 0).length; i++) await c.next();
    c.send("ping");
    expect(await c.next()).toBe("still open");
    c.close();
  });

  test("idleTimeout closes a silent connection when sendPings is off; with sendPings the server pings and it stays", async () => {
    const pongs: number[] = [];
    const silent = serveWith({ idleTimeout: 8, sendPings: false });
    const pinged = serveWith({ idleTimeout: 8, sendPings: true, pong: () => void pongs.push(Date.now()) });
    const [a, b] = await Promise.all([connected(wsUrl(silent)), connected(wsUrl(pinged))]);
    const closed = await a.closed;
    expect(closed.code).not.toBe(1000);
    // The pinged client answered the server's ping (Bun's client pongs by itself) and is still open.
    while (pongs.length === 0) await Bun.sleep(100);
    expect(b.ws.readyState).toBe(WebSocket.OPEN);
    b.close();
  }, 30_000);
});
