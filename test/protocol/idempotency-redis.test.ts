// Exactly-once effects across instances (issue 14, item 2) with keys in a real Redis (`redisIdempotency`): the
// real client behind a proxy that moves it from instance A to instance B, the way a load balancer does after a
// cut. The handler runs once and the client gets the reply, whether A finished before the retry or is still running
// it (for longer than the lease, which A renews); an instance killed (kill -9) after the run changes nothing; one killed during the run frees the key after its
// lease; Redis restarted without persistence forgets the keys.

import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import type { Subprocess } from "bun";
import { Redis } from "ioredis";
import { connect, type Client } from "../../src/client/index.ts";
import type { IdempotencyStore } from "../../src/protocol/index.ts";
import { redisIdempotency } from "../../src/redis/index.ts";
import { useRedisServer } from "../support/redis-server.ts";
import { until } from "../support/socket.ts";
import { Probe } from "./fixture.ts";
import { shop, shopInstance, type ShopInstance } from "./idempotency-fixture.ts";
import { SwitchProxy } from "./switch-proxy.ts";

// Each test starts Bun child processes: on a cold checkout (nothing transpiled yet) under parallel load one start
// alone can take seconds.
setDefaultTimeout(20_000);

const redis = useRedisServer();
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A shop instance whose keys are in Redis; `claims` lists what each arrival of a key found there. */
function instance(name: string, leaseMs = 60_000): ShopInstance & { claims: string[] } {
  const store = redisIdempotency({ url: redis.url });
  const claims: string[] = [];
  const recording: IdempotencyStore = {
    claim: async (key, lease) => {
      const claim = await store.claim(key, lease);
      claims.push(claim.state);
      return claim;
    },
    renew: (key, lease) => store.renew(key, lease),
    complete: (key, record, windowMs) => store.complete(key, record, windowMs),
    close: () => store.close(),
  };
  const created = Object.assign(shopInstance({ store: recording, leaseMs }, name), { claims });
  cleanups.push(() => created.close(), () => store.close());
  return created;
}

function clientBehind(proxy: SwitchProxy): Client<typeof shop> {
  const client = connect<typeof shop>(proxy.url("/shop"), { idempotent: true, heartbeat: false, reconnect: { initialDelay: 10, maxDelay: 50 } });
  cleanups.push(() => client.close());
  return client;
}

function proxyTo(port: number): SwitchProxy {
  const proxy = SwitchProxy.start(port);
  cleanups.push(() => proxy.stop());
  return proxy;
}

/** Lets the reply of the next run leave the server and get lost; then moves the client to `next` with a cut. */
async function loseReplyAndMove(proxy: SwitchProxy, next: number, lost: Promise<void>): Promise<void> {
  await lost;
  proxy.release();
  proxy.target = next;
  proxy.cut();
}

/** A payment whose reply leaves the server and gets lost; the client is then moved to `next` with a cut. Its ack. */
async function payWithLostReply(client: Client<typeof shop>, proxy: SwitchProxy, amount: number, next: number): Promise<unknown> {
  proxy.holdReplies();
  const lost = proxy.dropped();
  const paid = client.request("pay", { amount });
  await loseReplyAndMove(proxy, next, lost);
  return paid;
}

test("cut after the handler ran on A, before its reply arrived; the retry lands on B: the handler ran once, the client got the reply", async () => {
  const [a, b] = [instance("A"), instance("B")];
  const proxy = proxyTo(a.port);
  const client = clientBehind(proxy);
  await client.whenOpen();
  expect(await payWithLostReply(client, proxy, 12, b.port)).toEqual({ receipt: "A#1:12" });
  expect([a.runs, b.runs]).toEqual([1, 0]);
  expect(b.claims.at(-1)).toBe("done");
});

test("the lost request went keyed by its id alone (an earlier ack on that connection); its retry on B, a string key, is the same key", async () => {
  const [a, b] = [instance("A"), instance("B")];
  const proxy = proxyTo(a.port);
  const client = clientBehind(proxy);
  await client.whenOpen();
  expect(await client.request("pay", { amount: 1 })).toEqual({ receipt: "A#1:1" }); // from now on a keyed request goes with its id alone
  expect(await payWithLostReply(client, proxy, 12, b.port)).toEqual({ receipt: "A#2:12" });
  expect([a.runs, b.runs]).toEqual([2, 0]);
  expect(b.claims.at(-1)).toBe("done");
});

test("the retry reaches B while A still runs the handler: B waits for A's run and answers with its reply", async () => {
  const [a, b] = [instance("A"), instance("B")];
  const proxy = proxyTo(a.port);
  const client = clientBehind(proxy);
  await client.whenOpen();
  a.gate.close();
  const entered = a.gate.entered();
  const paid = client.request("pay", { amount: 7 });
  await entered;
  proxy.target = b.port;
  proxy.cut();
  await until(() => b.claims.includes("running"), 5000, "the retry to find A's run in Redis");
  a.gate.open(); // A's run completes; its own reply goes to a dead socket
  expect(await paid).toEqual({ receipt: "A#1:7" });
  expect([a.runs, b.runs]).toEqual([1, 0]);
});

