// Exactly-once effects on one instance (issue 14, item 2), in memory: a request with a key runs its handler once per
// key and scope; a repeat gets the first reply under its own id; a repeat during the first run waits for it; and the
// real client re-sends its unanswered keyed requests after a cut, getting the reply of the run that already happened.

import { heapStats } from "bun:jsc";
import { afterEach, describe, expect, test } from "bun:test";
import { connect, type Client } from "../../src/client/index.ts";
import { MemoryIdempotency, decodeMsgpack, encodeMsgpack, MSGPACK_SUBPROTOCOL, type IdempotencyStore } from "../../src/protocol/index.ts";
import { until } from "../support/socket.ts";
import { Probe } from "./fixture.ts";
import { shop, shopInstance, type ShopInstance } from "./idempotency-fixture.ts";
import { SwitchProxy } from "./switch-proxy.ts";

const instances: ShopInstance[] = [];
const probes: Probe[] = [];
const clients: Client<typeof shop>[] = [];
const proxies: SwitchProxy[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const probe of probes.splice(0)) probe.ws.close();
  for (const proxy of proxies.splice(0)) proxy.stop();
  for (const instance of instances.splice(0)) await instance.close();
});

function start(idempotency: Parameters<typeof shopInstance>[0] = true): ShopInstance {
  const instance = shopInstance(idempotency);
  instances.push(instance);
  return instance;
}

async function probe(url: string, protocols?: string[]): Promise<Probe> {
  const p = new Probe(url, protocols);
  probes.push(p);
  await p.opened;
  return p;
}

/** The memory store without `renew`, recording what each claim of a key found ("claimed", "running", "done"). */
function tellingStore(): { store: IdempotencyStore; claims: string[] } {
  const claims: string[] = [];
  const memory = new MemoryIdempotency();
  const store: IdempotencyStore = {
    claim: (key, leaseMs) => {
      const claim = memory.claim(key, leaseMs);
      claims.push(claim.state);
      return claim;
    },
    complete: (key, record, windowMs) => memory.complete(key, record, windowMs),
    close: () => memory.close(),
  };
  return { store, claims };
}

