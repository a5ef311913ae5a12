// natsBus between separate Bun servers sharing one real nats-server: the same cross-instance behaviour as Redis.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { natsBus, NatsBus, NatsBusError } from "bunwire/nats";
import { Client, Instance, membersKnown, RecordingLogger } from "../redis/fixture.ts";
import { NatsServer } from "./nats-server.ts";

let nats: NatsServer;
const instances: Instance[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  nats = await NatsServer.start();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(instances.map((i) => i.close()));
  await nats.kill();
});

async function instance(options: Partial<Parameters<typeof natsBus>[0]> = {}): Promise<Instance> {
  const i = await new Instance(natsBus({ servers: nats.url, ...options })).connect();
  instances.push(i);
  return i;
}
async function client(url: string): Promise<Client> {
  const c = await Client.open(url);
  clients.push(c);
  return c;
}
/** Subscriptions are asynchronous: a flush round trip per instance makes them effective on the server. */
const settle = (...list: Instance[]) => Promise.all(list.map((i) => (i.bus as NatsBus).ready()));

describe("natsBus", () => {
  test("a publish reaches subscribers on the other instances exactly once, never echoing back", async () => {
    const [a, b, c] = [await instance(), await instance(), await instance()];
    const onA = await client(a.url("room"));
    const onB = [await client(b.url("room")), await client(b.url("room"))];
    const onC = await client(c.url("room"));
    await settle(a, b, c);
    a.publish("room", "hello");
    b.publish("room", "from b");
    for (const cl of [onA, ...onB, onC]) expect(await cl.received(2)).toEqual(expect.arrayContaining(["hello", "from b"]));
    expect(b.delivered.map((d) => d.data)).toEqual(["hello"]);
    expect(a.delivered.map((d) => d.data)).toEqual(["from b"]);
    await Bun.sleep(50); // let any duplicate arrive before checking that none did
    expect(onA.messages).toHaveLength(2);
  });

  test("binary payloads and the compress flag cross intact; topics of any shape work", async () => {
    const [a, b] = [await instance(), await instance()];
    const topic = "odd topic.with *wild> chars";
    const onB = await client(b.url(topic));
    await settle(b);
    const bytes = new Uint8Array([0xff, 0x00, 0xfe, 0x80]);
    a.publish(topic, bytes, true);
    a.publish(topic, "ünïcødé", false);
    expect(await onB.received(2)).toEqual([bytes, "ünïcødé"]);
    expect(b.delivered.map((d) => [d.topic, d.compress])).toEqual([[topic, true], [topic, false]]);
  });

  test("only subscribed topics arrive; sender excluded; order kept; counts add up", async () => {
    const [a, b] = [await instance(), await instance()];
    const sender = await client(a.url("chat"));
    const onB = await client(b.url("chat"));
    await client(b.url("chat"));
    await settle(a, b);
    a.publish("elsewhere", "x");
    sender.send("chat|hi");
    await onB.received(1);
    for (let i = 0; i < 300; i++) a.publish("chat", String(i));
    const got = await onB.received(301);
    expect(got).toEqual(["hi", ...Array.from({ length: 300 }, (_, i) => String(i))]);
    expect(b.delivered.every((d) => d.topic === "chat")).toBe(true);
    expect(sender.messages.includes("hi")).toBe(false);
    await membersKnown([a.bus, b.bus]);
    expect(await a.bus.clusterSubscriberCount("chat")).toBe(3);
    expect(await a.bus.clusterSubscriberCount("nobody")).toBe(0);
  });

  test("bad options fail at construction with a named error", () => {
    expect(() => natsBus({ servers: [] })).toThrow(NatsBusError);
    expect(() => natsBus({ servers: nats.url, bufferSize: -1 })).toThrow(/bufferSize/);
  });
});

test("kill -9 of nats-server: local delivery goes on, one warning, buffer resent, subscriptions restored", async () => {
  const own = await NatsServer.start();
  const logA = new RecordingLogger();
  const logB = new RecordingLogger();
  const options = { servers: own.url, bufferSize: 3, reconnectTimeWaitMs: 100, flushDelayMs: 600 };
  const a = await new Instance(natsBus({ ...options, logger: logA })).connect();
  const b = await new Instance(natsBus({ ...options, logger: logB })).connect();
  const local: Client[] = [];
  try {
    const onA = await Client.open(a.url("t"));
    const onB = await Client.open(b.url("t"));
    local.push(onA, onB);
    await settle(a, b);
    a.publish("t", "before");
    await onB.received(1);
    const states: boolean[] = [];
    a.bus.onStateChange((connected) => states.push(connected));
    const warned = Promise.all([logA.nextWarning(), logB.nextWarning()]);
    await own.kill();
    await warned;
    expect(a.bus.connected).toBe(false);
    for (let i = 1; i <= 5; i++) a.publish("t", `during-${i}`);
    expect(await onA.received(6)).toHaveLength(6);
    const back = Promise.all([logA.nextInfo(), logB.nextInfo()]);
    await own.restart();
    await back;
    // Buffer of 3, oldest dropped first, the rest resent in order once NATS is back.
    expect(await onB.received(4, 8000)).toEqual(["before", "during-3", "during-4", "during-5"]);
    // One warning and one info line per instance for the whole outage.
    for (const log of [logA, logB]) {
      expect(log.warnings).toHaveLength(1);
      expect(log.infos).toHaveLength(1);
    }
    expect(logA.infos[0]).toMatch(/resent 3 buffered publishes, dropped 2/);
    expect(a.bus.stats).toMatchObject({ publishes: 6, buffered: 5, dropped: 2, outages: 1 });
    expect(states).toEqual([false, true]);
    b.publish("t", "from b");
    expect((await onA.received(7)).at(-1)).toBe("from b");
  } finally {
    for (const c of local) c.close();
    await a.close();
    await b.close();
    await own.kill();
  }
}, 20_000);

test("NATS down when the app starts: one warning, publishes buffered and sent once NATS comes up", async () => {
  const own = await NatsServer.start();
  await own.kill();
  const log = new RecordingLogger();
  const options = { servers: own.url, reconnectTimeWaitMs: 100, flushDelayMs: 1500 };
  const a = await new Instance(natsBus({ ...options, logger: log })).connect();
  let b: Instance | undefined;
  try {
    expect(log.warnings).toHaveLength(1);
    expect(a.bus.connected).toBe(false);
    a.publish("boot", "early");
    const back = log.nextInfo();
    await own.restart();
    b = await new Instance(natsBus(options)).connect();
    const onB = await Client.open(b.url("boot"));
    await b.bus.ready(); // b's subscription is on the server before a resends its buffer
    await back;
    expect(await onB.received(1, 8000)).toEqual(["early"]);
    expect(log.infos[0]).toMatch(/resent 1 buffered publishes, dropped 0/);
    onB.close();
  } finally {
    await a.close();
    await b?.close();
    await own.kill();
  }
}, 20_000);
