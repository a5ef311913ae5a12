// Each bench server file started as the runner starts it (child process printing its port) must do its job
// correctly; Socket.IO's server must answer the generator's raw frames exactly as socket.io-client's emitWithAck.

import { describe, expect, test } from "bun:test";
import { io } from "socket.io-client";
import { runJob } from "../../bench/load/main.ts";
import { startServer } from "../../bench/runner/children.ts";
import { CLUSTERED, redisPendingReason, runRedisScenario } from "../../bench/runner/redis.ts";
import { measurements, QUICK } from "../../bench/runner/scenarios.ts";
import type { Sample } from "../../bench/runner/summary.ts";
import { pendingReason, SERVERS } from "../../bench/servers/registry.ts";

// Short windows: this checks that each job works, not how fast. Upgrades get 300 ms: under the whole suite's load a
// fresh server through two middlewares (its JIT still cold) once completed none in 100 ms.
const tiny = { ...QUICK, warmupMs: 20, windowMs: 150, upgradeWarmupMs: 20, upgradeWindowMs: 300, connections: 2, inflight: 4, subscribers: 5, publisherInflight: 4, publisherBatch: 2, idleConnections: 20, idleHold: 10, idleSettleMs: 20 };

describe("bench servers", () => {
  for (const spec of SERVERS.filter((s) => pendingReason(s) === null && !s.scenarios.every((sc) => sc === "redis"))) {
    test(`${spec.id} serves ${spec.scenarios.join(", ")} correctly`, async () => {
      const server = await startServer(spec);
      try {
        for (const sc of spec.scenarios) {
          for (const m of measurements(sc, spec, server.port, server.pid, tiny, 0)) {
            // each job parses and checks the first reply on every connection before counting bytes
            const r = await runJob(m.job);
            expect({ sc, variant: m.variant, errors: r.errors }).toEqual({ sc, variant: m.variant, errors: 0 });
            // with the scenario named, so a failure says which job counted nothing
            expect({ sc, variant: m.variant, counted: r.count > 0 }).toEqual({ sc, variant: m.variant, counted: true });
            // idle memory is read over connections opened after `idleHold` held ones, and from the first one too
            if (sc === "idle") expect(Number.isFinite(r.bytesPerConnectionFromFirst)).toBe(true);
          }
        }
      } finally {
        await server.stop();
      }
    }, 30_000);
  }

  // Scenario 6: two instances of each on one throwaway redis-server, subscribers on one, the publisher on the other.
  const clustered = SERVERS.filter((s) => CLUSTERED.includes(s.id) && redisPendingReason(s) === null);
  for (const spec of clustered) {
    test(`${spec.id}: two instances on one Redis deliver every publish to the subscribers on the other`, async () => {
      const samples: Sample[] = [];
      await runRedisScenario({ ...tiny, rounds: 1 }, samples, () => {}, [spec.id]);
      const mine = samples.find((x) => x.server === spec.id);
      expect(mine?.error).toBeUndefined();
      expect(mine?.result?.errors).toBe(0);
      expect(mine?.result?.count).toBeGreaterThan(0);
      expect(mine?.result?.latency?.samples).toBeGreaterThan(0);
    }, 60_000);
  }

  test("Socket.IO bench server acks socket.io-client's emitWithAck with the value the raw frames expect", async () => {
    const server = await startServer(SERVERS.find((s) => s.id === "socketio-node")!);
    const client = io(`http://127.0.0.1:${server.port}`, { transports: ["websocket"], query: { route: "rpc" } });
    try {
      const ack: unknown = await client.emitWithAck("add", { a: 20, b: 22 });
      expect(ack).toBe(42);
    } finally {
      client.close();
      await server.stop();
    }
  });
});
