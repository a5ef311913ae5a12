// The engine's table of param values (src/engine/shared-strings.ts): sockets that matched the same text share one
// copy; a params object keeps its own entries; past its bound the table starts over without changing a value.

import { expect, test } from "bun:test";
import { heapStats } from "bun:jsc";
import { freshCopy, MAX_SHARED_LENGTH, SharedStrings } from "../../src/engine/shared-strings.ts";

test("equal params get equal values in their own objects, and writing to one leaves the others and the table alone", () => {
  const strings = new SharedStrings();
  const first = { id: "42", name: "café" };
  const second = { id: "42", name: "café" };
  strings.shareParams(first);
  strings.shareParams(second);
  expect(second).toEqual(first);
  first.id = "changed"; // a handler writing to its ws.data.params
  const third = { id: "42", name: "café" };
  strings.shareParams(third);
  expect(third).toEqual({ id: "42", name: "café" });
  expect(second.id).toBe("42");
});

test("past its bound the table starts over, and every value stays what was matched", () => {
  const strings = new SharedStrings();
  for (let i = 0; i <= 10_000; i++) expect(strings.share(`room-${i}`)).toBe(`room-${i}`);
  const params = { id: "room-1" };
  strings.shareParams(params);
  expect(params).toEqual({ id: "room-1" });
});

test("a value longer than the bound is copied, not remembered", () => {
  const strings = new SharedStrings();
  const long = "y".repeat(MAX_SHARED_LENGTH + 1);
  const params = { id: long };
  strings.shareParams(params);
  expect(params.id).toBe(long);
});

// Why the table copies: a regex capture of a url keeps the whole url alive, query string and all.
test("freshCopy keeps its own bytes, not the url it was cut from", () => {
  const retained = (keep: (value: string) => string): number => {
    const kept: string[] = [];
    Bun.gc(true);
    const before = heapStats().heapSize + (heapStats() as { extraMemorySize?: number }).extraMemorySize!;
    for (let i = 0; i < 50; i++) {
      const url = `/room/r${i}?token=` + "t".repeat(200_000) + i;
      kept.push(keep(/^\/room\/([^/?]+)/.exec(url)![1]!));
    }
    Bun.gc(true);
    const after = heapStats().heapSize + (heapStats() as { extraMemorySize?: number }).extraMemorySize!;
    expect(kept.every((value, i) => value === `r${i}`)).toBe(true);
    return (after - before) / kept.length;
  };
  expect(retained((value) => value)).toBeGreaterThan(100_000);
  expect(retained(freshCopy)).toBeLessThan(10_000);
  const strings = new SharedStrings();
  expect(retained((value) => strings.share(value))).toBeLessThan(10_000);
});
