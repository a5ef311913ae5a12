// docs/GUARANTEES.md, row "native publish on one instance": at-most-once. Proven against an instance in its own
// process (no bus): a socket cut off misses what was published while it was away and is never sent it later; an
// instance killed with SIGKILL drops its sockets (1006) and a new instance starts from nothing. "Nothing else
// arrived" is checked by order: the next frame after a reconnect must be the one published after it.
import { afterEach, expect, test } from "bun:test";
import { until } from "../support/socket.ts";
import { ChildInstance, cut, hello } from "./child.ts";

const children: ChildInstance[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) await child.kill();
});

async function instance(): Promise<ChildInstance> {
  const child = await ChildInstance.start("none");
  children.push(child);
  return child;
}

test("native publish: a cut socket misses what was published while it was away; a killed instance's sockets close 1006 and nothing is replayed", async () => {
  const first = await instance();
  const reader = await hello(first.url("topic=news"));
  await first.post("/publish/news", "n1");
  expect(String(await reader.socket.next())).toBe("n1");

  // The network drops the socket (no close frame): the server sees 1006.
  expect((await cut(reader.socket)).code).toBe(1006);
  await first.post("/publish/news", "n2 (published while the reader is away)");
  const back = await hello(first.url("topic=news"));
  await first.post("/publish/news", "n3");
  expect(String(await back.socket.next())).toBe("n3"); // n2 never comes: nothing is kept for an absent subscriber

  // The instance crashes: its sockets drop with 1006, and what it had is gone with it.
  await first.kill();
  expect((await back.socket.closed).code).toBe(1006);
  const second = await instance();
  const again = await hello(second.url("topic=news"));
  await second.post("/publish/news", "n4");
  expect(String(await again.socket.next())).toBe("n4");
  await again.socket.close();
  await until(() => again.socket.ws.readyState === WebSocket.CLOSED);
}, 15_000);
