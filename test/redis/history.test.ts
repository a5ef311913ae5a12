// redisHistory: a topic history on Redis Streams shared by instances, with exact gap detection.
import { describe, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { redisHistory, RedisHistory } from "bunwire/redis";
import { RedisBusError } from "../../src/redis/errors.ts";
import { RedisServer, useRedisServer } from "../support/redis-server.ts";

const histories: RedisHistory[] = [];
const redis = useRedisServer({ beforeStop: () => Promise.all(histories.map((h) => h.close())) });
function history(options: { maxLength?: number; maxAgeMs?: number } = {}): RedisHistory {
  const h = redisHistory({ url: redis.url, ...options });
  histories.push(h);
  return h;
}
let topicSeq = 0;
/** Appends until ioredis has reconnected (the appends in between fail fast). */
async function appendOnceReconnected(h: RedisHistory, topic: string, payload: string, pauseMs: number) {
  for (;;) {
    try {
      return await h.append(topic, payload);
    } catch {
      await Bun.sleep(pauseMs);
    }
  }
}
const freshTopic = () => `topic-${++topicSeq}`;

describe("redisHistory", () => {
  test("entries appended on one instance are replayed by another, strictly after the offset, in order", async () => {
    const [a, b] = [history(), history()];
    const topic = freshTopic();
    const offsets: string[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const position = await a.append(topic, `m${i}`);
      offsets.push(position.offset);
      seqs.push(position.seq);
    }
    expect(seqs.slice(1)).toEqual(seqs.slice(0, -1).map((seq) => seq + 1)); // one number per event, no holes
    expect(new Set(offsets).size).toBe(5);
    const replay = await b.since(topic, offsets[1]!);
    expect(replay.recovered).toBe(true);
    expect(replay.entries).toEqual([2, 3, 4].map((i) => ({ offset: offsets[i]!, seq: seqs[i]!, payload: `m${i}` })));
    expect(await b.since(topic, offsets[4]!)).toEqual({ recovered: true, entries: [] });
  });

  test("appends on one topic resolve in call order with increasing offsets", async () => {
    const h = history();
    const topic = freshTopic();
    const offsets = (await Promise.all(Array.from({ length: 50 }, (_, i) => h.append(topic, String(i))))).map((p) => p.offset);
    const replay = await h.since(topic, (await h.since(topic, "x")).entries[0]!.offset);
    expect(replay.entries.map((e) => e.payload)).toEqual(Array.from({ length: 49 }, (_, i) => String(i + 1)));
    expect(replay.entries.map((e) => e.offset)).toEqual(offsets.slice(1));
  });

  test("a gap trimmed by length is reported as recovered: false, with what is left", async () => {
    const h = history({ maxLength: 10 });
    const topic = freshTopic();
    const first = (await h.append(topic, "first")).offset;
    let last = first;
    for (let i = 0; i < 600; i++) last = (await h.append(topic, `m${i}`)).offset;
    const probe = new Redis(redis.url);
    const kept = await probe.xlen(`bunwire:h:{${topic}}`);
    probe.disconnect();
    expect(kept).toBeLessThan(600); // MAXLEN ~ trims whole stream nodes: at least 10 kept, far fewer than 601
    const replay = await h.since(topic, first);
    expect(replay.recovered).toBe(false);
    expect(replay.entries.at(-1)?.payload).toBe("m599");
    expect(replay.entries.length).toBe(kept);
    // Recent offsets are still covered.
    const recent = replay.entries.at(-3)!.offset;
    expect(await h.since(topic, recent)).toEqual({ recovered: true, entries: replay.entries.slice(-2) });
    expect((await h.since(topic, last)).recovered).toBe(true);
  });

  test("a position read on a topic nobody wrote to expires (made-up topics leave nothing for ever); the first append keeps it", async () => {
    const h = history();
    const topic = freshTopic();
    const position = await h.last(topic);
    const probe = new Redis(redis.url);
    try {
      const meta = `bunwire:h:{${topic}}:m`;
      const ttl = await probe.pttl(meta);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60 * 60 * 1000);
      const first = await h.append(topic, "first");
      expect(first.seq).toBe(position.seq! + 1);
      expect(await probe.pttl(meta)).toBe(-1);
      expect(await h.since(topic, position.offset)).toMatchObject({ recovered: true, entries: [{ payload: "first" }] });
    } finally {
      probe.disconnect();
    }
  });

  test("entries older than maxAgeMs are not replayed and make the gap unrecoverable", async () => {
    const h = history({ maxAgeMs: 150 });
    const topic = freshTopic();
    const start = (await h.append(topic, "old-1")).offset;
    await h.append(topic, "old-2");
    await Bun.sleep(250); // the subject is age: let the entries grow older than maxAgeMs
    await h.append(topic, "new");
    const replay = await h.since(topic, start);
    expect(replay.recovered).toBe(false);
    expect(replay.entries.map((e) => e.payload)).toEqual(["new"]);
  });

  test("last() lets a subscriber that has seen nothing yet recover everything after it", async () => {
    const h = history();
    const topic = freshTopic();
    const start = (await h.last(topic)).offset;
    await h.append(topic, "a");
    await h.append(topic, "b");
    const replay = await h.since(topic, start);
    expect(replay).toMatchObject({ recovered: true });
    expect(replay.entries.map((e) => e.payload)).toEqual(["a", "b"]);
    expect(await h.since(topic, (await h.last(topic)).offset)).toEqual({ recovered: true, entries: [] });
  });

  test("malformed or foreign offsets are answered with recovered: false, never an exception", async () => {
    const h = history();
    const topic = freshTopic();
    await h.append(topic, "x");
    for (const bad of ["", "garbage", "a:b:c", "1:2:3:4", "zz:1:notanid", "zz:1:1-0"]) {
      const replay = await h.since(topic, bad);
      expect(replay.recovered).toBe(false);
      expect(replay.entries.map((e) => e.payload)).toEqual(["x"]);
    }
  });

  test("bad options fail at construction with a named error", () => {
    expect(() => redisHistory({})).toThrow(RedisBusError);
    expect(() => redisHistory({ url: redis.url, maxLength: 0 })).toThrow(/maxLength/);
    expect(() => redisHistory({ url: redis.url, maxAgeMs: -5 })).toThrow(/maxAgeMs/);
    // A misspelt name (the in-memory history's is maxLength too) is refused, not ignored.
    expect(() => redisHistory({ url: redis.url, maxLen: 5 } as never)).toThrow('redisHistory: unknown option "maxLen" (did you mean "maxLength"?)');
  });

  test("events that could not be recorded leave a gap that replay reports (Redis briefly unreachable, data kept)", async () => {
    const own = await RedisServer.start();
    const h = redisHistory({ url: own.url });
    try {
      const topic = freshTopic();
      const seen = await h.append(topic, "seen");
      // This instance loses its connection (Redis keeps its data) and reconnects at once: in between, an append fails.
      (h as unknown as { redis: Redis }).redis.disconnect(true);
      await expect(h.append(topic, "not recorded")).rejects.toMatchObject({ code: "HISTORY_UNAVAILABLE" });
      const next = await appendOnceReconnected(h, topic, "recorded again", 20);
      expect(next.seq).toBe(seen.seq + 2); // the unrecorded event's number is skipped: receivers see the gap
      const replay = await h.since(topic, seen.offset);
      expect(replay.recovered).toBe(false);
      expect(replay.entries.map((e) => e.payload)).toEqual(["recorded again"]);
      expect((await h.since(topic, next.offset)).recovered).toBe(true);
    } finally {
      await h.close();
      await own.stop();
    }
  });

  test("appends on one topic settle in call order when Redis is killed with some in flight (they fail after later ones)", async () => {
    const own = await RedisServer.start();
    const h = redisHistory({ url: own.url });
    try {
      const topic = freshTopic();
      await h.append(topic, "warm");
      const settled: number[] = [];
      const failed: number[] = [];
      const pending: Promise<unknown>[] = [];
      let n = 0;
      const appendSome = () => {
        for (let i = 0; i < 20; i++) {
          const k = ++n;
          pending.push(h.append(topic, String(k)).then(() => void settled.push(k), () => void (settled.push(k), failed.push(k))));
        }
      };
      // Batches keep going out while Redis dies: some are in flight (their failure comes late), later ones fail fast.
      const writer = setInterval(appendSome, 2);
      await Bun.sleep(50);
      await own.kill();
      await Bun.sleep(50);
      clearInterval(writer);
      await Promise.all(pending);
      expect(failed.length).toBeGreaterThan(0);
      expect(settled).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      // Nothing is kept for a topic once its appends have settled.
      expect((h as unknown as { settling: Map<string, unknown> }).settling.size).toBe(0);
    } finally {
      await h.close();
      await own.stop();
    }
  });

  test("after Redis loses its data (kill -9, restart), old offsets read as recovered: false; appends go on", async () => {
    const own = await RedisServer.start();
    const h = redisHistory({ url: own.url });
    try {
      const topic = freshTopic();
      const before = await h.append(topic, "before");
      await own.kill();
      // During the outage an append fails at once (delivery must not wait): the protocol sends the event unrecorded.
      await expect(h.append(topic, "during")).rejects.toMatchObject({ code: "HISTORY_UNAVAILABLE" });
      expect(await h.since(topic, before.offset)).toEqual({ recovered: false, entries: [] });
      await own.restart();
      const after = await appendOnceReconnected(h, topic, "after", 50);
      // A new epoch: its numbers start above the lost ones, so a connected receiver sees a gap, not old numbers.
      expect(after.seq).toBeGreaterThan(before.seq + 1);
      const replay = await h.since(topic, before.offset);
      expect(replay.recovered).toBe(false);
      expect(replay.entries.map((e) => e.payload)).toEqual(["after"]);
    } finally {
      await h.close();
      await own.stop();
    }
  });
});