describe("the server keeps keys", () => {
  test("a repeated key gets the first reply under its own id, without running the handler again", async () => {
    const shopA = start();
    const p = await probe(shopA.url());
    expect(await p.ask({ event: "pay", data: { amount: 5 }, id: 1, key: "c1:1" })).toEqual({ id: 1, ack: { receipt: "A#1:5" } });
    expect(await p.ask({ event: "pay", data: { amount: 5 }, id: 2, key: "c1:1" })).toEqual({ id: 2, ack: { receipt: "A#1:5" } });
    expect(await p.ask({ event: "pay", data: { amount: 5 }, id: 3, key: "c1:2" })).toEqual({ id: 3, ack: { receipt: "A#2:5" } });
    expect(shopA.runs).toBe(2);
  });

  test("the same over MessagePack", async () => {
    const shopA = start();
    const p = await probe(shopA.url(), [MSGPACK_SUBPROTOCOL]);
    for (const id of [1, 2]) {
      expect(decodeMsgpack(await p.ask(encodeMsgpack({ event: "pay", data: { amount: 1 }, id, key: "m:1" })))).toEqual({ id, ack: { receipt: "A#1:1" } });
    }
    expect(shopA.runs).toBe(1);
  });

  test("a repeat that arrives while the first run still goes waits for it; the handler runs once", async () => {
    // The memory store, telling the test what each arrival of the key found.
    const { store, claims } = tellingStore();
    const shopA = start({ store });
    const [first, second] = [await probe(shopA.url()), await probe(shopA.url())];
    shopA.gate.close();
    const entered = shopA.gate.entered();
    first.send({ event: "pay", data: { amount: 9 }, id: 1, key: "c2:1" });
    await entered;
    second.send({ event: "pay", data: { amount: 9 }, id: 7, key: "c2:1" });
    await until(() => claims.length === 2, 2000, "the retry to reach the store");
    expect(claims).toEqual(["claimed", "running"]);
    shopA.gate.open();
    expect(await first.next()).toEqual({ id: 1, ack: { receipt: "A#1:9" } });
    expect(await second.next()).toEqual({ id: 7, ack: { receipt: "A#1:9" } });
    expect(shopA.runs).toBe(1);
  });

  test("with the default store too: a repeat during the run (string key on one connection, `k` on another) waits for it", async () => {
    const shopA = start();
    const [first, second] = [await probe(shopA.url()), await probe(shopA.url())];
    expect(await second.ask({ event: "pay", data: { amount: 1 }, id: 1, key: "c8:1" })).toEqual({ id: 1, ack: { receipt: "A#1:1" } });
    shopA.gate.close();
    const entered = shopA.gate.entered();
    first.send({ event: "pay", data: { amount: 9 }, id: 1, key: "c8:2" });
    await entered;
    second.send({ event: "pay", data: { amount: 9 }, id: 2, k: 2 });
    await Bun.sleep(20); // the repeat has arrived and waits
    expect(shopA.runs).toBe(2);
    shopA.gate.open();
    expect(await first.next()).toEqual({ id: 1, ack: { receipt: "A#2:9" } });
    expect(await second.next()).toEqual({ id: 2, ack: { receipt: "A#2:9" } });
    expect(shopA.runs).toBe(2);
  });

  test("a run longer than leaseMs: a repeat on this instance still waits for it, even when the store says the key is free", async () => {
    // No `renew`: the lease runs out during the run, and the store answers the repeat "claimed".
    const { store, claims } = tellingStore();
    const shopA = start({ store, leaseMs: 20 });
    const [first, second] = [await probe(shopA.url()), await probe(shopA.url())];
    shopA.gate.close();
    const entered = shopA.gate.entered();
    first.send({ event: "pay", data: { amount: 9 }, id: 1, key: "c9:1" });
    await entered;
    await Bun.sleep(80); // four leases: the key's lease is over, its run is not
    second.send({ event: "pay", data: { amount: 9 }, id: 7, key: "c9:1" });
    await until(() => claims.length === 2, 2000, "the retry to reach the store");
    expect(claims).toEqual(["claimed", "claimed"]);
    await Bun.sleep(20); // the repeat has arrived and waits
    expect(shopA.runs).toBe(1);
    shopA.gate.open();
    expect(await first.next()).toEqual({ id: 1, ack: { receipt: "A#1:9" } });
    expect(await second.next()).toEqual({ id: 7, ack: { receipt: "A#1:9" } });
    expect(shopA.runs).toBe(1);
  });

  test("a run longer than leaseMs keeps its key in the store (its lease is renewed): a repeat through another handle() on the same store waits", async () => {
    const memory = new MemoryIdempotency();
    const [shopA, shopB] = [start({ store: memory, leaseMs: 60 }), start({ store: memory, leaseMs: 60 })];
    const [first, second] = [await probe(shopA.url()), await probe(shopB.url())];
    shopA.gate.close();
    const entered = shopA.gate.entered();
    first.send({ event: "pay", data: { amount: 4 }, id: 1, key: "c10:1" });
    await entered;
    await Bun.sleep(250); // four leases
    second.send({ event: "pay", data: { amount: 4 }, id: 1, key: "c10:1" });
    await Bun.sleep(150); // the repeat waits on B, asking the store again and again
    expect([shopA.runs, shopB.runs]).toEqual([1, 0]);
    shopA.gate.open();
    expect(await first.next()).toEqual({ id: 1, ack: { receipt: "A#1:4" } });
    expect(await second.next()).toEqual({ id: 1, ack: { receipt: "A#1:4" } });
    expect([shopA.runs, shopB.runs]).toEqual([1, 0]);
  });

  test("the real client cut during a run longer than leaseMs: its retry gets the first run's reply; the handler ran once", async () => {
    const shopA = start({ leaseMs: 20 });
    const proxy = SwitchProxy.start(shopA.port);
    proxies.push(proxy);
    const client = connect<typeof shop>(proxy.url("/shop"), { heartbeat: false, idempotent: true, reconnect: { initialDelay: 10, maxDelay: 20 } });
    clients.push(client);
    await client.whenOpen();
    shopA.gate.close();
    const entered = shopA.gate.entered();
    const paid = client.request("pay", { amount: 6 });
    await entered;
    await Bun.sleep(80);
    proxy.cut();
    await until(() => proxy.accepted === 2, 2000, "the client to reconnect");
    await Bun.sleep(50); // the retry has arrived and waits
    shopA.gate.open();
    expect(await paid).toEqual({ receipt: "A#1:6" });
    expect(shopA.runs).toBe(1);
  });

  test("an error reply is kept too; a validation failure is not (the handler never ran)", async () => {
    const shopA = start();
    const p = await probe(shopA.url());
    const declined = { code: "DECLINED", message: "card declined" };
    expect(await p.ask({ event: "decline", data: {}, id: 1, key: "c3:1" })).toEqual({ id: 1, error: declined });
    expect(await p.ask({ event: "decline", data: {}, id: 2, key: "c3:1" })).toEqual({ id: 2, error: declined });
    expect(shopA.runs).toBe(1);
    expect((await p.ask({ event: "pay", data: { amount: "x" }, id: 3, key: "c3:2" })).error.code).toBe("VALIDATION_FAILED");
    expect(await p.ask({ event: "pay", data: { amount: 2 }, id: 4, key: "c3:2" })).toEqual({ id: 4, ack: { receipt: "A#2:2" } });
  });

  test("a key reused for another event: IDEMPOTENCY_CONFLICT; a bad key: INVALID_ENVELOPE with the id", async () => {
    const shopA = start();
    const p = await probe(shopA.url());
    await p.ask({ event: "pay", data: { amount: 1 }, id: 1, key: "c4:1" });
    expect(await p.ask({ event: "refund", data: { amount: 1 }, id: 2, key: "c4:1" })).toMatchObject({ id: 2, error: { code: "IDEMPOTENCY_CONFLICT" } });
    for (const key of [42, true, "x".repeat(201), " c4:2"]) {
      expect(await p.ask({ event: "pay", data: { amount: 1 }, id: 4, key })).toMatchObject({ id: 4, error: { code: "INVALID_ENVELOPE" } });
    }
    for (const k of [-1, 1.5, "2", null]) {
      expect(await p.ask({ event: "pay", data: { amount: 1 }, id: 5, k })).toMatchObject({ id: 5, error: { code: "INVALID_ENVELOPE", message: expect.stringContaining("envelope.k") } });
    }
    // a numbered key names no client until a string key <client>:<n> did on this connection
    const fresh = await probe(shopA.url());
    expect(await fresh.ask({ event: "pay", data: { amount: 1 }, id: 6, k: 1 })).toMatchObject({ id: 6, error: { code: "INVALID_ENVELOPE", message: expect.stringContaining("<client>:<n>") } });
    expect(shopA.runs).toBe(1);
  });

  test("a numbered key `k` is <client>:<k> of the connection's latest string key, the same key as its string form", async () => {
    const shopA = start();
    const [p, other] = [await probe(shopA.url()), await probe(shopA.url())];
    expect(await p.ask({ event: "pay", data: { amount: 3 }, id: 1, key: "c6:1" })).toEqual({ id: 1, ack: { receipt: "A#1:3" } });
    expect(await p.ask({ event: "pay", data: { amount: 3 }, id: 2, k: 1 })).toEqual({ id: 2, ack: { receipt: "A#1:3" } });
    expect(await p.ask({ event: "pay", data: { amount: 4 }, id: 3, k: 2 })).toEqual({ id: 3, ack: { receipt: "A#2:4" } });
    // another connection (a reconnect) repeats the numbered key by its string
    expect(await other.ask({ event: "pay", data: { amount: 4 }, id: 1, key: "c6:2" })).toEqual({ id: 1, ack: { receipt: "A#2:4" } });
    expect(await other.ask({ event: "pay", data: { amount: 5 }, id: 2, k: 3 })).toEqual({ id: 2, ack: { receipt: "A#3:5" } });
    // a later string key names another client: numbered keys follow it
    expect(await p.ask({ event: "pay", data: { amount: 6 }, id: 4, key: "c7:1" })).toEqual({ id: 4, ack: { receipt: "A#4:6" } });
    expect(await p.ask({ event: "pay", data: { amount: 6 }, id: 5, k: 3 })).toEqual({ id: 5, ack: { receipt: "A#5:6" } });
    expect(await p.ask({ event: "pay", data: { amount: 6 }, id: 6, k: 1 })).toEqual({ id: 6, ack: { receipt: "A#4:6" } });
    // numbers past the memory store's windows (2^31 - 1) are kept by their string
    expect(await p.ask({ event: "pay", data: { amount: 7 }, id: 7, k: 2 ** 40 })).toEqual({ id: 7, ack: { receipt: "A#6:7" } });
    expect(await other.ask({ event: "pay", data: { amount: 7 }, id: 3, key: "c7:1099511627776" })).toEqual({ id: 3, ack: { receipt: "A#6:7" } });
    expect(shopA.runs).toBe(6);
  });

  test('`keys: "id"` with a string key: the connection\'s later requests are keyed <client>:<id>, the same keys as their string form', async () => {
    const shopA = start();
    const [p, other, plain] = [await probe(shopA.url()), await probe(shopA.url()), await probe(shopA.url())];
    expect(await p.ask({ event: "pay", data: { amount: 3 }, id: 1, key: "c8:1", keys: "id" })).toEqual({ id: 1, ack: { receipt: "A#1:3" } });
    expect(await p.ask({ event: "pay", data: { amount: 4 }, id: 2 })).toEqual({ id: 2, ack: { receipt: "A#2:4" } });
    expect(await p.ask({ event: "pay", data: { amount: 4 }, id: 2 })).toEqual({ id: 2, ack: { receipt: "A#2:4" } }); // a repeat
    // another connection (a reconnect) repeats both by their strings, then names the client itself
    expect(await other.ask({ event: "pay", data: { amount: 4 }, id: 7, key: "c8:2" })).toEqual({ id: 7, ack: { receipt: "A#2:4" } });
    expect(await other.ask({ event: "pay", data: { amount: 3 }, id: 8, key: "c8:1", keys: "id" })).toEqual({ id: 8, ack: { receipt: "A#1:3" } });
    expect(await other.ask({ event: "pay", data: { amount: 5 }, id: 3 })).toEqual({ id: 3, ack: { receipt: "A#3:5" } });
    expect(await p.ask({ event: "pay", data: { amount: 5 }, id: 3 })).toEqual({ id: 3, ack: { receipt: "A#3:5" } });
    // `k` still names a number of the same client; an emit (no id) is no keyed request
    expect(await p.ask({ event: "pay", data: { amount: 6 }, id: 9, k: 3 })).toEqual({ id: 9, ack: { receipt: "A#3:5" } });
    p.send({ event: "pay", data: { amount: 7 } });
    // a later string key without `keys` ends it: an id is no key again
    expect(await p.ask({ event: "pay", data: { amount: 8 }, id: 10, key: "c9:1" })).toEqual({ id: 10, ack: { receipt: "A#5:8" } });
    expect(await p.ask({ event: "pay", data: { amount: 9 }, id: 11 })).toEqual({ id: 11, ack: { receipt: "A#6:9" } });
    expect(await p.ask({ event: "pay", data: { amount: 9 }, id: 11 })).toEqual({ id: 11, ack: { receipt: "A#7:9" } });
    // without the declaration an id is no key; a bad `keys`, or `keys` with no string key, is refused
    expect(await plain.ask({ event: "pay", data: { amount: 1 }, id: 2 })).toEqual({ id: 2, ack: { receipt: "A#8:1" } });
    expect(await plain.ask({ event: "pay", data: { amount: 1 }, id: 3, key: "c10:3", keys: "k" })).toMatchObject({ id: 3, error: { code: "INVALID_ENVELOPE", message: expect.stringContaining("envelope.keys") } });
    expect(await plain.ask({ event: "pay", data: { amount: 1 }, id: 4, keys: "id" })).toMatchObject({ id: 4, error: { code: "INVALID_ENVELOPE", message: expect.stringContaining("envelope.keys") } });
    expect(shopA.runs).toBe(8);
  });

  test('ids as keys over MessagePack, with a store that reads strings, and scoped to the user', async () => {
    const claimed: string[] = [];
    const memory = new MemoryIdempotency();
    const store: IdempotencyStore = {
      claim: (key, leaseMs) => (claimed.push(key), memory.claim(key, leaseMs)),
      complete: (key, record, windowMs) => memory.complete(key, record, windowMs),
      close: () => memory.close(),
    };
    const shopA = start({ store });
    const p = await probe(shopA.url(), [MSGPACK_SUBPROTOCOL]);
    const ask = async (id: number, key: object = {}) => decodeMsgpack(await p.ask(encodeMsgpack({ event: "pay", data: { amount: 2 }, id, ...key })));
    expect(await ask(1, { key: "m3:1", keys: "id" })).toEqual({ id: 1, ack: { receipt: "A#1:2" } });
    expect(await ask(1)).toEqual({ id: 1, ack: { receipt: "A#1:2" } });
    expect(await ask(2)).toEqual({ id: 2, ack: { receipt: "A#2:2" } });
    expect(claimed).toEqual(["m3:1", "m3:1", "m3:2"]);
    const shopB = start();
    const [ada, bob] = [await probe(shopB.url("ada")), await probe(shopB.url("bob"))];
    expect(await ada.ask({ event: "pay", data: { amount: 1 }, id: 1, key: "tab:1", keys: "id" })).toEqual({ id: 1, ack: { receipt: "A#1:1" } });
    expect(await bob.ask({ event: "pay", data: { amount: 2 }, id: 1, key: "tab:1", keys: "id" })).toEqual({ id: 1, ack: { receipt: "A#2:2" } });
    expect(await bob.ask({ event: "pay", data: { amount: 3 }, id: 2 })).toEqual({ id: 2, ack: { receipt: "A#3:3" } });
    expect(await ada.ask({ event: "pay", data: { amount: 4 }, id: 2 })).toEqual({ id: 2, ack: { receipt: "A#4:4" } });
    expect(await ada.ask({ event: "pay", data: { amount: 4 }, id: 2 })).toEqual({ id: 2, ack: { receipt: "A#4:4" } });
    expect(shopB.runs).toBe(4);
  });

  test("numbered keys over MessagePack, and with a store that reads strings", async () => {
    const claimed: string[] = [];
    const memory = new MemoryIdempotency();
    const store: IdempotencyStore = {
      claim: (key, leaseMs) => (claimed.push(key), memory.claim(key, leaseMs)),
      complete: (key, record, windowMs) => memory.complete(key, record, windowMs),
      close: () => memory.close(),
    };
    const shopA = start({ store });
    const p = await probe(shopA.url(), [MSGPACK_SUBPROTOCOL]);
    const ask = async (id: number, key: object) => decodeMsgpack(await p.ask(encodeMsgpack({ event: "pay", data: { amount: 2 }, id, ...key })));
    expect(await ask(1, { key: "m2:1" })).toEqual({ id: 1, ack: { receipt: "A#1:2" } });
    expect(await ask(2, { k: 1 })).toEqual({ id: 2, ack: { receipt: "A#1:2" } });
    expect(await ask(3, { k: 2 })).toEqual({ id: 3, ack: { receipt: "A#2:2" } });
    expect(claimed).toEqual(["m2:1", "m2:1", "m2:2"]);
    expect(shopA.runs).toBe(2);
  });

  test("keys are scoped to the connection's user: the same key of another user runs for that user, never reads the first reply", async () => {
    const shopA = start();
    const [ada, bob, adaAgain] = [await probe(shopA.url("ada")), await probe(shopA.url("bob")), await probe(shopA.url("ada"))];
    expect(await ada.ask({ event: "pay", data: { amount: 1 }, id: 1, key: "same" })).toEqual({ id: 1, ack: { receipt: "A#1:1" } });
    expect(await bob.ask({ event: "pay", data: { amount: 2 }, id: 1, key: "same" })).toEqual({ id: 1, ack: { receipt: "A#2:2" } });
    expect(await adaAgain.ask({ event: "pay", data: { amount: 1 }, id: 1, key: "same" })).toEqual({ id: 1, ack: { receipt: "A#1:1" } });
    expect(shopA.runs).toBe(2);
  });

  test("one socket served by two handle()s with stores of their own: each store keeps its own keys, `k` included", async () => {
    const runs = { a: 0, b: 0 };
    const handlerOf = (name: "a" | "b") => shop.handle({ pay: () => ({ receipt: `${name}${++runs[name]}` }), refund: () => undefined, decline: () => undefined }, { idempotency: { store: new MemoryIdempotency() } });
    const [a, b] = [handlerOf("a"), handlerOf("b")];
    // raw Bun.serve handing each frame to one of them (by a field of its own)
    const server = Bun.serve<Record<string, unknown>>({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (req, srv) => (srv.upgrade(req, { data: {} }) ? undefined : new Response("no", { status: 400 })),
      websocket: {
        open: (ws) => (a.open(ws), b.open(ws)),
        message: (ws, message) => (String(message).includes('"to":"b"') ? b : a).message(ws, message),
      },
    });
    try {
      const p = await probe(`ws://127.0.0.1:${server.port}/`);
      const ask = (to: string, id: number, key: object) => p.ask({ event: "pay", data: { amount: 1 }, id, to, ...key });
      expect(await ask("a", 1, { key: "c:1" })).toEqual({ id: 1, ack: { receipt: "a1" } });
      expect(await ask("a", 2, { k: 1 })).toEqual({ id: 2, ack: { receipt: "a1" } });
      expect(await ask("b", 3, { k: 2 })).toEqual({ id: 3, ack: { receipt: "b1" } });
      expect(await ask("b", 4, { key: "c:2" })).toEqual({ id: 4, ack: { receipt: "b1" } });
      expect(await ask("a", 5, { k: 2 })).toEqual({ id: 5, ack: { receipt: "a2" } });
      expect(await ask("a", 6, { key: "c:2" })).toEqual({ id: 6, ack: { receipt: "a2" } });
      expect(runs).toEqual({ a: 2, b: 1 });
    } finally {
      server.stop(true);
    }
  });

  test("numbered keys are scoped to the user too", async () => {
    const shopA = start();
    const [ada, bob] = [await probe(shopA.url("ada")), await probe(shopA.url("bob"))];
    expect(await ada.ask({ event: "pay", data: { amount: 1 }, id: 1, key: "tab:1" })).toEqual({ id: 1, ack: { receipt: "A#1:1" } });
    expect(await bob.ask({ event: "pay", data: { amount: 2 }, id: 1, key: "tab:1" })).toEqual({ id: 1, ack: { receipt: "A#2:2" } });
    expect(await ada.ask({ event: "pay", data: { amount: 3 }, id: 2, k: 2 })).toEqual({ id: 2, ack: { receipt: "A#3:3" } });
    expect(await bob.ask({ event: "pay", data: { amount: 4 }, id: 2, k: 2 })).toEqual({ id: 2, ack: { receipt: "A#4:4" } });
    expect(await bob.ask({ event: "pay", data: { amount: 4 }, id: 3, key: "tab:2" })).toEqual({ id: 3, ack: { receipt: "A#4:4" } });
    expect(await ada.ask({ event: "pay", data: { amount: 9 }, id: 3, k: 1 })).toEqual({ id: 3, ack: { receipt: "A#1:1" } });
    expect(shopA.runs).toBe(4);
  });

  test("the window is bounded: keys expire after windowMs, and a store holds at most maxKeys", async () => {
    const store = new MemoryIdempotency({ maxKeys: 2 });
    const shopA = start({ store, windowMs: 30 });
    const p = await probe(shopA.url());
    await p.ask({ event: "pay", data: { amount: 1 }, id: 1, key: "w:1" });
    await Bun.sleep(40); // past the window
    expect(await p.ask({ event: "pay", data: { amount: 1 }, id: 2, key: "w:1" })).toEqual({ id: 2, ack: { receipt: "A#2:1" } });
    for (const key of ["w:2", "w:3", "w:4"]) await p.ask({ event: "pay", data: { amount: 1 }, id: 3, key });
    expect(store.size).toBe(2);
  });

  test("UUID keys (no client part) from many requests are all kept: more than one client's 4 096, up to maxKeys", async () => {
    const shopA = start();
    const p = await probe(shopA.url());
    const keys = Array.from({ length: 5_000 }, () => crypto.randomUUID());
    for (const [i, key] of keys.entries()) p.ws.send(JSON.stringify({ event: "pay", data: { amount: 1 }, id: i + 1, key }));
    for (let i = 0; i < keys.length; i++) await p.next(); // every reply
    expect(shopA.runs).toBe(5_000);
    // the first key is still known: its repeat gets its first reply, the handler does not run again
    expect(await p.ask({ event: "pay", data: { amount: 1 }, id: 9_001, key: keys[0]! })).toEqual({ id: 9_001, ack: { receipt: "A#1:1" } });
    expect(shopA.runs).toBe(5_000);
  });

  test("a connection naming a new client on every request costs the store no more than maxKeys keys' worth of memory", async () => {
    const store = new MemoryIdempotency({ maxKeys: 500 });
    const shopA = start({ store });
    const p = await probe(shopA.url());
    const send = (from: number, count: number) => {
      for (let i = from; i < from + count; i++) p.ws.send(JSON.stringify({ event: "pay", data: { amount: 1 }, id: i + 1, key: `c${i}-with-a-client-id-of-some-length:1` }));
    };
    const receive = async (count: number) => {
      for (let i = 0; i < count; i++) await p.next();
    };
    send(0, 2_000); // the JIT warmed, the store full
    await receive(2_000);
    Bun.gc(true);
    const before = heapStats().heapSize;
    send(2_000, 20_000);
    await receive(20_000);
    Bun.gc(true);
    // Each new client was a KeyGroup with an index kept for the keys' window (minutes): ~3 KB each, 60 MB here.
    expect(heapStats().heapSize - before).toBeLessThan(6_000_000);
    expect(store.size).toBe(500);
    // the newest keys are still known: a repeat is answered without a run
    const runs = shopA.runs;
    expect(await p.ask({ event: "pay", data: { amount: 1 }, id: 99_999, key: "c21999-with-a-client-id-of-some-length:1" })).toEqual({ id: 99_999, ack: expect.anything() });
    expect(shopA.runs).toBe(runs);
  });

  test("without the idempotency option keys are ignored: every repeat runs", async () => {
    const shopA = start(false);
    const p = await probe(shopA.url());
    await p.ask({ event: "pay", data: { amount: 1 }, id: 1, key: "k" });
    await p.ask({ event: "pay", data: { amount: 1 }, id: 2, key: "k" });
    expect(shopA.runs).toBe(2);
  });
});

