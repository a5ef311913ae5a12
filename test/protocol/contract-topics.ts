// The topic half of the protocol contract (see contract.ts): topic publish, broadcast scoped to its protocol,
// history positions and sequence numbers, recovery (possible and impossible), and the per-connection room cap.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { HistoryPosition, Replay, TopicHistory } from "../../src/engine/history.ts";
import { MemoryHistory } from "../../src/protocol/index.ts";
import type { Mount, Mounted } from "./contract.ts";
import { chat, other, Probe } from "./fixture.ts";

async function probes(url: string, count: number): Promise<Probe[]> {
  const all = Array.from({ length: count }, () => new Probe(url));
  await Promise.all(all.map((probe) => probe.opened));
  return all;
}

/**
 * A MemoryHistory whose reads take their snapshot at once but answer only when `release()` is called, so a test
 * can publish while a `$join` is reading: the window where a join that reads before subscribing loses events.
 */
class GatedHistory implements TopicHistory {
  readonly inner = new MemoryHistory();
  #gate: Promise<void> = Promise.resolve();
  #open: () => void = () => {};
  /** Resolves when a read is waiting at the gate. */
  reading: Promise<void> = Promise.resolve();
  #reached: () => void = () => {};

  close(): Promise<void> {
    return this.inner.close();
  }
  hold(): void {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
    this.reading = new Promise((resolve) => (this.#reached = resolve));
  }
  release(): void {
    this.#open();
  }
  append(topic: string, payload: string): Promise<HistoryPosition> {
    return this.inner.append(topic, payload);
  }
  async since(topic: string, offset: string): Promise<Replay> {
    const snapshot = await this.inner.since(topic, offset);
    this.#reached();
    await this.#gate;
    return snapshot;
  }
  async last(topic: string): Promise<HistoryPosition> {
    const snapshot = await this.inner.last(topic);
    this.#reached();
    await this.#gate;
    return snapshot;
  }
}

export function topicsContract(mount: Mount, main: () => Mounted): void {
  describe("topics and broadcast", () => {
    test("a topic publish reaches the room's members only, not the sender", async () => {
      const [alice, bob, carol] = await probes(main().url, 3);
      try {
        expect(await alice!.ask({ event: "$join", data: { topic: "r1" }, id: 1 })).toEqual({ id: 1, ack: { recovered: true, missed: 0 } });
        expect(await bob!.ask({ event: "$join", data: { topic: "r1" }, id: 1 })).toEqual({ id: 1, ack: { recovered: true, missed: 0 } });
        alice!.send({ event: "shout", data: { room: "r1", text: "hello" } });
        const said = await bob!.next();
        expect(said.event).toBe("said");
        expect(said.data.text).toBe("hello");
        // Frames on one connection arrive in order: a publish to carol or alice would come before this $pong.
        expect(await carol!.ask({ event: "$ping" })).toEqual({ event: "$pong" });
        expect(await alice!.ask({ event: "$ping" })).toEqual({ event: "$pong" });
      } finally {
        for (const p of [alice, bob, carol]) p!.ws.close();
      }
    });

    test("broadcast reaches the protocol's sockets, and another protocol's broadcast does not", async () => {
      const [alice] = await probes(main().url, 1);
      try {
        other.broadcast(main().target, "said", { from: "other", text: "not for chat" });
        chat.broadcast(main().target, "said", { from: "chat", text: "for chat" });
        expect(await alice!.next()).toEqual({ event: "said", data: { from: "chat", text: "for chat" } });
      } finally {
        alice!.ws.close();
      }
    });

    test("topics starting with $ (the broadcast topic among them) cannot be joined", async () => {
      const [alice] = await probes(main().url, 1);
      try {
        expect(await alice!.ask({ event: "$join", data: { topic: "$broadcast:other" }, id: 1 })).toMatchObject({ id: 1, error: { code: "NOT_ALLOWED" } });
        expect(await alice!.ask({ event: "$join", data: { topic: "$all" } })).toMatchObject({ event: "$error", error: { code: "NOT_ALLOWED", event: "$join" } });
      } finally {
        alice!.ws.close();
      }
    });
  });

  describe("history, sequence numbers and recovery", () => {
    let mounted: Mounted;
    const open: Probe[] = [];
    const probe = async () => {
      const [p] = await probes(mounted.url, 1);
      open.push(p!);
      return p!;
    };
    const publish = (topic: string, text: string) => chat.publish(mounted.target, topic, "said", { from: "server", text });

    beforeAll(async () => {
      mounted = await mount({ onError: () => {}, rooms: true, history: new MemoryHistory({ maxLength: 3 }), maxRooms: 2 });
    });
    afterAll(async () => {
      for (const p of open) p.ws.close();
      await mounted.stop();
    });

    test("a first join acks the topic's position; events then carry topic, offset and the next sequence numbers", async () => {
      const alice = await probe();
      const joined = await alice.ask({ event: "$join", data: { topic: "news" }, id: 1 });
      expect(joined).toEqual({ id: 1, ack: { recovered: true, missed: 0, offset: expect.any(String), seq: expect.any(Number) } });
      expect(typeof (await publish("news", "one"))).toBe("string");
      await publish("news", "two");
      const [one, two] = [await alice.next(), await alice.next()];
      expect(one).toEqual({ event: "said", data: { from: "server", text: "one" }, topic: "news", offset: expect.any(String), seq: joined.ack.seq + 1 });
      expect(two).toMatchObject({ topic: "news", seq: joined.ack.seq + 2 });
    });

    test("a join with an offset replays what came after it, in order, then acks recovered", async () => {
      const bob = await probe();
      const start = (await bob.ask({ event: "$join", data: { topic: "digest" }, id: 1 })).ack;
      const first = await publish("digest", "a");
      await publish("digest", "b");
      await publish("digest", "c");
      const carol = await probe();
      carol.send({ event: "$join", data: { topic: "digest", offset: first }, id: 2 });
      expect(await carol.next()).toMatchObject({ data: { text: "b" }, seq: start.seq + 2 });
      expect(await carol.next()).toMatchObject({ data: { text: "c" }, seq: start.seq + 3 });
      expect(await carol.next()).toEqual({ id: 2, ack: { recovered: true, missed: 2 } });
    });

    test("impossible recovery (another history's offset, or older than kept): nothing replayed, recovered false and where to resume", async () => {
      const oldest = await publish("trimmed", "1");
      for (const text of ["2", "3", "4", "5"]) await publish("trimmed", text); // maxLength 3: "1" and "2" are gone
      const dave = await probe();
      for (const offset of ["elsewhere-7", oldest!]) {
        const reply = await dave.ask({ event: "$join", data: { topic: "trimmed", offset }, id: 3 }); // the ack comes first: no replay
        expect(reply).toEqual({ id: 3, ack: { recovered: false, missed: 0, offset: expect.any(String), seq: expect.any(Number) } });
      }
      const next = await publish("trimmed", "6");
      const live = await dave.next();
      expect(live).toMatchObject({ data: { text: "6" }, offset: next });
    });

    test("a join subscribes before it reads the history: events published during the read are not lost", async () => {
      const history = new GatedHistory();
      const gated = await mount({ onError: () => {}, rooms: true, history });
      const [frank] = await probes(gated.url, 1);
      try {
        for (const offset of [undefined, "first"]) {
          const topic = `window-${offset ?? "none"}`;
          const from = offset === undefined ? undefined : (await history.inner.last(topic)).offset;
          history.hold();
          frank!.send({ event: "$join", data: from === undefined ? { topic } : { topic, offset: from }, id: 1 });
          await history.reading; // the join has its snapshot and waits
          const during = await chat.publish(gated.target, topic, "said", { from: "server", text: "during the read" });
          history.release();
          const frames = [await frank!.next(), await frank!.next()];
          expect(frames).toContainEqual(expect.objectContaining({ topic, offset: during, data: { from: "server", text: "during the read" } }));
          expect(frames).toContainEqual(expect.objectContaining({ id: 1, ack: expect.objectContaining({ recovered: true }) }));
        }
      } finally {
        frank!.ws.close();
        await gated.stop();
      }
    });

    test("a connection joins at most maxRooms topics: TOO_MANY_ROOMS, until it leaves one", async () => {
      const erin = await probe();
      expect((await erin.ask({ event: "$join", data: { topic: "a" }, id: 1 })).ack).toBeDefined();
      expect((await erin.ask({ event: "$join", data: { topic: "b" }, id: 2 })).ack).toBeDefined();
      expect((await erin.ask({ event: "$join", data: { topic: "a" }, id: 3 })).ack).toBeDefined(); // a rejoin is no new room
      expect(await erin.ask({ event: "$join", data: { topic: "c" }, id: 4 })).toMatchObject({ id: 4, error: { code: "TOO_MANY_ROOMS" } });
      expect(await erin.ask({ event: "$join", data: { topic: "c" } })).toMatchObject({ event: "$error", error: { code: "TOO_MANY_ROOMS", event: "$join" } });
      expect(await erin.ask({ event: "$leave", data: { topic: "b" }, id: 5 })).toEqual({ id: 5, ack: true });
      expect((await erin.ask({ event: "$join", data: { topic: "c" }, id: 6 })).ack).toBeDefined();
    });
  });
}
