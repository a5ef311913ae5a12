// Sending to one user wherever connected (the seed's notifyUser, across instances).
import { expect, test } from "bun:test";
import { redisBus, sendToUser, userTopic } from "bunwire/redis";
import { useRedisServer } from "../support/redis-server.ts";
import { Client, Instance, subscribersOnRedis } from "./fixture.ts";

const redis = useRedisServer();

test("sendToUser reaches every socket of that user on every instance, and nobody else", async () => {
  const instances = [0, 1, 2].map(() => new Instance(redisBus({ url: redis.url })));
  await Promise.all(instances.map((i) => i.connect()));
  const [a, b, c] = instances as [Instance, Instance, Instance];
  const clients: Client[] = [];
  try {
    const laptop = await Client.open(a.url(userTopic("u1")));
    const phone = await Client.open(b.url(userTopic("u1")));
    const other = await Client.open(b.url(userTopic("u2")));
    clients.push(laptop, phone, other);
    await subscribersOnRedis(redis.url, `bunwire:t:${userTopic("u1")}`, 2);
    await subscribersOnRedis(redis.url, `bunwire:t:${userTopic("u2")}`, 1);
    // From an instance where the user has no socket (an HTTP request that created an order, say).
    sendToUser(c, "u1", { type: "order_created", orderId: 7 });
    sendToUser(c, "u2", "just for u2");
    const expected = JSON.stringify({ type: "order_created", orderId: 7 });
    expect(await laptop.received(1)).toEqual([expected]);
    expect(await phone.received(1)).toEqual([expected]);
    expect(await other.received(1)).toEqual(["just for u2"]);
    // Only instance b holds u2: a did not even receive that bus message.
    expect(a.delivered.map((d) => d.topic)).toEqual([userTopic("u1")]);
  } finally {
    for (const cl of clients) cl.close();
    await Promise.all(instances.map((i) => i.close()));
  }
});
