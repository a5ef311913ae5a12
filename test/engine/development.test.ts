// Development feedback: refused upgrades are logged with their reason (a wrong path lists the routes there are),
// a plain request on a WebSocket path says why it got 426, and every listen() says where it listens unless quiet.

import { afterEach, describe, expect, test } from "bun:test";
import { bunwire } from "bunwire";
import { fileRoutes } from "bunwire/fs";
import { Application } from "bunwire/gateway";
import { Router } from "bunwire/router";
import { writeTree } from "../fs/support.ts";
import { rawHandshake, TestSocket, upgradeAttempt } from "../support/socket.ts";
import { recordingLogger } from "./support.ts";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe("refused upgrades in development", () => {
  test("a handshake Bun refuses itself is logged with the status the client got: 426 for a version other than 13, 400 without a key", async () => {
    const logger = recordingLogger();
    const app = bunwire({ development: true, logger });
    app.ws("/live", {});
    const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
    closers.push(() => app.close());
    const request = (lines: string[]) => `GET /live HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n${lines.join("\r\n")}\r\n\r\n`;
    const url = `ws://127.0.0.1:${server.port}/live`;
    const oldVersion = await rawHandshake(url, {}, request(["Sec-WebSocket-Version: 8", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]));
    expect([oldVersion.status, oldVersion.header("sec-websocket-version")]).toEqual([426, "13"]);
    expect((await rawHandshake(url, {}, request(["Sec-WebSocket-Version: 13"]))).status).toBe(400);
    const warnings = logger.messages("warn");
    expect(warnings[0]).toContain("refused with 426: UPGRADE_FAILED: Sec-WebSocket-Version 8 is not supported (only 13)");
    expect(warnings[1]).toContain("refused with 400: UPGRADE_FAILED");
  });

  test("each refusal is logged with its status and reason", async () => {
    const logger = recordingLogger();
    const app = bunwire({ development: true, logger, maxConnections: 1 });
    app.ws("/chat/:room", { open: (ws) => void ws.send("in") });
    app.ws("/private", (_req, res) => void res.status(401).send("who are you?"), {});
    const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
    closers.push(() => app.close());
    const base = `ws://127.0.0.1:${server.port}`;

    expect((await upgradeAttempt(`${base}/chatt/lobby`)).status).toBe(404);
    expect((await upgradeAttempt(`${base}/chat/lobby`, { Origin: "https://evil.example" })).status).toBe(403);
    expect((await upgradeAttempt(`${base}/private`)).status).toBe(401);
    expect((await upgradeAttempt(`${base}/chat/%24all`)).status).toBe(400);
    const held = await TestSocket.open(`${base}/chat/lobby`);
    expect((await upgradeAttempt(`${base}/chat/lobby`)).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${server.port}/chat/lobby`)).status).toBe(426);
    await held.close();

    const warnings = logger.messages("warn");
    expect(warnings[0]).toContain("upgrade to /chatt/lobby refused with 404");
    expect(warnings[0]).toContain("WebSocket routes: ");
    expect(warnings[0]).toContain("/chat/:room");
    expect(warnings[0]).toContain("/private");
    expect(warnings[1]).toContain("403: ORIGIN_FORBIDDEN: origin https://evil.example is not allowed");
    expect(warnings[2]).toContain("upgrade to /private refused with 401");
    expect(warnings[3]).toContain("400: RESERVED_TOPIC");
    expect(warnings[4]).toContain("503: TOO_MANY_CONNECTIONS");
    expect(warnings[5]).toContain("GET /chat/lobby refused with 426");
    expect(warnings.length).toBe(6);
  });

  test("with development off, nothing is logged", async () => {
    const logger = recordingLogger();
    const app = bunwire({ development: false, logger });
    app.ws("/chat", {});
    const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
    closers.push(() => app.close());
    expect((await upgradeAttempt(`ws://127.0.0.1:${server.port}/nope`)).status).toBe(404);
    expect(logger.lines).toEqual([]);
  });
});

describe("listen() says where it listens", () => {
  test("every front door prints `bunwire listening on <url>`, unless quiet", async () => {
    const logger = recordingLogger();
    const app = bunwire({ logger });
    const router = new Router({ logger });
    const served = new Router({ logger });
    const gateways = new Application({ logger, globalRegistry: false });
    const files = await fileRoutes(writeTree({ "ws/echo/route.ts": "export function onMessage(ws, m) { ws.send(m); }" }), { logger });
    const quiet = bunwire({ logger });
    const servers = [
      app.listen(0, "127.0.0.1"),
      router.listen({ port: 0, hostname: "127.0.0.1" }),
      served.serve({ port: 0, hostname: "127.0.0.1" }),
      gateways.listen({ port: 0, hostname: "127.0.0.1" }),
      files.listen(0, "127.0.0.1"),
    ];
    quiet.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
    closers.push(() => app.close(), () => router.close(), () => served.close(), () => gateways.close(), () => files.close(), () => quiet.close());
    expect(logger.messages("info")).toEqual(servers.map((server) => `bunwire listening on http://127.0.0.1:${server.port}`));
  });
});
