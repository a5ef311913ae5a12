// Per-connection inbound limits: the async queue bounded by events and bytes (close 1013, queued events
// discarded and counted, `close` right after the running handler), the message rate limit (close 1008 or the
// route's `rejected` hook), and the default maxPayloadLength of 1 MiB (1009 past it).

import { afterEach, expect, test } from "bun:test";
import { BunwireError, bunwire, type ServerOptions } from "bunwire";
import { Router } from "bunwire/router";
import type { SocketHandlers } from "../../src/engine/index.ts";
import { TestSocket, until } from "../support/socket.ts";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function serve(options: ServerOptions, handlers: SocketHandlers<any>) {
  const errors: unknown[] = [];
  const app = bunwire({ development: false, ...options, onError: (error) => void errors.push(error) });
  app.ws("/limited", handlers);
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  closers.push(() => app.close({ timeout: 200 }));
  return { url: `ws://127.0.0.1:${server.port}/limited`, errors };
}

test("maxQueuedBytes: a client outrunning its async handler is closed with 1013, its queued events are discarded and counted, close runs right after the running handler", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const record: string[] = [];
  const { url, errors } = serve({ maxQueuedBytes: 64 * 1024 }, {
    async message(_ws, message) {
      record.push(String(message).slice(0, 5));
      await gate;
    },
    close(_ws, code) {
      record.push(`close ${code}`);
    },
  });
  const client = await TestSocket.open(url);
  client.send("first");
  const chunk = "x".repeat(16 * 1024);
  for (let i = 0; i < 10; i++) client.send(chunk);
  expect((await client.closed).code).toBe(1013);
  await until(() => errors.length === 1, 2000, "the overflow report");
  const error = errors[0] as BunwireError;
  expect(error.code).toBe("QUEUE_OVERFLOW");
  expect(error.closeCode).toBe(1013);
  // 4 chunks fit in 64 KiB; the 5th overflowed: 5 events discarded, the rest dropped unread.
  expect(error.message).toContain("discarded 5 waiting events");
  expect(record).toEqual(["first"]);
  release();
  await until(() => record.length === 2, 2000, "the close handler");
  expect(record).toEqual(["first", "close 1013"]);
});

test("maxQueuedEvents counts events the same way", async () => {
  const { url, errors } = serve({ maxQueuedEvents: 3 }, { message: () => new Promise(() => {}) });
  const client = await TestSocket.open(url);
  for (let i = 0; i < 10; i++) client.send(`m${i}`);
  expect((await client.closed).code).toBe(1013);
  await until(() => errors.length === 1, 2000, "the overflow report");
  expect((errors[0] as BunwireError).message).toContain("more than 3 events");
  expect((errors[0] as BunwireError).message).toContain("discarded 4 waiting events");
});

test('messageRateLimit "close": past the budget the connection closes with 1008 and the rest is not handled', async () => {
  const handled: string[] = [];
  const { url, errors } = serve({ messageRateLimit: { messages: 3, intervalMs: 60_000, action: "close" } }, {
    message(ws, message) {
      handled.push(String(message));
      ws.send(`echo ${message}`);
    },
  });
  const client = await TestSocket.open(url);
  for (let i = 1; i <= 6; i++) client.send(String(i));
  expect(await client.take(3)).toEqual(["echo 1", "echo 2", "echo 3"]);
  expect((await client.closed).code).toBe(1008);
  expect(handled).toEqual(["1", "2", "3"]);
  expect((errors[0] as BunwireError).code).toBe("RATE_LIMITED");
});

test('messageRateLimit "reply": a refused message goes to rejected(ws, message, RATE_LIMITED) instead of message; bytes count too', async () => {
  const handlers: SocketHandlers<any> = {
    message: (ws, message) => void ws.send(`echo ${message}`),
    rejected: (ws, message, error) => void ws.send(`rejected ${message} ${error.code}`),
  };
  const byCount = serve({ messageRateLimit: { messages: 2, intervalMs: 60_000, action: "reply" } }, handlers);
  const a = await TestSocket.open(byCount.url);
  for (const m of ["a", "b", "c", "d"]) a.send(m);
  expect(await a.take(4)).toEqual(["echo a", "echo b", "rejected c RATE_LIMITED", "rejected d RATE_LIMITED"]);
  const byBytes = serve({ messageRateLimit: { bytes: 10, intervalMs: 60_000, action: "reply" } }, handlers);
  const b = await TestSocket.open(byBytes.url);
  for (const m of ["12345", "123456", "1234"]) b.send(m);
  expect(await b.take(3)).toEqual(["echo 12345", "rejected 123456 RATE_LIMITED", "echo 1234"]);
  await Promise.all([a.close(), b.close()]);
});

/** Answers "echo <message>", or "rejected <message>" for what the rate limit refused. */
const ECHO_OR_REJECTED: SocketHandlers<any> = {
  message: (ws, message) => void ws.send(`echo ${message}`),
  rejected: (ws, message) => void ws.send(`rejected ${message}`),
};

test("the bucket refills over its interval", async () => {
  const { url } = serve({ messageRateLimit: { messages: 1, intervalMs: 40, action: "reply" } }, ECHO_OR_REJECTED);
  const client = await TestSocket.open(url);
  client.send("a");
  client.send("b");
  expect(await client.take(2)).toEqual(["echo a", "rejected b"]);
  await Bun.sleep(60);
  client.send("c");
  expect(await client.next()).toBe("echo c");
  await client.close();
});

test("an idle connection's bucket refills only up to its burst: after a pause, a burst past it is refused", async () => {
  const { url } = serve({ messageRateLimit: { messages: 2, intervalMs: 100, action: "reply" } }, ECHO_OR_REJECTED);
  const client = await TestSocket.open(url);
  client.send("a");
  expect(await client.next()).toBe("echo a");
  await Bun.sleep(250);
  for (const m of ["b", "c", "d", "e"]) client.send(m);
  expect(await client.take(4)).toEqual(["echo b", "echo c", "rejected d", "rejected e"]);
  await client.close();
});

test("router.websocket({ rejected }) is a handler, not a Bun option", async () => {
  const router = new Router({ development: false, messageRateLimit: { messages: 1, intervalMs: 60_000, action: "reply" } });
  router.websocket({
    message: (ws, message) => void ws.send(`echo ${message}`),
    rejected: (ws, message) => void ws.send(`rejected ${message}`),
  });
  const server = router.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  closers.push(() => router.close());
  const client = await TestSocket.open(`ws://127.0.0.1:${server.port}/`);
  client.send("a");
  client.send("b");
  expect(await client.take(2)).toEqual(["echo a", "rejected b"]);
  await client.close();
});

test("maxPayloadLength defaults to 1 MiB: a larger frame closes with 1009, a frame within it is handled", async () => {
  const { url } = serve({}, { message: (ws, message) => void ws.send(String(message.length)) });
  const client = await TestSocket.open(url);
  client.send("x".repeat(1024 * 1024 - 16));
  expect(await client.next(5000)).toBe(String(1024 * 1024 - 16));
  client.send("x".repeat(1024 * 1024 + 1));
  expect((await client.closed).code).toBe(1009);
});
