// The metrics bench variant really counts (test/bench/servers.test.ts checks that it serves every scenario): after
// a typed request and an echo, its /metrics shows them.

import { expect, test } from "bun:test";
import { startServer } from "../../bench/runner/children.ts";
import { SERVERS } from "../../bench/servers/registry.ts";
import { TestSocket } from "../support/socket.ts";
import { scrapeUntil, value } from "./support.ts";

test("bunwire-app-metrics serves /metrics, counting its echo and typed request/ack traffic", async () => {
  const server = await startServer(SERVERS.find((s) => s.id === "bunwire-app-metrics")!);
  try {
    const rpc = await TestSocket.open(`ws://127.0.0.1:${server.port}/rpc`);
    rpc.send('{"event":"add","id":1,"data":{"a":20,"b":22}}');
    expect(await rpc.json()).toEqual({ id: 1, ack: 42 });
    const echo = await TestSocket.open(`ws://127.0.0.1:${server.port}/echo`);
    echo.send("ping");
    expect(await echo.next()).toBe("ping");
    const samples = await scrapeUntil(`http://127.0.0.1:${server.port}`, (s) => value(s, "bunwire_messages_received_total", { route: "/echo" }) === 1, "the echo");
    expect([...samples].filter(([key]) => key.startsWith("bunwire_events_received_total{event=\"add\"")).map(([, n]) => n)).toEqual([1]);
    expect(value(samples, "bunwire_connections", { route: "/rpc" })).toBe(1);
    expect((await fetch(`http://127.0.0.1:${server.port}/readyz`)).status).toBe(200);
    rpc.ws.close();
    echo.ws.close();
  } finally {
    await server.stop();
  }
}, 30_000);
