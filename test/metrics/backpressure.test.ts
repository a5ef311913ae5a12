// Backpressure is read from the results of bunwire's own sends and from drain events: a typed handler that emits
// 20 MiB at a socket with a 64 KiB backpressure limit sees some sends queued (-1) and the rest dropped (0), and the
// counters say exactly that.

import { expect, test } from "bun:test";
import { z } from "zod";
import { bunwire, defineProtocol } from "bunwire";
import { observe } from "bunwire/metrics";
import { TestSocket } from "../support/socket.ts";
import { scrapeUntil, value } from "./support.ts";

test("sends answered -1 count as backpressure, 0 as dropped, and the drain that follows is counted", async () => {
  const feed = defineProtocol({ name: "feed", client: { flood: z.object({}) }, server: { blob: z.string() } });
  const app = bunwire({ development: false, websocket: { backpressureLimit: 64 * 1024, maxPayloadLength: 64 * 1024 * 1024 } }).use(observe());
  const results: number[] = [];
  app.ws("/feed", feed.handle({ flood: (ws) => { for (let i = 0; i < 20; i++) results.push(feed.emit(ws, "blob", "x".repeat(1024 * 1024))); } }));
  const port = app.listen({ port: 0, quiet: true }).port;
  try {
    const client = await TestSocket.open(`ws://127.0.0.1:${port}/feed`);
    client.send('{"event":"flood","data":{}}');
    await client.next(10_000);
    expect(results).toHaveLength(20);
    const queued = results.filter((r) => r === -1).length;
    const dropped = results.filter((r) => r === 0).length;
    expect(queued + dropped).toBeGreaterThan(0);
    const samples = await scrapeUntil(`http://127.0.0.1:${port}`, (s) => value(s, "bunwire_drains_total", { route: "/feed" }) >= 1, "the drain");
    expect(value(samples, "bunwire_backpressure_total", { route: "/feed" })).toBe(queued);
    expect(value(samples, "bunwire_send_dropped_total", { route: "/feed" })).toBe(dropped);
    expect(value(samples, "bunwire_messages_sent_total", { route: "/feed" })).toBe(20 - dropped);
    expect(value(samples, "bunwire_sent_bytes_total", { route: "/feed" })).toBe((20 - dropped) * JSON.stringify({ event: "blob", data: "x".repeat(1024 * 1024) }).length);
    client.ws.close();
  } finally {
    await app.close();
  }
});
