// A stalled instance (its process stopped with SIGSTOP: it reads nothing, answers nothing) never blocks the others.
import { expect, test } from "bun:test";
import { redisBus } from "bunwire/redis";
import { useRedisServer } from "../support/redis-server.ts";
import { Client, Instance, subscribersOnRedis } from "./fixture.ts";

const redis = useRedisServer();

test("publishes keep flowing to healthy instances while another instance is frozen", async () => {
  const frozen = Bun.spawn([process.execPath, "test/redis/instance-process.ts", redis.url], { stdout: "pipe", stderr: "inherit" });
  const a = await new Instance(redisBus({ url: redis.url })).connect();
  const b = await new Instance(redisBus({ url: redis.url })).connect();
  const clients: Client[] = [];
  try {
    const line = new TextDecoder().decode((await frozen.stdout.getReader().read()).value);
    const port = Number(/PORT (\d+)/.exec(line)?.[1]);
    const onFrozen = await Client.open(`ws://127.0.0.1:${port}/?topic=t`);
    const onB = await Client.open(b.url("t"));
    clients.push(onFrozen, onB);
    await subscribersOnRedis(redis.url, "bunwire:t:t", 2);

    frozen.kill("SIGSTOP");
    // 2000 x 4 KiB = 8 MB: more than a stalled reader's socket takes, less than Bun's per-socket backpressure limit.
    const big = "x".repeat(4 * 1024);
    for (let i = 0; i < 2000; i++) a.publish("t", i === 1999 ? "last" : big);
    const got = await onB.received(2000, 20_000);
    expect(got.at(-1)).toBe("last");
    expect(got).toHaveLength(2000);
    expect(b.delivered).toHaveLength(2000);
    // The frozen instance cannot answer: a cluster request gives up after its timeout with what it has, naming it.
    expect(await a.bus.clusterSubscriberCount("t")).toBe(1);
    const { replies, missing } = await a.bus.request("$count", "", { topic: "t", timeoutMs: 300 });
    expect(replies.map((r) => r.instance)).toEqual([b.bus.instanceId]);
    expect(missing).toHaveLength(1);
    expect(missing[0]).not.toBe(b.bus.instanceId);
  } finally {
    frozen.kill("SIGCONT");
    frozen.kill("SIGKILL");
    for (const c of clients) c.close();
    await a.close();
    await b.close();
  }
}, 30_000);
