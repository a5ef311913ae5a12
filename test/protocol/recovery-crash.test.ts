// An instance crash under a joined client (the "instance crash" column of docs/GUARANTEES.md for a typed room with
// history): instance A, a separate process, is killed with kill -9 while the client is on it; the client reconnects
// through the proxy to instance B and recovers, from the Redis history, everything published while it was away.

import { expect, test } from "bun:test";
import { connect, type JoinResult } from "../../src/client/index.ts";
import { deadPort, stateReached } from "../client/fixture.ts";
import { useRedisServer } from "../support/redis-server.ts";
import { DOORS, feed } from "./recovery-doors.ts";
import { SwitchProxy } from "./switch-proxy.ts";

const redis = useRedisServer();

async function spawnFeed(): Promise<{ port: number; kill(): Promise<void> }> {
  const proc = Bun.spawn([process.execPath, "test/protocol/feed-process.ts", redis.url], { stdin: "ignore", stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!/PORT (\d+)/.test(text)) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error(`the feed process exited before listening: ${text}`);
    text += decoder.decode(chunk.value);
  }
  return {
    port: Number(/PORT (\d+)/.exec(text)![1]),
    async kill() {
      proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}

test("kill -9 of the client's instance: it moves to another instance and recovers what it missed, in order, once", async () => {
  const a = await spawnFeed();
  const b = await DOORS.find(([label]) => label === "App")![1](redis.url);
  const proxy = SwitchProxy.start(a.port);
  const seen: number[] = [];
  const rejoins: JoinResult[] = [];
  let wake: () => void = () => {};
  const client = connect<typeof feed>(proxy.url("/feed"), { heartbeat: false, reconnect: { initialDelay: 10, maxDelay: 40 }, onRejoin: (_topic, result) => (rejoins.push(result), wake()) });
  client.on("tick", ({ n }) => (seen.push(n), wake()));
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((resolve) => (wake = resolve));
  };
  try {
    await client.join("news");
    for (const n of [1, 2]) await feed.publish(b.target, "news", "tick", { n }); // through the bus to A
    await until(() => seen.length === 2);
    proxy.target = await deadPort();
    await a.kill();
    await stateReached(client, "reconnecting");
    for (const n of [3, 4]) await feed.publish(b.target, "news", "tick", { n });
    proxy.target = b.port;
    await until(() => rejoins.length === 1);
    expect(rejoins).toEqual([{ recovered: true, missed: 2 }]);
    await feed.publish(b.target, "news", "tick", { n: 5 });
    await until(() => seen.length === 5);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  } finally {
    client.close();
    proxy.stop();
    await a.kill();
    await b.close();
  }
}, 30_000);
