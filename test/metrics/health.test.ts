// Liveness and readiness: readiness is false while the bus is disconnected, while a check of yours fails, and from
// the moment close() is called: during `drainDelay` the server still serves (sockets, liveness) but answers
// readiness with 503, so a load balancer takes the instance out before it stops accepting.

import { afterEach, expect, test } from "bun:test";
import { bunwire, type App } from "bunwire";
import { observe } from "bunwire/metrics";
import type { BusStateListener } from "../../src/bus/contract.ts";
import { fakeBus } from "../support/fake-bus.ts";
import { TestSocket } from "../support/socket.ts";

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close({ timeout: 500, drainDelay: 0 })));
});

function serve(app: App): string {
  apps.push(app);
  app.ws("/echo", { message: (ws, message) => void ws.send(message) });
  return `http://127.0.0.1:${app.listen({ port: 0, quiet: true }).port}`;
}

async function readiness(base: string, path = "/readyz"): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}${path}`);
  expect(response.headers.get("cache-control")).toBe("no-store");
  return { status: response.status, body: await response.json() };
}

test("close() with drainDelay: readiness answers 503 at once while sockets and liveness keep working, then the server stops", async () => {
  const app = bunwire({ development: false, drainDelay: 400 }).use(observe());
  const base = serve(app);
  const socket = await TestSocket.open(`${base.replace("http", "ws")}/echo`);
  expect(await readiness(base)).toEqual({ status: 200, body: { status: "ready" } });

  const closing = app.close();
  expect(await readiness(base)).toEqual({ status: 503, body: { status: "not ready", reasons: ["shutting down"] } });
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  socket.send("still here");
  expect(await socket.next()).toBe("still here");

  await closing;
  expect((await socket.closed).code).toBe(1001);
  await expect(fetch(`${base}/readyz`)).rejects.toThrow();
});

test("readiness follows the bus: 503 while it is disconnected (onStateChange), 200 once it is back", async () => {
  let connected = true;
  const listeners = new Set<BusStateListener>();
  const bus = fakeBus({
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  Object.defineProperty(bus, "connected", { get: () => connected });
  const flip = (state: boolean) => {
    connected = state;
    for (const listener of listeners) listener(state);
  };
  const base = serve(bunwire({ bus, development: false }).use(observe({ health: { ready: "/ready" } })));
  expect((await readiness(base, "/ready")).status).toBe(200);
  flip(false);
  const down = await readiness(base, "/ready");
  expect(down.status).toBe(503);
  expect((down.body as { reasons: string[] }).reasons).toEqual([expect.stringMatching(/^bus disconnected for \d+ ms$/)]);
  flip(true);
  expect((await readiness(base, "/ready")).status).toBe(200);
});

test("your own checks: false or a throw make the instance not ready, naming the check", async () => {
  let database = true;
  const checks = {
    database: () => database,
    cache: async () => {
      throw new Error("cache unreachable");
    },
  };
  const base = serve(bunwire({ development: false }).use(observe({ metrics: false, health: { checks, live: "/live" } })));
  expect(await readiness(base)).toEqual({ status: 503, body: { status: "not ready", reasons: ["check cache failed"] } });
  database = false;
  expect(await readiness(base)).toEqual({ status: 503, body: { status: "not ready", reasons: ["check database failed", "check cache failed"] } });
  expect((await fetch(`${base}/live`)).status).toBe(200);
  expect((await fetch(`${base}/healthz`)).status).toBe(404);
  expect((await fetch(`${base}/metrics`)).status).toBe(404);
});
