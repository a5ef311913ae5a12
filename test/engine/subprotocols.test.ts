// The `subprotocols` hook: the engine answers the first subprotocol in the handlers' preference order that the
// client offers, refuses a client that offers only others (400 naming the supported ones), adds no header for a
// client that offers none, and lets an explicit Sec-WebSocket-Protocol header from the decision win.

import { afterEach, describe, expect, test } from "bun:test";
import { bunwire } from "bunwire";
import { Router } from "bunwire/router";
import type { SocketHandlers } from "../../src/engine/index.ts";
import { rawHandshake, TestSocket, upgradeAttempt } from "../support/socket.ts";

const handlers: SocketHandlers<any> = {
  subprotocols: ["bunwire.v2+msgpack", "bunwire.v2+json"],
  open: (ws) => void ws.send("open"),
};

type Serve = (explicit?: string) => { url: string; close(): Promise<void> };

const doors: Array<[string, Serve]> = [
  [
    "App",
    (explicit) => {
      const app = bunwire({ development: false });
      app.ws("/proto", { ...handlers, upgrade: () => (explicit === undefined ? true : { headers: { "Sec-WebSocket-Protocol": explicit } }) });
      const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
      return { url: `ws://127.0.0.1:${server.port}/proto`, close: () => app.close() };
    },
  ],
  [
    "Router",
    (explicit) => {
      const router = new Router({ development: false });
      if (explicit !== undefined) router.get("/proto", (req) => (router.upgrade(req, { headers: { "Sec-WebSocket-Protocol": explicit } }) ? new Response("ok") : undefined));
      router.websocket(handlers);
      const server = router.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
      return { url: `ws://127.0.0.1:${server.port}/proto`, close: () => router.close() };
    },
  ],
];

for (const [door, serve] of doors) {
  describe(`subprotocols (${door})`, () => {
    const closing: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const close of closing.splice(0)) await close();
    });
    function start(explicit?: string) {
      const server = serve(explicit);
      closing.push(server.close);
      return server.url;
    }

    test("the server's preference wins among the offers", async () => {
      const url = start();
      const head = await rawHandshake(url, { "Sec-WebSocket-Protocol": "bunwire.v2+json, bunwire.v2+msgpack" });
      expect(head.status).toBe(101);
      expect(head.headers.filter(([name]) => name === "sec-websocket-protocol")).toEqual([["sec-websocket-protocol", "bunwire.v2+msgpack"]]);
      const client = await TestSocket.open(url, { protocols: ["bunwire.v2+json"] });
      expect(client.ws.protocol).toBe("bunwire.v2+json");
      await client.close();
    });

    test("a client offering none gets no header", async () => {
      const head = await rawHandshake(start());
      expect(head.status).toBe(101);
      expect(head.header("sec-websocket-protocol")).toBeUndefined();
    });

    test("a client offering only others gets 400 UNSUPPORTED_SUBPROTOCOL naming the supported ones", async () => {
      const refused = await upgradeAttempt(start(), { "Sec-WebSocket-Protocol": "graphql-ws, mqtt" });
      expect(refused.status).toBe(400);
      const body = await refused.text();
      expect(body).toStartWith("UNSUPPORTED_SUBPROTOCOL");
      expect(body).toContain("bunwire.v2+msgpack, bunwire.v2+json");
    });

    test("what the client offered is not repeated in the refusal (browsers send tokens as subprotocols)", async () => {
      const refused = await upgradeAttempt(start(), { "Sec-WebSocket-Protocol": "access_token, eyJhbGciOiJIUzI1NiJ9.c2VjcmV0" });
      const body = await refused.text();
      expect(body).toContain("the client offered 2 subprotocols, none of them spoken here");
      expect(body).not.toContain("eyJ");
      expect(body).not.toContain("access_token");
    });

    test("an explicit Sec-WebSocket-Protocol header from the decision wins", async () => {
      const head = await rawHandshake(start("bunwire.v2+json"), { "Sec-WebSocket-Protocol": "bunwire.v2+msgpack, bunwire.v2+json" });
      expect(head.status).toBe(101);
      expect(head.headers.filter(([name]) => name === "sec-websocket-protocol")).toEqual([["sec-websocket-protocol", "bunwire.v2+json"]]);
    });
  });
}