describe("the client re-sends unanswered keyed requests", () => {
  async function behindProxy(shopA: ShopInstance, options: { idempotent: boolean }) {
    const proxy = SwitchProxy.start(shopA.port);
    proxies.push(proxy);
    const client = connect<typeof shop>(proxy.url("/shop"), { heartbeat: false, reconnect: { initialDelay: 10, maxDelay: 20 }, ...options });
    clients.push(client);
    await client.whenOpen();
    return { proxy, client };
  }

  test("cut after the handler ran, before the reply arrived: the retry gets the reply; the handler ran once", async () => {
    const shopA = start();
    const { proxy, client } = await behindProxy(shopA, { idempotent: true });
    proxy.holdReplies();
    const lost = proxy.dropped();
    const paid = client.request("pay", { amount: 30 });
    await lost; // the handler ran and its reply left the server, into a network that drops it
    proxy.release();
    proxy.cut();
    expect(await paid).toEqual({ receipt: "A#1:30" });
    expect(shopA.runs).toBe(1);
    expect(proxy.accepted).toBe(2);
  });

  test("without idempotent the request fails with DISCONNECTED (at most once)", async () => {
    const shopA = start();
    const { proxy, client } = await behindProxy(shopA, { idempotent: false });
    shopA.gate.close();
    const entered = shopA.gate.entered();
    const paid = client.request("pay", { amount: 1 }).catch((error: { code: string }) => error.code);
    await entered;
    proxy.cut();
    expect(await paid).toBe("DISCONNECTED");
    shopA.gate.open();
  });
});

