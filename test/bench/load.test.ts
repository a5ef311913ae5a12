// The bench load generator against real servers: it must speak real RFC 6455 and count exactly,
// otherwise every ratio in bench/RESULTS.md is meaningless. No timed assertions.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { WireConn } from "../../bench/load/conn.ts";
import { HandshakeError, maskedTextFrame, frameBatch } from "../../bench/load/frame.ts";
import { runJob } from "../../bench/load/main.ts";
import { KeyedFrames, PAYLOAD, requestFrames } from "../../bench/load/wire.ts";

let server: Server<undefined>;
beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, srv) {
      if (new URL(req.url).pathname === "/nope") return new Response("no", { status: 403 });
      return srv.upgrade(req, { data: undefined }) ? undefined : new Response("upgrade failed", { status: 400 });
    },
    websocket: {
      perMessageDeflate: false,
      message(ws, m) {
        ws.send(m);
      },
    },
  });
});
afterAll(() => server.stop(true));

const target = () => ({ host: "127.0.0.1", port: server.port!, path: "/echo" });

describe("bench load generator", () => {
  test("completes a real handshake and counts exactly N echoed 64-byte messages from byte totals", async () => {
    const c = await WireConn.open(target());
    const n = 1000;
    const { buf } = frameBatch([maskedTextFrame(PAYLOAD)], n);
    let bytes = 0;
    const all = new Promise<void>((resolve) => {
      c.count((b) => {
        bytes += b;
        if (bytes >= n * 66) resolve();
      });
    });
    c.send(buf);
    await all;
    expect(bytes).toBe(n * (2 + 64));
    c.terminate();
  });

  test("refuses a server that does not answer 101", async () => {
    await expect(WireConn.open({ ...target(), path: "/nope" })).rejects.toBeInstanceOf(HandshakeError);
  });

  test("echo job calibrates the reply size and keeps every connection busy", async () => {
    const r = await runJob({ mode: "echo", path: "/echo", connections: 4, inflight: 8, host: "127.0.0.1", port: server.port!, serverPid: process.pid, wire: "plain", warmupMs: 50, windowMs: 200 });
    expect(r.replySize).toBe(66);
    expect(r.count).toBeGreaterThan(0);
    expect(r.errors).toBe(0);
  });

  test("upgrade job checks every handshake and reports failures instead of counting them", async () => {
    const ok = await runJob({ mode: "upgrade", path: "/up", concurrency: 4, host: "127.0.0.1", port: server.port!, serverPid: process.pid, wire: "plain", warmupMs: 20, windowMs: 150 });
    expect(ok.count).toBeGreaterThan(0);
    expect(ok.errors).toBe(0);
    const bad = await runJob({ mode: "upgrade", path: "/nope", concurrency: 2, host: "127.0.0.1", port: server.port!, serverPid: process.pid, wire: "plain", warmupMs: 20, windowMs: 100 });
    expect(bad.count).toBe(0);
    expect(bad.errors).toBeGreaterThan(0);
    expect(bad.firstError).toContain("403");
  });

  test("request frames for the typed scenario keep a fixed width, so acks have a fixed size", () => {
    const sizes = new Set(requestFrames("plain", "rpc").map((f) => f.length));
    expect(sizes.size).toBe(1);
  });

  test("keyed request frames: every stamp gives the frames keys never sent before, in frames of one width", () => {
    for (const strings of [false, true]) {
      const keyed = new KeyedFrames("run0001", 8, strings);
      const texts = (count: number) => {
        keyed.stamp(count);
        return Array.from({ length: count }, (_, i) => unmask(keyed.batch.subarray(keyed.offsets[i], keyed.offsets[i + 1])));
      };
      // the connection's first request names its client (and says ids are keys); bunwire's client then sends the ids alone
      expect(JSON.parse(unmask(keyed.first()))).toEqual({ event: "add", data: { a: 20, b: 22 }, ...(strings ? { id: 1000, key: "run0001:1000000000" } : { id: 1000000000, key: "run0001:1000000000", keys: "id" }) });
      expect(keyed.firstId).toBe(strings ? 1000 : 1000000000);
      const first = texts(8).map((text) => JSON.parse(text) as { event: string; data: unknown; id: number; key?: string });
      const second = texts(3).map((text) => JSON.parse(text) as { id: number; key?: string });
      expect(first[0]).toEqual({ event: "add", data: { a: 20, b: 22 }, ...(strings ? { id: 1000, key: "run0001:1000000001" } : { id: 1000000001 }) });
      const keys = [...first, ...second].map((frame) => frame.key ?? frame.id);
      expect(new Set(keys).size).toBe(11);
      expect(keys.at(-1)).toBe(strings ? "run0001:1000000011" : 1000000011);
      expect(new Set(keyed.offsets.slice(1).map((end, i) => end - keyed.offsets[i]!)).size).toBe(1);
    }
  });
});

/** The text of one masked client frame (payload under 126 bytes). */
function unmask(frame: Uint8Array): string {
  const length = frame[1]! & 0x7f;
  const mask = frame.subarray(2, 6);
  return new TextDecoder().decode(frame.subarray(6, 6 + length).map((byte, i) => byte ^ mask[i & 3]!));
}
