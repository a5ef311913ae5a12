// The bus contract (test/bus/contract.ts) on Redis: one real redis-server.
import { expect, test } from "bun:test";
import { redisBus } from "bunwire/redis";
import { useRedisServer } from "../support/redis-server.ts";
import { busContract } from "./contract.ts";

const redis = useRedisServer();

busContract("redisBus", () => ({
  bus: (options) => redisBus({ url: redis.url, ...options }),
  processArgs: () => ["redis", redis.url],
}));

test("frames that are not bunwire's (garbage, truncated, an older format) on the bus's channels are ignored, never thrown", async () => {
  const { Redis } = await import("ioredis");
  const received: string[] = [];
  const bus = redisBus({ url: redis.url });
  await bus.connect((_topic, data) => received.push(String(data)));
  await bus.subscribe("robust");
  const probe = new Redis(redis.url);
  try {
    const header = (kind: number) => Buffer.concat([Buffer.from([kind, 0]), Buffer.alloc(14)]);
    for (const channel of ["bunwire:t:robust", "bunwire:all", `bunwire:i:${bus.instanceId}`]) {
      await probe.publish(channel, Buffer.from("not a frame"));
      await probe.publish(channel, Buffer.from([0x22])); // a request's kind and nothing else
      await probe.publish(channel, Buffer.concat([header(0x22), Buffer.from([0, 0, 0, 1, 200])])); // name longer than the frame
      await probe.publish(channel, Buffer.concat([header(0x23), Buffer.from([0, 0])])); // truncated reply
      await probe.publish(channel, Buffer.concat([header(0x26), Buffer.from([0, 0, 0, 0, 9, 104])])); // batch entry longer than the frame
      await probe.publish(channel, Buffer.from([1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 104, 105])); // the previous 10-byte format
    }
    const other = redisBus({ url: redis.url });
    await other.connect(() => {});
    other.publish("robust", "still working", false);
    while (received.length < 1) await Bun.sleep(5); // delivery is asynchronous
    expect(received).toEqual(["still working"]);
    await other.close();
  } finally {
    probe.disconnect();
    await bus.close();
  }
});
