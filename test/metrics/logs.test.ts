// Structured logs through a real pino logger: every line bunwire writes carries its code and, where they apply, the
// route pattern, the connection id and user, the typed event, the path; and no line ever carries a query string,
// a cookie, an Authorization header or a token-looking value, even one a handler put in its error message.

import { afterAll, beforeAll, expect, test } from "bun:test";
import pino from "pino";
import { z } from "zod";
import { bunwire, defineProtocol, type App } from "bunwire";
import { TestSocket, upgradeAttempt } from "../support/socket.ts";

const chat = defineProtocol({ name: "chat", client: { say: z.object({ text: z.string() }) }, server: {} });

const lines: Array<Record<string, unknown>> = [];
const logger = pino({ level: "debug", base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
const SECRETS = ["SECRET-Q1", "SECRET-Q2", "SECRET-COOKIE", "SECRET-BEARER", "SECRET-MSG", "SECRET-Q3", "SECRET-Q4"];

let app: App;
let port = 0;
beforeAll(() => {
  app = bunwire({ logger, development: true });
  app.ws("/raw/:room", {
    upgrade: () => ({ user: { id: "ada", role: "admin" } }),
    message() {
      throw new Error("upstream https://api.example/v1?token=SECRET-MSG refused");
    },
  });
  app.ws("/chat", { upgrade: () => ({ user: "grace" }), ...chat.handle({ say: () => { throw new Error("database password=SECRET-MSG wrong"); } }) });
  app.get("/boom", () => {
    throw new Error("GET failed");
  });
  port = app.listen({ port: 0, quiet: true }).port!;
});
afterAll(() => app.close());

function waitForLine(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return (async () => {
    for (let i = 0; i < 400; i++) {
      const found = lines.find(predicate);
      if (found !== undefined) return found;
      await Bun.sleep(5); // pino writes synchronously here; the server side runs a moment after the client's send
    }
    throw new Error(`no such log line in ${JSON.stringify(lines)}`);
  })();
}

test("a raw handler's error: code, route pattern, connection id and user, event; its message redacted", async () => {
  const socket = await TestSocket.open(`ws://127.0.0.1:${port}/raw/lobby?token=SECRET-Q1`);
  socket.send("hi");
  const line = await waitForLine((l) => l.route === "/raw/:room");
  expect(line).toMatchObject({ level: 50, code: "HANDLER_ERROR", route: "/raw/:room", event: "message", connectionId: "1", userId: "ada" });
  expect(line.msg).toBe("[bunwire] HANDLER_ERROR in message handler on WS /raw/:room (connection 1, user ada):");
  expect((line.err as { message: string }).message).toBe("upstream https://api.example/v1?[redacted] refused");
  socket.ws.close();
});

test("a typed handler's error without onError goes to the server's logger with the typed event", async () => {
  const socket = await TestSocket.open(`ws://127.0.0.1:${port}/chat`);
  socket.send(JSON.stringify({ event: "say", id: 1, data: { text: "x" } }));
  expect(await socket.json()).toMatchObject({ id: 1, error: { code: "HANDLER_ERROR" } });
  const line = await waitForLine((l) => l.route === "/chat");
  expect(line).toMatchObject({ level: 50, code: "HANDLER_ERROR", route: "/chat", event: "say", userId: "grace" });
  expect((line.err as { message: string }).message).toBe("database password=[redacted] wrong");
  socket.ws.close();
});

test("refused upgrades and 426: status, code, route, the path without its query; no header but the Origin", async () => {
  const secretHeaders = { Cookie: "session=SECRET-COOKIE", Authorization: "Bearer SECRET-BEARER" };
  expect((await upgradeAttempt(`ws://127.0.0.1:${port}/raw/lobby?token=SECRET-Q2`, { Origin: "https://evil.example", ...secretHeaders })).status).toBe(403);
  expect((await upgradeAttempt(`ws://127.0.0.1:${port}/nowhere?token=SECRET-Q3`, secretHeaders)).status).toBe(404);
  expect((await fetch(`http://127.0.0.1:${port}/chat?token=SECRET-Q4`, { headers: secretHeaders })).status).toBe(426);
  expect(await waitForLine((l) => l.code === "ORIGIN_FORBIDDEN")).toMatchObject({ level: 40, status: 403, route: "/raw/:room", path: "/raw/lobby", origin: "https://evil.example" });
  const notFound = await waitForLine((l) => l.code === "ROUTE_NOT_FOUND");
  expect(notFound).toMatchObject({ level: 40, status: 404, path: "/nowhere" });
  expect(notFound.route).toBeUndefined();
  expect(await waitForLine((l) => l.code === "UPGRADE_REQUIRED")).toMatchObject({ level: 40, status: 426, route: "/chat", path: "/chat" });
});

test("an HTTP handler's error: code, method and path", async () => {
  expect((await fetch(`http://127.0.0.1:${port}/boom?token=x`)).status).toBe(500);
  expect(await waitForLine((l) => l.path === "/boom")).toMatchObject({ level: 50, code: "HANDLER_ERROR", method: "GET", path: "/boom" });
});

test("no line bunwire wrote carries a secret", () => {
  expect(lines.length).toBeGreaterThanOrEqual(6);
  const written = JSON.stringify(lines);
  for (const secret of SECRETS) expect(written).not.toContain(secret);
  for (const line of lines.filter((l) => (l.level as number) >= 40)) expect(line.code).toBeString();
});