describe("the client's keys on the wire", () => {
  /** A server that records each request's key and acks it, or fails it while `failing`. */
  function recorder(port = 0) {
    const seen = { keys: [] as unknown[], failing: false };
    const server = Bun.serve({
      port,
      hostname: "127.0.0.1",
      fetch: (req, srv) => (srv.upgrade(req, { data: undefined }) ? undefined : new Response("no", { status: 400 })),
      websocket: {
        message(ws, text) {
          const frame = JSON.parse(String(text)) as { id: number; key?: unknown; keys?: unknown; k?: unknown };
          // A key with what it says of later keys, or the bare id; `k` is never sent by bunwire's client.
          seen.keys.push(frame.key === undefined ? frame.id : `${String(frame.key)} keys=${String(frame.keys)}`);
          if (frame.k !== undefined) seen.keys.push("k");
          ws.send(JSON.stringify(seen.failing ? { id: frame.id, error: { code: "NOPE", message: "no" } } : { id: frame.id, ack: frame.id }));
        },
      },
    });
    return { server, seen };
  }

  test("a connection's first keys are strings <clientId>:<session>:<id> saying keys are ids; after an ack of one, the ids alone; after a reconnect, strings again", async () => {
    const first = recorder();
    const port = first.server.port!;
    const client = connect<typeof shop>(`ws://127.0.0.1:${port}/`, { heartbeat: false, clientId: "tab", idempotent: true, reconnect: { initialDelay: 10, maxDelay: 20 } });
    clients.push(client);
    let scope: string | undefined;
    try {
      await client.whenOpen();
      first.seen.failing = true;
      await client.request("pay", { amount: 1 }).catch(() => {}); // an error reply does not say the id was noted
      first.seen.failing = false;
      for (let n = 0; n < 3; n++) await client.request("pay", { amount: 1 });
      await client.request("pay", { amount: 1 }, { idempotent: false });
      await client.request("pay", { amount: 1 });
      scope = /^(tab:[\w-]{12}):1 keys=id$/.exec(String(first.seen.keys[0]))?.[1];
      expect(scope).toBeString();
      expect(first.seen.keys).toEqual([`${scope}:1 keys=id`, `${scope}:2 keys=id`, 3, 4, 5, 6]);
    } finally {
      await first.server.stop(true); // the connection drops: the client reconnects to the next server on the same port
    }
    await until(() => client.state !== "open", 2000, "the client to see the connection drop");
    const second = recorder(port);
    try {
      await until(() => client.state === "open", 2000, "the client to reconnect");
      await client.request("pay", { amount: 1 }, { idempotent: false }); // no key, before the keyed ones
      await client.request("pay", { amount: 1 });
      await client.request("pay", { amount: 1 });
      expect(second.seen.keys).toEqual([7, `${scope}:8 keys=id`, 9]); // the same session: a retry is a repeat
    } finally {
      second.server.stop(true);
    }
  });
});

