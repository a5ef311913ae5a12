// A file route's table of concrete paths (src/fs/path-strings.ts): one copy of a path's strings for all its
// connections, and a bounded table that starts over without changing a value.

import { expect, test } from "bun:test";
import { MAX_REMEMBERED_PATH, RoutePaths } from "../../src/fs/path-strings.ts";
import type { Segment } from "../../src/fs/scan.ts";

const ROOM: Segment[] = [
  { kind: "literal", text: "ws" },
  { kind: "literal", text: "room" },
  { kind: "param", name: "id" },
];

test("one path gives the same strings to every connection, another path its own", () => {
  const paths = new RoutePaths(ROOM);
  const a = paths.stringsFor("/ws/room/42", { id: "42" });
  expect(paths.stringsFor("/ws/room/42", { id: "42" })).toBe(a);
  expect(a).toEqual({ path: "/ws/room/42", topic: "ws-room-42" });
  expect(paths.stringsFor("/ws/room/7", { id: "7" })).toEqual({ path: "/ws/room/7", topic: "ws-room-7" });
});

test("past its bound the table starts over, and every path still gets its own strings", () => {
  const paths = new RoutePaths(ROOM);
  const early = paths.stringsFor("/ws/room/0", { id: "0" });
  for (let i = 1; i <= 5000; i++) expect(paths.stringsFor(`/ws/room/${i}`, { id: String(i) }).topic).toBe(`ws-room-${i}`);
  const again = paths.stringsFor("/ws/room/0", { id: "0" });
  expect(again).not.toBe(early); // forgotten when the table started over, remembered afresh
  expect(again).toEqual(early);
});

test("a path too long to remember still gets its strings, and is not kept in the table", () => {
  const paths = new RoutePaths(ROOM);
  const id = "x".repeat(MAX_REMEMBERED_PATH);
  const strings = paths.stringsFor(`/ws/room/${id}`, { id });
  expect(strings).toEqual({ path: `/ws/room/${id}`, topic: `ws-room-${id}` });
  expect(paths.stringsFor(`/ws/room/${id}`, { id })).not.toBe(strings);
});
