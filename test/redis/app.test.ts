// Through the engine: bunwire({ bus: redisBus(...) }) on two and three separate servers; app.publish, ws.publish
// (sender excluded, publishToSelf honoured), subscription counting and clusterSubscriberCount cross instances.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { bunwire, type App } from "bunwire";
import type { Bus } from "bunwire";
import { redisBus } from "bunwire/redis";
import { natsBus } from "bunwire/nats";
import type { NatsBus } from "bunwire/nats";
import type { RedisBus } from "bunwire/redis";
import { useRedisServer } from "../support/redis-server.ts";
import { NatsServer } from "../nats/nats-server.ts";
import { Client, membersKnown, subscribersOnRedis } from "./fixture.ts";

const redis = useRedisServer();
let nats: NatsServer;
let kind: "redis" | "nats" = "redis";
const apps: App[] = [];
const buses: Bus[] = [];
const clients: Client[] = [];
beforeAll(async () => {
  nats = await NatsServer.start();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(apps.splice(0).map((a) => a.close()));
  buses.length = 0;
});
afterAll(async () => {
  await nats?.kill();
});

/** Waits until `n` instances receive `topic`: Redis says how many subscribe; NATS is settled by a flush per bus. */
async function settle(topic: string, n: number): Promise<void> {
  if (kind === "redis") return subscribersOnRedis(redis.url, `bunwire:t:${topic}`, n);
  await Promise.all(buses.map((bus) => (bus as NatsBus).ready()));
}

/** One instance: sockets on /room/:room join that room and relay what they send with ws.publish. */
async function instance(websocket: { publishToSelf?: boolean } = {}): Promise<{ app: App; url: (room: string) => string }> {
  const bus = kind === "redis" ? redisBus({ url: redis.url }) : natsBus({ servers: nats.url });
  buses.push(bus);
  const app = bunwire({ bus, websocket });
  app.ws("/room/:room", {
    open(ws) {
      ws.subscribe(ws.data.params.room!);
      ws.send("ready");
    },
    message(ws, message) {
      ws.publish(ws.data.params.room!, message);
    },
  });
  const server = app.listen(0);
  apps.push(app);
  return { app, url: (room) => `ws://127.0.0.1:${server.port}/room/${room}` };
}
async function client(url: string): Promise<Client> {
  const c = await Client.open(url);
  clients.push(c);
  return c;
}

describe.each(["redis", "nats"] as const)("bunwire({ bus: %sBus }) across instances", (which) => {
  beforeAll(() => {
    kind = which;
  });

  test("app.publish on one instance reaches sockets on two others; each instance gets one bus message", async () => {
    const [a, b, c] = [await instance(), await instance(), await instance()];
    const onB = [await client(b.url("lobby")), await client(b.url("lobby"))];
    const onC = await client(c.url("lobby"));
    await settle("lobby", 2);
    a.app.publish("lobby", "hello everyone");
    a.app.publish("lobby", new Uint8Array([1, 2, 255]));
    for (const cl of [...onB, onC]) expect(await cl.received(2)).toEqual(["hello everyone", new Uint8Array([1, 2, 255])]);
  });

  test("ws.publish crosses instances and still excludes the sender", async () => {
    const [a, b] = [await instance(), await instance()];
    const sender = await client(a.url("chat"));
    const peerA = await client(a.url("chat"));
    const peerB = await client(b.url("chat"));
    await settle("chat", 2);
    sender.send("hi");
    expect(await peerA.received(1)).toEqual(["hi"]);
    expect(await peerB.received(1)).toEqual(["hi"]);
    await Bun.sleep(50); // give a wrongly echoed copy time to arrive
    expect(sender.messages).toEqual([]);
  });

  test("publishToSelf: the sender gets its own message once, other instances too", async () => {
    const [a, b] = [await instance({ publishToSelf: true }), await instance({ publishToSelf: true })];
    const sender = await client(a.url("echo"));
    const peerB = await client(b.url("echo"));
    await settle("echo", 2);
    sender.send("me too");
    expect(await sender.received(1)).toEqual(["me too"]);
    expect(await peerB.received(1)).toEqual(["me too"]);
    await Bun.sleep(50); // a duplicate from the bus would arrive now
    expect(sender.messages).toEqual(["me too"]);
  });

  test("the engine subscribes on the first local subscriber and unsubscribes after the last (closing sockets count)", async () => {
    const [a, b] = [await instance(), await instance()];
    const aBus = buses[0]!;
    const first = await client(a.url("seats"));
    const second = await client(a.url("seats"));
    const probe = await client(a.url("probe"));
    await settle("seats", 1);
    b.app.publish("seats", "while seated");
    expect(await first.received(1)).toEqual(["while seated"]);
    first.close();
    second.close();
    if (kind === "redis") await subscribersOnRedis(redis.url, "bunwire:t:seats", 0);
    else while (a.app.subscriberCount("seats") > 0) await Bun.sleep(5); // the close handlers ran
    await (aBus as NatsBus | RedisBus).ready();
    // In order from one publisher: once the probe arrives, a "seats" message would have arrived before it.
    b.app.publish("seats", "nobody seated");
    b.app.publish("probe", "after");
    expect(await probe.received(1)).toEqual(["after"]);
    expect(aBus.stats.receives).toBe(2); // "while seated" and "after": the bus no longer brings "seats" here
  });

  test("clusterSubscriberCount adds up three instances", async () => {
    const [a, b, c] = [await instance(), await instance(), await instance()];
    for (let i = 0; i < 2; i++) await client(a.url("count"));
    for (let i = 0; i < 3; i++) await client(b.url("count"));
    await settle("count", 2);
    await membersKnown(buses);
    expect(await c.app.clusterSubscriberCount("count")).toBe(5);
    expect(await a.app.clusterSubscriberCount("count")).toBe(5);
  });
});
