// One contract for every bus driver (after crossws's shared adapter suite): run by test/bus/redis.test.ts and
// test/bus/nats.test.ts against a real broker. Subscriptions that resolve when live, connection state, counters,
// membership by heartbeat and the cluster request primitive behave the same on Redis and NATS.
import { afterEach, describe, expect, test } from "bun:test";
import type { BusPayload } from "../../src/bus/index.ts";
import type { TransportBus } from "../../src/bus/transport-bus.ts";
import { isBunwireError } from "../../src/engine/errors.ts";
import { membersKnown } from "../redis/fixture.ts";

export interface BrokerUnderTest {
  /** A new, unconnected bus on the broker. */
  bus(options?: { heartbeatMs?: number; requestTimeoutMs?: number }): TransportBus;
  /** Arguments for test/bus/member-process.ts: the driver and the broker URL. */
  processArgs(): [string, string];
}

interface Received {
  topic: string;
  data: BusPayload;
}

export function busContract(name: string, broker: () => BrokerUnderTest): void {
  const buses: TransportBus[] = [];
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });

  async function connected(options?: { heartbeatMs?: number; requestTimeoutMs?: number }): Promise<{ bus: TransportBus; received: Received[] }> {
    const bus = broker().bus(options);
    buses.push(bus);
    const received: Received[] = [];
    await bus.connect((topic, data) => received.push({ topic, data }));
    return { bus, received };
  }

  /** Resolves once `received` holds `n` entries (deliveries are asynchronous). */
  async function until(received: Received[], n: number, timeoutMs = 3000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (received.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} deliveries, got ${JSON.stringify(received)}`);
      await Bun.sleep(5); // the deliver callback is the only signal; polling it keeps the bus code untouched
    }
    return received;
  }

  describe(`${name}: the bus contract`, () => {
    test("subscribe resolves once the subscription is live: a publish made right after it is received", async () => {
      const { bus: a } = await connected();
      const { bus: b, received } = await connected();
      const topics = Array.from({ length: 20 }, (_, i) => `live-${i}-${crypto.randomUUID()}`);
      for (const topic of topics) {
        await b.subscribe(topic);
        a.publish(topic, topic, false); // at once: no settling, no sleep
      }
      expect((await until(received, topics.length)).map((r) => r.topic)).toEqual(topics);
      expect(await b.subscribe(topics[0]!)).toBeUndefined(); // already live: resolves again
    });

    test("connected and onStateChange follow the connection; close says false once", async () => {
      const bus = broker().bus();
      buses.push(bus);
      const states: boolean[] = [];
      bus.onStateChange((up) => states.push(up));
      expect(bus.connected).toBe(false);
      await bus.connect(() => {});
      await bus.ready();
      expect(bus.connected).toBe(true);
      expect(states).toEqual([true]);
      await bus.close();
      expect(bus.connected).toBe(false);
      expect(states).toEqual([true, false]);
    });

    test("plain counters: publishes on the sender, receives and lag (from the frame's timestamp) on the receiver", async () => {
      const { bus: a } = await connected();
      const { bus: b, received } = await connected();
      await b.subscribe("counted");
      for (let i = 0; i < 3; i++) a.publish("counted", `m${i}`, false);
      a.publish("nobody-listens", "x", false);
      await until(received, 3);
      expect(a.stats.publishes).toBe(4);
      expect(b.stats.receives).toBe(3);
      expect(b.stats.publishes).toBe(0);
      // Same clock on both sides here: the lag is a small non-negative number of ms.
      expect(b.stats.lastLagMs).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(b.stats.meanLagMs)).toBe(true);
      expect(a.stats.toJSON()).toMatchObject({ buffered: 0, dropped: 0, outages: 0, outageMs: 0 });
    });

    test("round trips: each heartbeat probes another instance through the broker and times it on one clock, publishes untouched", async () => {
      const { bus: a } = await connected({ heartbeatMs: 20 });
      const { bus: b } = await connected({ heartbeatMs: 20 });
      const publishes = a.stats.publishes;
      const deadline = Date.now() + 5000;
      while (a.stats.roundTrips < 3 || b.stats.roundTrips < 3) {
        if (Date.now() > deadline) throw new Error(`round trips: a ${a.stats.roundTrips}, b ${b.stats.roundTrips}`);
        await Bun.sleep(10); // the probe rides the heartbeat timer: nothing to await but the counter
      }
      for (const bus of [a, b]) {
        const stats = bus.stats.toJSON();
        expect(stats.lastRoundTripMs).toBeGreaterThan(0);
        expect(stats.meanRoundTripMs).toBeGreaterThan(0);
        expect(stats.lastRoundTripMs).toBeLessThan(1000);
      }
      expect(a.stats.publishes).toBe(publishes); // probes are not publishes
    });

    test("a cluster request reaches every instance (the asker too); a topic's request only those with subscribers; failures are reported, never thrown", async () => {
      const [{ bus: a }, { bus: b }, { bus: c }] = [await connected(), await connected(), await connected()];
      for (const bus of [a, b, c]) bus.onRequest("whoami", (data, { from }) => `${bus.instanceId} for ${from} (${String(data)})`);
      c.onRequest("boom", () => {
        throw new Error("handler failed");
      });
      await membersKnown([a, b, c]);
      const all = await a.request("whoami", "hi");
      expect(all.missing).toEqual([]);
      expect(all.replies.map((r) => r.data).sort()).toEqual([a, b, c].map((bus) => `${bus.instanceId} for ${a.instanceId} (hi)`).sort());

      await b.subscribe("room");
      const scoped = await a.request("whoami", "", { topic: "room" });
      expect(scoped.replies.map((r) => r.instance)).toEqual([b.instanceId]);
      expect(scoped.missing).toEqual([]);

      const failed = await a.request("boom");
      expect(failed.failed).toEqual([{ instance: c.instanceId, message: "handler failed" }]);
      expect(failed.replies).toEqual([]);
      expect(await a.request("nobody-handles-this")).toEqual({ replies: [], missing: [], failed: [] });

      const bytes = await b.request("whoami", new Uint8Array([1, 2]));
      expect(bytes.replies).toHaveLength(3);
    });

    test("an instance that does not answer in time is named in `missing`; one that said goodbye is no longer expected", async () => {
      const [{ bus: a }, { bus: b }, { bus: c }] = [await connected(), await connected(), await connected()];
      a.onRequest("slow", () => "a");
      b.onRequest("slow", () => "b");
      c.onRequest("slow", () => new Promise<undefined>(() => {})); // never answers
      await membersKnown([a, b, c]);
      const late = await a.request("slow", "", { timeoutMs: 300 });
      expect(late.replies.map((r) => r.data).sort()).toEqual(["a", "b"]);
      expect(late.missing).toEqual([c.instanceId]);

      await c.close();
      while (a.members().includes(c.instanceId)) await Bun.sleep(5); // the goodbye frame is on its way
      const after = await a.request("slow");
      expect(after.missing).toEqual([]);
      expect(after.replies).toHaveLength(2);
    });

    test("membership: a frozen instance is missing from answers, and a killed one is forgotten after three missed heartbeats", async () => {
      const { bus: a } = await connected({ heartbeatMs: 300 });
      const [kind, url] = broker().processArgs();
      const child = Bun.spawn([process.execPath, "test/bus/member-process.ts", kind, url, "500"], { stdout: "pipe", stderr: "inherit" });
      try {
        const line = new TextDecoder().decode((await child.stdout.getReader().read()).value);
        const id = /ID ([0-9a-f]{16})/.exec(line)?.[1];
        expect(id).toBeDefined();
        while (!a.members().includes(id!)) await Bun.sleep(5); // its hello, or the next heartbeat
        expect((await a.request("whoami")).replies.map((r) => r.data)).toEqual([id!]);

        child.kill("SIGSTOP");
        const frozen = await a.request("whoami", "", { timeoutMs: 300 });
        expect(frozen.missing).toEqual([id!]);
        expect(frozen.replies).toEqual([]);

        child.kill("SIGKILL");
        await child.exited;
        // Three of its 500 ms intervals without a heartbeat; the wait's own limit has slack for a loaded machine.
        const deadline = Date.now() + 8000;
        while (a.members().includes(id!) && Date.now() < deadline) await Bun.sleep(50);
        expect(a.members()).not.toContain(id!);
        expect((await a.request("whoami")).missing).toEqual([]);
      } finally {
        child.kill("SIGKILL");
      }
    }, 20_000);

    test("bad arguments are clear errors, before anything is sent", async () => {
      const { bus } = await connected();
      const invalid = (error: unknown) => isBunwireError(error, "INVALID_OPTION");
      expect(await bus.request("").catch(invalid)).toBe(true);
      expect(await bus.request("x", 42 as unknown as string).catch(invalid)).toBe(true);
      expect(await bus.request("x", "", { timeoutMs: -1 }).catch(invalid)).toBe(true);
      bus.onRequest("taken", () => undefined);
      expect(() => bus.onRequest("taken", () => undefined)).toThrow(/already has a handler/);
      expect(() => bus.publish("t", { not: "a payload" } as unknown as string, false)).not.toThrow();
    });
  });
}
