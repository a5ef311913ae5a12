// Shutdown with a deadline: close({ timeout }) stops accepting, sends 1001, waits for in-flight handlers and the
// bus flush, and gives up at the deadline; closeOnSignals() turns SIGTERM into exactly that and exit 0.

import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BunwireError, bunwire, type Bus } from "bunwire";
import { fakeBus } from "../support/fake-bus.ts";
import { Application, OnMessage, WebSocketGateway } from "bunwire/gateway";
import { Router } from "bunwire/router";
import { TestSocket, until } from "../support/socket.ts";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function loggingBus(log: string[], closing: Promise<void> = Promise.resolve()): Bus {
  return fakeBus({
    publish: (topic) => void log.push(`publish ${topic}`),
    close: async () => {
      log.push("bus close");
      await closing;
    },
  });
}

test("close() sends 1001, waits for the running handler, then flushes and closes the bus", async () => {
  const log: string[] = [];
  const app = bunwire({ development: false, bus: loggingBus(log) });
  app.ws("/work", {
    async message() {
      await Bun.sleep(30);
      log.push("handler done");
      app.publish("news", "last words");
    },
  });
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  const client = await TestSocket.open(`ws://127.0.0.1:${server.port}/work`);
  client.send("go");
  await Bun.sleep(5);
  await app.close();
  expect((await client.closed).code).toBe(1001);
  expect(log).toEqual(["handler done", "publish news", "bus close"]);
});

test("close({ timeout }) gives up on a handler that never settles and on a bus that never closes, and says so", async () => {
  const errors: unknown[] = [];
  const app = bunwire({ development: false, bus: loggingBus([], new Promise(() => {})), onError: (error) => void errors.push(error) });
  app.ws("/stuck", { message: () => new Promise(() => {}) });
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  const client = await TestSocket.open(`ws://127.0.0.1:${server.port}/stuck`);
  client.send("hang");
  await Bun.sleep(5);
  await app.close({ timeout: 100 });
  expect((await client.closed).code).toBe(1001);
  expect(errors.length).toBe(1);
  expect((errors[0] as BunwireError).code).toBe("SHUTDOWN_TIMEOUT");
  expect((errors[0] as BunwireError).message).toContain("1 handler still running");
  // Stopped accepting: the port refuses new connections.
  await expect(TestSocket.open(`ws://127.0.0.1:${server.port}/stuck`)).rejects.toThrow();
});

test("shutdownTimeout is close()'s default deadline on the Router and the Application too", async () => {
  const router = new Router({ development: false, shutdownTimeout: 50 });
  router.websocket({ message: () => new Promise(() => {}) });
  @WebSocketGateway("/stuck")
  class StuckGateway {
    @OnMessage() message() {
      return new Promise(() => {});
    }
  }
  const app = new Application({ development: false, shutdownTimeout: 50, globalRegistry: false }).registerGateway(StuckGateway);
  const urls = [`ws://127.0.0.1:${router.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port}/`, `ws://127.0.0.1:${app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port}/stuck`];
  const clients = await Promise.all(urls.map((url) => TestSocket.open(url)));
  for (const client of clients) client.send("hang");
  await Bun.sleep(5);
  // Without the option these would wait the default 10 s and the test would time out.
  await Promise.all([router.close(), app.close()]);
  for (const client of clients) expect((await client.closed).code).toBe(1001);
});

test("SIGTERM under load: every acknowledged message is in the handler's record, and a handler that never settles does not keep the process alive", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bunwire-shutdown-"));
  const record = join(dir, "record.txt");
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "fixtures/shutdown-server.ts")], {
    env: { ...process.env, RECORD: record, SHUTDOWN_TIMEOUT: "500" },
    stdout: "pipe",
    stderr: "inherit",
  });
  closers.push(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!/PORT (\d+)/.test(out)) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error(`server did not start: ${out}`);
    out += chunk.value;
  }
  const url = `ws://127.0.0.1:${/PORT (\d+)/.exec(out)![1]}/work`;

  const stuck = await TestSocket.open(url);
  stuck.send("hang");
  const workers = await Promise.all(Array.from({ length: 4 }, () => TestSocket.open(url)));
  const acked = new Set<string>();
  let sent = 0;
  let signalled = false;
  const pump = workers.map(async (socket, w) => {
    socket.ws.addEventListener("message", (event) => {
      if (!signalled) acked.add(String(event.data).slice(4));
    });
    // Keep a few messages in flight per connection until the signal.
    while (!signalled && socket.ws.readyState === WebSocket.OPEN) {
      socket.send(`${w}-${sent++}`);
      await Bun.sleep(1);
    }
  });
  await until(() => acked.size >= 200, 10_000, "200 acknowledgements");
  signalled = true;
  child.kill("SIGTERM");
  const code = await child.exited;
  await Promise.all(pump);
  expect(code).toBe(0);
  const written = new Set(existsSync(record) ? readFileSync(record, "utf8").split("\n").filter(Boolean) : []);
  const missing = [...acked].filter((id) => !written.has(id));
  expect(missing).toEqual([]);
  expect(acked.size).toBeGreaterThanOrEqual(200);
  for (const socket of [stuck, ...workers]) expect((await socket.closed).code).toBe(1001);
}, 30_000);

test("Infinity means no deadline: upgradeTimeout lets a slow admission decide, shutdownTimeout lets close() wait", async () => {
  const errors: unknown[] = [];
  const app = bunwire({ development: false, upgradeTimeout: Infinity, shutdownTimeout: Infinity, onError: (error) => void errors.push(error) });
  const log: string[] = [];
  app.ws("/slow", {
    async upgrade() {
      await Bun.sleep(60);
      return true;
    },
    async message() {
      await Bun.sleep(80);
      log.push("handler done");
    },
  });
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  const client = await TestSocket.open(`ws://127.0.0.1:${server.port}/slow`);
  client.send("go");
  await Bun.sleep(5);
  await app.close();
  expect(log).toEqual(["handler done"]);
  expect(errors).toEqual([]);
  expect(() => app.close({ timeout: 2 ** 31 })).toThrow("close(): option timeout must be a number of milliseconds > 0 and <= 2147483647");
});