describe("clients that share a clientId", () => {
  test("a new client object with the same clientId (a page reload, a second tab) never gets an earlier one's reply", async () => {
    const shopA = start();
    const url = shopA.url();
    const options = { heartbeat: false, idempotent: true, clientId: "device-42" } as const;
    const first = connect<typeof shop>(url, options);
    clients.push(first);
    expect(await first.request("pay", { amount: 10 })).toEqual({ receipt: "A#1:10" });
    first.close();
    // Request ids start at 1 again: with the key `device-42:1` this got the first page's receipt for 10.
    const reloaded = connect<typeof shop>(url, options);
    clients.push(reloaded);
    expect(await reloaded.request("pay", { amount: 99 })).toEqual({ receipt: "A#2:99" });
    const tab = connect<typeof shop>(url, options); // open beside `reloaded`, same id
    clients.push(tab);
    expect(await tab.request("pay", { amount: 5 })).toEqual({ receipt: "A#3:5" });
    expect(shopA.runs).toBe(3);
  });
});

describe("MemoryIdempotency keeps a window per client", () => {
  const run = (store: MemoryIdempotency, key: string, ack: unknown = key) => {
    const claim = store.claim(key, 60_000);
    if (claim.state === "claimed") store.complete(key, { event: "pay", ack }, 60_000);
    return claim.state;
  };

  test("past maxKeysPerClient a client's oldest key goes; another client's keys stay", () => {
    const store = new MemoryIdempotency({ maxKeysPerClient: 3 });
    for (const n of [1, 2, 3]) run(store, `quiet:${n}`);
    for (let n = 1; n <= 10; n++) run(store, `busy:${n}`);
    // 6 keys inside the windows: an index below its full size (8 slots for a window of 3) frees the number leaving
    expect(store.size).toBe(6);
    // the busy client's first keys ran out of its window; its last three and the quiet client's three are known
    expect(run(store, "busy:1")).toBe("claimed");
    expect(run(store, "busy:10")).toBe("done");
    for (const n of [1, 2, 3]) expect(run(store, `quiet:${n}`)).toBe("done");
  });

  test("a repeat reads the first run's record, whatever other clients do meanwhile", () => {
    const store = new MemoryIdempotency({ maxKeysPerClient: 2, maxKeys: 1_000 });
    run(store, "a:1", { receipt: 1 });
    for (let n = 0; n < 500; n++) run(store, `c${n}:1`);
    expect(store.claim("a:1", 60_000)).toEqual({ state: "done", record: { event: "pay", ack: { receipt: 1 } } });
  });

  test("maxKeys bounds every client together; clients that went away are forgotten once their keys expire", async () => {
    const store = new MemoryIdempotency({ maxKeys: 50 });
    for (let n = 0; n < 200; n++) run(store, `client${n}:1`);
    expect(store.size).toBe(50);
    const short = new MemoryIdempotency();
    for (let n = 0; n < 100; n++) {
      const key = `gone${n}:1`;
      short.claim(key, 10);
      short.complete(key, { event: "pay", ack: n }, 10);
    }
    expect(short.size).toBe(100);
    await Bun.sleep(20);
    // later traffic from one client sweeps the others' expired keys as it goes
    for (let n = 0; n < 200 * 64; n++) run(short, `live:${n % 50}`);
    expect(short.size).toBe(50);
  });

  test("keys without a client part are bounded by maxKeys, not by one client's maxKeysPerClient", () => {
    const store = new MemoryIdempotency({ maxKeysPerClient: 2, maxKeys: 64 });
    for (const key of ["k1", "k2", "k3"]) run(store, key);
    expect(store.size).toBe(3);
    expect(run(store, "k1")).toBe("done");
    for (let n = 4; n <= 70; n++) run(store, `k${n}`);
    expect(store.size).toBeLessThanOrEqual(64);
    expect(run(store, "k70")).toBe("done");
    expect(run(store, "k2")).toBe("claimed"); // the oldest went past maxKeys
  });

  test("maxKeysPerClient must be a positive integer", () => {
    expect(() => new MemoryIdempotency({ maxKeysPerClient: 0 })).toThrow("maxKeysPerClient must be an integer >= 1");
  });
});