test("A's run lasts longer than leaseMs: A renews its lease, so the retry on B waits for A's run instead of running it again", async () => {
  const [a, b] = [instance("A", 200), instance("B", 200)];
  const proxy = proxyTo(a.port);
  const client = clientBehind(proxy);
  await client.whenOpen();
  a.gate.close();
  const entered = a.gate.entered();
  const paid = client.request("pay", { amount: 8 });
  await entered;
  await Bun.sleep(600); // three leases: without renewal the key would be free again
  proxy.target = b.port;
  proxy.cut();
  await until(() => b.claims.includes("running"), 5000, "the retry to find A's run in Redis");
  await Bun.sleep(400); // two more leases, B asking Redis all along
  expect(b.claims.every((state) => state === "running")).toBe(true);
  a.gate.open();
  expect(await paid).toEqual({ receipt: "A#1:8" });
  expect([a.runs, b.runs]).toEqual([1, 0]);
});

interface ShopProcess {
  port: number;
  runs(): number;
  kill(): Promise<void>;
}

async function shopProcess(leaseMs: number, mode: "run" | "hold"): Promise<ShopProcess> {
  const proc: Subprocess<"ignore", "pipe", "inherit"> = Bun.spawn([process.execPath, "test/protocol/shop-process.ts", redis.url, String(leaseMs), mode], { stdin: "ignore", stdout: "pipe", stderr: "inherit" });
  const lines: string[] = [];
  let wake: () => void = () => {};
  void (async () => {
    const decoder = new TextDecoder();
    const reader = proc.stdout.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      lines.push(...decoder.decode(chunk.value).split("\n").filter((line) => line.length > 0));
      wake();
    }
  })();
  while (!lines.some((line) => line.startsWith("PORT "))) await new Promise<void>((resolve) => (wake = resolve));
  const killed = async () => {
    proc.kill("SIGKILL");
    await proc.exited;
  };
  cleanups.push(killed);
  return { port: Number(lines.find((line) => line.startsWith("PORT "))!.slice(5)), runs: () => lines.filter((line) => line.startsWith("RAN ")).length, kill: killed };
}

test("instance crash: A is killed (kill -9) after the run, its reply lost; the retry on B gets the recorded reply; the handler ran once", async () => {
  const a = await shopProcess(60_000, "run");
  const b = instance("B");
  const proxy = proxyTo(a.port);
  const client = clientBehind(proxy);
  await client.whenOpen();
  proxy.holdReplies();
  const lost = proxy.dropped();
  const paid = client.request("pay", { amount: 3 });
  await lost;
  // The run is recorded in Redis before its reply is sent; wait for the write to land, then kill A.
  const keys = new Redis(redis.url);
  cleanups.push(() => keys.disconnect());
  // The key is `<client id>:<session>:1`, the session this client object's own.
  const held = async () => {
    const [key] = await keys.keys(`bunwire:i:${client.id}:*:1`);
    return key === undefined ? "" : ((await keys.get(key)) ?? "");
  };
  while (!(await held()).startsWith("d")) await Bun.sleep(5); // "d": done
  await a.kill();
  await loseReplyAndMove(proxy, b.port, Promise.resolve());
  expect(await paid).toEqual({ receipt: "P#1:3" });
  expect([a.runs(), b.runs]).toEqual([1, 0]);
});

test("instance crash during the run: the key stays held for its lease, then the retry on B runs the handler (at least once)", async () => {
  const a = await shopProcess(300, "hold");
  const b = instance("B", 300);
  const proxy = proxyTo(a.port);
  const client = clientBehind(proxy);
  await client.whenOpen();
  const paid = client.request("pay", { amount: 4 });
  await until(() => a.runs() === 1, 5000, "A to start the run");
  await a.kill();
  proxy.target = b.port;
  proxy.cut();
  expect(await paid).toEqual({ receipt: "B#1:4" });
  expect(b.claims[0]).toBe("running"); // B found A's claim and waited for the lease to end
  expect([a.runs(), b.runs]).toEqual([1, 1]);
});

test("Redis down: a keyed request is refused (IDEMPOTENCY_UNAVAILABLE), never run blind; after a restart without persistence, keys are forgotten", async () => {
  const a = instance("A");
  const probe = new Probe(a.url());
  cleanups.push(() => probe.ws.close());
  await probe.opened;
  const pay = (id: number, key: string) => probe.ask({ event: "pay", data: { amount: id }, id, key });
  expect(await pay(1, "r:1")).toEqual({ id: 1, ack: { receipt: "A#1:1" } });
  // The record is written after the reply: wait until Redis holds it, or ioredis would re-send the write in flight
  // to the restarted server and the key would survive the restart.
  const check = new Redis(redis.url);
  for (let attempt = 0; (await check.exists("bunwire:i:r:1")) === 0; attempt++) {
    if (attempt > 500) throw new Error("timed out waiting for the record of r:1 in Redis");
    await Bun.sleep(10);
  }
  check.disconnect();
  await redis.kill();
  expect(await pay(2, "r:2")).toMatchObject({ id: 2, error: { code: "IDEMPOTENCY_UNAVAILABLE" } });
  expect(a.runs).toBe(1);
  await redis.restart();
  let reply = await pay(3, "r:1");
  for (let attempt = 0; attempt < 200 && reply.error?.code === "IDEMPOTENCY_UNAVAILABLE"; attempt++) {
    await Bun.sleep(20); // the store reconnects on its own schedule
    reply = await pay(3, "r:1");
  }
  // The key of request 1 is gone with Redis' data: the same key runs again.
  expect(reply).toEqual({ id: 3, ack: { receipt: "A#2:3" } });
});
