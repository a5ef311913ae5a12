// The in-memory TopicHistory: positions in order with consecutive sequence numbers, replay after an offset,
// `recovered: false` once trimmed or for a foreign offset, and bounded memory (expired topics swept, a topic cap).

import { expect, test } from "bun:test";
import { z } from "zod";
import { defineProtocol, MemoryHistory } from "../../src/protocol/index.ts";

test("entries after an offset are replayed in order, each with the next sequence number of its topic", async () => {
  const history = new MemoryHistory();
  const a = await history.append("t", "a");
  const b = await history.append("t", "b");
  await history.append("u", "other");
  const c = await history.append("t", "c");
  expect([b.seq, c.seq]).toEqual([a.seq + 1, a.seq + 2]);
  expect(await history.since("t", a.offset)).toEqual({ recovered: true, entries: [{ ...b, payload: "b" }, { ...c, payload: "c" }] });
  expect(await history.since("t", c.offset)).toEqual({ recovered: true, entries: [] });
  expect(await history.last("t")).toEqual(c);
  await history.close();
});

test("recovered is false, with nothing replayed, when the gap was trimmed or the offset is foreign or malformed", async () => {
  const history = new MemoryHistory({ maxLength: 2 });
  const first = await history.append("t", "1");
  for (const payload of ["2", "3", "4"]) await history.append("t", payload);
  expect(await history.since("t", first.offset)).toEqual({ recovered: false, entries: [] });
  const other = new MemoryHistory();
  expect(await other.since("t", first.offset)).toEqual({ recovered: false, entries: [] });
  for (const bad of ["garbage", "", "-", `${first.offset}x`]) expect((await history.since("t", bad)).recovered).toBe(false);
});

test("a first subscriber's position recovers everything published after it, also before the topic's first event", async () => {
  const history = new MemoryHistory();
  const start = await history.last("fresh");
  const one = await history.append("fresh", "1");
  expect(one.seq).toBe(start.seq + 1);
  expect(await history.since("fresh", start.offset)).toEqual({ recovered: true, entries: [{ ...one, payload: "1" }] });
});

test("entries older than maxAgeMs are dropped", async () => {
  const history = new MemoryHistory({ maxAgeMs: 1 });
  const offset = (await history.append("t", "1")).offset;
  await history.append("t", "2");
  await Bun.sleep(5); // the subject is age: let both entries grow older than maxAgeMs
  expect(await history.since("t", offset)).toEqual({ recovered: false, entries: [] });
  await history.close();
});

test("40,000 topics with maxAgeMs 200 are forgotten by the sweep", async () => {
  const history = new MemoryHistory({ maxAgeMs: 200, maxTopics: 50_000 });
  for (let i = 0; i < 40_000; i++) await history.append(`topic-${i}`, "x".repeat(100));
  expect(history.size).toBe(40_000);
  await Bun.sleep(250); // the subject is age: let every topic expire
  history.sweep();
  expect(history.size).toBe(0);
  await history.close();
});

test("the sweep runs on its own", async () => {
  const history = new MemoryHistory({ maxAgeMs: 20, sweepIntervalMs: 10 });
  for (let i = 0; i < 100; i++) await history.append(`t${i}`, "x");
  while (history.size > 0) await Bun.sleep(10); // the test times out if the sweep never runs
  expect(history.size).toBe(0);
  await history.close();
});

test("at most maxTopics topics are kept: the least recently written one goes first", async () => {
  const history = new MemoryHistory({ maxTopics: 2 });
  const a = await history.append("a", "1");
  await history.append("b", "1");
  await history.append("a", "2"); // "a" is now the most recently written
  await history.append("c", "1"); // forgets "b"
  expect(history.size).toBe(2);
  expect((await history.since("a", a.offset)).recovered).toBe(true);
  expect((await history.since("b", (await history.last("b")).offset)).recovered).toBe(true); // "b" again, empty
  expect(history.size).toBe(2);
});

test("a topic forgotten and written again numbers above everything it issued before", async () => {
  const history = new MemoryHistory({ maxTopics: 1 });
  const old = [await history.append("a", "1"), await history.append("a", "2")];
  await history.append("b", "1"); // forgets "a"
  const again = await history.append("a", "3");
  expect(again.seq).toBeGreaterThan(old[1]!.seq + 1); // a connected receiver sees a gap, never an old number
  expect(await history.since("a", old[1]!.offset)).toEqual({ recovered: false, entries: [] });
});

test("bad options fail at construction with INVALID_OPTION", () => {
  expect(() => new MemoryHistory({ maxLength: 0 })).toThrow(/maxLength/);
  expect(() => new MemoryHistory({ maxAgeMs: -5 })).toThrow(/maxAgeMs/);
  expect(() => new MemoryHistory({ maxTopics: Number.NaN })).toThrow(/maxTopics/);
});

test("a failing history does not stop live delivery, and publish never rejects", async () => {
  const p = defineProtocol({ client: {}, server: { note: z.string() } });
  const broken = {
    append: () => Promise.reject(new Error("store down")),
    since: () => Promise.reject(new Error("store down")),
    last: () => Promise.reject(new Error("store down")),
    close: () => Promise.resolve(),
  };
  const handlers = p.handle({}, { history: broken });
  const published: [string, string][] = [];
  const target = { publish: (topic: string, data: string) => void published.push([topic, data]) };
  // A raw target finds the handlers serving sockets of the protocol: open one.
  handlers.open({ subscribe() {} } as never);
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(args);
  try {
    expect(await p.publish(target, "t", "note", "hi")).toBeUndefined();
    expect(await p.publish(target, "t", "note", "again")).toBeUndefined();
  } finally {
    console.error = original;
    handlers.close({} as never, 1000, "");
  }
  expect(published).toEqual([["t", '{"event":"note","data":"hi"}'], ["t", '{"event":"note","data":"again"}']]);
  expect(errors.length).toBe(1); // said once per outage, not once per event
});

test("reading a topic's position stores nothing: the first append still follows it, writes elsewhere or not", async () => {
  const history = new MemoryHistory({ maxTopics: 2 });
  await history.append("real", "1");
  const start = await history.last("fresh");
  for (let i = 0; i < 100; i++) await history.last(`junk${i}`);
  expect(history.size).toBe(1);
  await history.append("real", "2"); // another topic moves on meanwhile
  const first = await history.append("fresh", "1");
  expect(first.seq).toBe(start.seq + 1);
  expect(await history.since("fresh", start.offset)).toEqual({ recovered: true, entries: [{ ...first, payload: "1" }] });
  expect(await history.since("never", (await history.last("never")).offset)).toEqual({ recovered: true, entries: [] });
});
