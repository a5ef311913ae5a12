// The in-memory TopicHistory: offsets in order, replay after an offset, and `recovered: false` once trimmed
// or when the offset comes from another history.

import { expect, test } from "bun:test";
import { MemoryHistory } from "../../src/protocol/index.ts";
import { reconnectDelay } from "../../src/client/index.ts";

test("entries after an offset are replayed in order and recovered", async () => {
  const history = new MemoryHistory();
  const a = await history.append("t", "a");
  await history.append("t", "b");
  await history.append("u", "other");
  const c = await history.append("t", "c");
  expect(await history.since("t", a)).toEqual({ recovered: true, entries: [expect.objectContaining({ payload: "b" }), { offset: c, payload: "c" }] });
  expect(await history.since("t", c)).toEqual({ recovered: true, entries: [] });
});

test("recovered is false when the gap was trimmed, or the offset is foreign or malformed", async () => {
  const history = new MemoryHistory({ maxLength: 2 });
  const first = await history.append("t", "1");
  for (const payload of ["2", "3", "4"]) await history.append("t", payload);
  const replay = await history.since("t", first);
  expect(replay.recovered).toBe(false);
  expect(replay.entries.map((entry) => entry.payload)).toEqual(["3", "4"]);
  const other = new MemoryHistory();
  expect((await other.since("t", first)).recovered).toBe(false);
  expect((await history.since("t", "garbage")).recovered).toBe(false);
});

test("entries older than maxAgeMs are dropped", async () => {
  const history = new MemoryHistory({ maxAgeMs: -1 }); // everything is already too old
  const offset = await history.append("t", "1");
  await history.append("t", "2");
  expect(await history.since("t", offset)).toEqual({ recovered: false, entries: [] });
});

test("reconnect delays grow exponentially, stay within the jitter band and the maximum", () => {
  const options = { initialDelay: 100, maxDelay: 1000, factor: 2, jitter: 0.5, maxAttempts: Infinity };
  expect(reconnectDelay(0, options, 1)).toBe(100);
  expect(reconnectDelay(0, options, 0)).toBe(50);
  expect(reconnectDelay(3, options, 1)).toBe(800);
  expect(reconnectDelay(10, options, 1)).toBe(1000);
  expect(reconnectDelay(10, options, 0)).toBe(500);
});

test("validatePayload (for gateways) returns the schema output or a VALIDATION_FAILED error with issues", async () => {
  const { validatePayload } = await import("../../src/protocol/index.ts");
  const { z } = await import("zod");
  const schema = z.object({ n: z.coerce.number() });
  expect(validatePayload(schema, { n: "4" }, "count")).toEqual({ ok: true, value: { n: 4 } });
  const failed = validatePayload(schema, { n: "x" }, "count");
  expect(failed instanceof Promise).toBe(false);
  if (failed instanceof Promise || failed.ok) throw new Error("expected a synchronous failure");
  expect(failed.error.code).toBe("VALIDATION_FAILED");
  expect(failed.error.issues?.[0]?.path).toEqual(["n"]);
  const asyncSchema = z.object({ n: z.number() }).refine(async (value) => value.n > 0);
  expect(await validatePayload(asyncSchema, { n: 1 }, "count")).toEqual({ ok: true, value: { n: 1 } });
});

test("a failing history does not stop live delivery, and publish never rejects", async () => {
  const { defineProtocol } = await import("../../src/protocol/index.ts");
  const { z } = await import("zod");
  const p = defineProtocol({ client: {}, server: { note: z.string() } });
  const broken = {
    append: () => Promise.reject(new Error("store down")),
    since: () => Promise.reject(new Error("store down")),
    close: () => Promise.resolve(),
  };
  p.handle({}, { history: broken });
  const published: [string, string][] = [];
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(args);
  try {
    expect(await p.publish({ publish: (topic, data) => void published.push([topic, data]) }, "t", "note", "hi")).toBeUndefined();
  } finally {
    console.error = original;
  }
  expect(published).toEqual([["t", '{"event":"note","data":"hi"}']]);
  expect(errors.length).toBe(1);
});
