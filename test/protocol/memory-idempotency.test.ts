// MemoryIdempotency under random traffic, against a model of what it promises (docs/PROTOCOL.md, "Exactly-once
// effects"): a client's numbered keys within `maxKeysPerClient` of its highest number are remembered exactly (a
// repeat reads its own outcome, a repeat of a running key is told so); keys that left the window may run again; a
// "done" answer always carries the outcome of that very key, never another's; and the store never holds more than
// `maxKeys`. The traffic has gaps, jumps, numbers arriving out of order, runs that complete late, and keys that are
// not numbers, so the ring of slots grows, wraps and falls back to keys held by string. Half of the numbered keys
// go through `claimNumbered`/`completeNumbered` (a connection's numbered keys, docs/PROTOCOL.md): the same keys.

import { describe, expect, test } from "bun:test";
import { MemoryIdempotency } from "../../src/protocol/index.ts";
import type { Claim } from "../../src/protocol/idempotency.ts";

/** A small seeded generator (mulberry32): a failing seed replays the same traffic. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Known {
  /** The outcome's ack once completed; undefined while the run goes. */
  ack: string | undefined;
  /** Claimed while inside its client's window (so the store must remember it while it stays inside). */
  numbered: boolean;
  /** Completed after its number had left the window: its outcome is kept by its string, and may be found again. */
  kept: boolean;
}

function traffic(seed: number, options: { cap: number; maxKeys: number; steps: number }) {
  const next = random(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;
  const store = new MemoryIdempotency({ maxKeysPerClient: options.cap, maxKeys: options.maxKeys });
  // Each client also as a connection holds it: half of the numbered claims and completions go through it.
  const clients = ["ada", "bob", "cyd", "dee", "eve"].map((name) => ({ name, top: -1, keys: new Map<string, Known>(), held: store.clientKeys(name) }));
  const running: string[] = [];
  let exact = 0;
  let runs = 0;

  const claim = (client: (typeof clients)[number], key: string, n: number | undefined, outOfPressure: boolean) => {
    const known = client.keys.get(key);
    const covered = n !== undefined && n > client.top - options.cap;
    // A third of the numbered keys take the dispatcher's path for a synchronous handler: peek, then (mostly) the
    // outcome in one step, else a claim for a run that goes on.
    const how = n === undefined ? 1 : next();
    let settleNow = false;
    let claim: Claim;
    if (how < 0.33) {
      const seen = store.peekNumbered(client.held, n!);
      claim = seen ?? store.claimNumbered(client.held, n!, 60_000);
      if (seen?.state === "claimed") {
        if (next() < 0.7) settleNow = true;
        else expect((claim = store.claimNumbered(client.held, n!, 60_000)).state).toBe("claimed");
      }
    } else claim = how < 0.66 ? store.claimNumbered(client.held, n!, 60_000) : store.claim(key, 60_000);
    if (claim.state === "done") {
      // Whatever else holds: a done key answers with its own outcome.
      expect(claim.record).toEqual({ event: "pay", ack: known?.ack ?? "(never completed)" });
    }
    if (outOfPressure && covered && known?.numbered === true && n! <= client.top) {
      // Remembered exactly while inside the window.
      expect(claim.state).toBe(known.ack === undefined ? "running" : "done");
      exact++;
    }
    if (outOfPressure && n !== undefined && known?.numbered === true && !known.kept && !covered) expect(claim.state).toBe("claimed");
    if (known === undefined && covered && outOfPressure) expect(claim.state).toBe("claimed");
    if (claim.state === "claimed") {
      client.keys.set(key, { ack: undefined, numbered: covered, kept: false });
      if (n !== undefined && n > client.top) client.top = n;
      if (settleNow) complete(key, true);
      else if (next() < 0.7) complete(key);
      else running.push(key);
    }
    expect(store.size).toBeLessThanOrEqual(options.maxKeys);
  };

  /** `settle`: the run of a key `peekNumbered` found free, held with its outcome in one step. */
  const complete = (key: string, settle = false) => {
    const client = clients.find((c) => key.startsWith(`${c.name}:`))!;
    const ack = `${key}#${++runs}`;
    const n = Number(key.slice(key.lastIndexOf(":") + 1));
    if (settle) store.settleNumbered(client.held, n, "pay", ack, undefined, 300_000);
    else if (Number.isInteger(n) && next() < 0.5) store.completeNumbered(client.held, n, { event: "pay", ack }, 300_000);
    else store.complete(key, { event: "pay", ack }, 300_000);
    const known = client.keys.get(key)!;
    known.ack = ack;
    if (known.numbered && !(n > client.top - options.cap)) known.kept = true;
  };

  const pressure = options.maxKeys < clients.length * options.cap * 2;
  for (let step = 0; step < options.steps; step++) {
    const client = pick(clients);
    const roll = next();
    if (roll < 0.45) {
      // the next key, sometimes after a gap (requests without a key take numbers too), rarely after a jump
      const gap = next() < 0.2 ? Math.floor(next() * 40) : next() < 0.01 ? options.cap * 3 : 0;
      const n = client.top + 1 + gap;
      claim(client, `${client.name}:${n}`, n, !pressure);
    } else if (roll < 0.7 && client.top >= 0) {
      // a repeat, or a number that arrives late, somewhere behind the top (sometimes past the window)
      const n = Math.max(0, client.top - Math.floor(next() * options.cap * 1.5));
      claim(client, `${client.name}:${n}`, n, !pressure);
    } else if (roll < 0.8) {
      // keys that are not numbers: held by string
      const key = `${client.name}:k-${Math.floor(next() * options.cap * 2).toString(36)}`;
      claim(client, key, undefined, !pressure);
    } else if (roll < 0.9 && running.length > 0) {
      complete(running.splice(Math.floor(next() * running.length), 1)[0]!);
    }
  }
  return { store, exact };
}

/** Claims `key`, completes it at once when claimed (its ack is the key), and says what the claim found. */
function runner(store: MemoryIdempotency): (key: string) => string {
  return (key) => {
    const claim = store.claim(key, 60_000);
    if (claim.state === "claimed") store.complete(key, { event: "pay", ack: key }, 60_000);
    return claim.state;
  };
}

describe("MemoryIdempotency under random traffic", () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    test(`seed ${seed}: a key inside its client's window is remembered exactly; one outside it may run again; a done key answers with its own outcome`, () => {
      const { exact } = traffic(seed, { cap: 64, maxKeys: 1_000_000, steps: 20_000 });
      expect(exact).toBeGreaterThan(500); // the traffic did check many repeats inside the window
    });
  }

  // A window of 300 grows its ring to 512 slots: eight chunks of 64, so numbers cross chunk boundaries as they grow.
  for (const seed of Number(process.env.EXTRA_SEEDS) > 0 ? Array.from({ length: Number(process.env.EXTRA_SEEDS) }, (_, i) => 100 + i) : [9, 10]) {
    test(`seed ${seed}: a ring of several chunks remembers a key inside its window exactly`, () => {
      const { exact } = traffic(seed, { cap: 300, maxKeys: 1_000_000, steps: 20_000 });
      expect(exact).toBeGreaterThan(500);
    });
  }

  for (const seed of [7, 8]) {
    test(`seed ${seed}: past maxKeys keys go, never more than maxKeys are held, and a done key still answers with its own outcome`, () => {
      const { store } = traffic(seed, { cap: 64, maxKeys: 150, steps: 20_000 });
      expect(store.size).toBeGreaterThan(0);
    });
  }

  test("a client whose numbers jump far ahead keeps only its new window; the ring never holds a key twice", () => {
    const store = new MemoryIdempotency({ maxKeysPerClient: 8 });
    const run = runner(store);
    for (let n = 0; n < 8; n++) run(`c:${n}`);
    expect(store.size).toBe(8);
    expect(run("c:1000")).toBe("claimed");
    expect(store.size).toBe(1);
    for (let n = 993; n < 1000; n++) expect(run(`c:${n}`)).toBe("claimed");
    expect(store.size).toBe(8);
    for (let n = 993; n <= 1000; n++) expect(run(`c:${n}`)).toBe("done");
    expect(run("c:7")).toBe("claimed"); // long out of the window: held by string now
    expect(run("c:7")).toBe("done");
  });

  test("past maxKeys the oldest numbered keys go first, whoever's they are, one for each new key", () => {
    const store = new MemoryIdempotency({ maxKeys: 64 });
    const run = runner(store);
    for (let n = 0; n < 64; n++) run(`a:${n}`);
    for (let n = 0; n < 10; n++) run(`b:${n}`);
    expect(store.size).toBe(64);
    for (let n = 0; n < 10; n++) expect(run(`b:${n}`)).toBe("done");
    for (let n = 10; n < 64; n++) expect(run(`a:${n}`)).toBe("done");
    // a:0-9 went, the oldest; claiming a:9 again takes the place of the oldest left, a:10
    expect(run("a:9")).toBe("claimed");
    expect(store.size).toBe(64);
    expect(run("a:9")).toBe("done");
    expect(run("a:11")).toBe("done");
    expect(run("a:10")).toBe("claimed");
  });

  test("past maxKeys clients, those that hold no key any more are forgotten: one new client per key stays bounded", () => {
    const store = new MemoryIdempotency({ maxKeys: 100 });
    const run = runner(store);
    run("busy:0");
    for (let n = 0; n < 10_000; n++) {
      run(`once${n}:1`);
      if (n % 10 === 0) run(`busy:${n / 10 + 1}`); // a client that keeps sending: never idle, never forgotten
    }
    expect(store.size).toBe(100);
    const known = (store as unknown as { groups: Map<string, unknown> }).groups.size;
    expect(known).toBeLessThanOrEqual(200); // ~10 000 without the bound
    // the busy client's newest keys (within the last 100 written), through all of it
    for (const n of [998, 999, 1_000]) expect(run(`busy:${n}`)).toBe("done");
    expect(run("once9999:1")).toBe("done");
  });

  test("past maxKeys with keys held by string too: numbered keys go first, then keys by string, never more than maxKeys", () => {
    const store = new MemoryIdempotency({ maxKeys: 64 });
    const run = runner(store);
    for (let n = 0; n < 40; n++) run(`a:${n}`);
    for (let n = 0; n < 40; n++) run(`u:key-${n}`); // not numbers: held by string
    expect(store.size).toBe(64);
    for (let n = 0; n < 40; n++) expect(run(`u:key-${n}`)).toBe("done");
    for (let n = 16; n < 40; n++) expect(run(`a:${n}`)).toBe("done"); // the newest 24 numbered keys stayed
    for (let n = 0; n < 16; n++) expect(store.claim(`a:${n}`, 60_000).state).toBe("claimed");
    expect(store.size).toBeLessThanOrEqual(64);
    // only keys by string now: they go oldest first, down to 1/64 below maxKeys
    const strings = new MemoryIdempotency({ maxKeys: 64 });
    const put = runner(strings);
    for (let n = 0; n < 65; n++) put(`u:key-${n}`);
    expect(strings.size).toBe(63);
    expect(put("u:key-0")).toBe("claimed");
    expect(put("u:key-64")).toBe("done");
  });


  test("clients counting up hold exactly their window's keys, through ring growth and slot takeover, by string, by number or settled in one step", () => {
    for (const cap of [1, 5, 8, 100, 128]) {
      const store = new MemoryIdempotency({ maxKeysPerClient: cap });
      const held = ["a", "b", "c"].map((name) => store.clientKeys(name));
      for (let n = 0; n < cap * 3 + 7; n++) {
        for (const [i, keys] of held.entries()) {
          // take turns: a claim by number, by string, or a synchronous run's peek and one-step settle
          const form = (n + i) % 3;
          if (form === 2) {
            expect(store.peekNumbered(keys, n)).toEqual({ state: "claimed" });
            store.settleNumbered(keys, n, "pay", n, undefined, 60_000);
            continue;
          }
          const claim = form === 0 ? store.claimNumbered(keys, n, 60_000) : store.claim(`${keys.client}:${n}`, 60_000);
          expect(claim.state).toBe("claimed");
          store.completeNumbered(keys, n, { event: "pay", ack: n }, 60_000);
        }
        // a number that left a window keeps its entry until the log reuses it: between the windows and every key
        expect(store.size).toBeGreaterThanOrEqual(3 * Math.min(n + 1, cap));
        expect(store.size).toBeLessThanOrEqual(3 * (n + 1));
      }
      const top = cap * 3 + 6;
      for (const keys of held) {
        for (let m = top - cap + 1; m <= top; m++) expect(store.peekNumbered(keys, m)).toEqual({ state: "done", record: { event: "pay", ack: m } });
        expect(store.peekNumbered(keys, top - cap)).toBeNull(); // it left the window
      }
      expect(store.claim(`b:${top - cap + 1}`, 60_000)).toEqual({ state: "done", record: { event: "pay", ack: top - cap + 1 } });
      expect(store.claimNumbered(held[2]!, top - cap, 60_000).state).toBe("claimed"); // it left the window
    }
  });

  test("a client's index grows from 512 slots to its window of 4 096, with gaps and late numbers, and keeps every key of the window exactly", () => {
    const store = new MemoryIdempotency({ maxKeysPerClient: 4_096, maxKeys: 1_000_000 });
    const keys = store.clientKeys("grow");
    const acked = new Map<number, number>();
    const put = (n: number) => {
      const seen = store.peekNumbered(keys, n);
      if (seen?.state === "claimed") {
        store.settleNumbered(keys, n, "pay", n * 10, undefined, 60_000);
        acked.set(n, n * 10);
      }
    };
    // counting up with a gap every 97 numbers, filled in late (after 40 more), across both growths
    const check = (from: number, to: number) => {
      for (let m = from; m <= to; m++) {
        if (acked.has(m)) expect(store.peekNumbered(keys, m)).toEqual({ state: "done", record: { event: "pay", ack: m * 10 } });
      }
    };
    for (let n = 0; n < 6_000; n++) {
      if (n % 97 !== 0) put(n);
      if (n >= 40 && (n - 40) % 97 === 0) put(n - 40);
      if (n === 1_000) check(0, 1_000); // the keys from before the growth moved with it
    }
    const top = 5_999;
    check(top - 4_095, top);
    expect(store.peekNumbered(keys, top - 4_096)).toBeNull(); // it left the window
  });

  test("a connection's hold on a client outlives the client being forgotten: its next numbered key is kept and found", async () => {
    const store = new MemoryIdempotency();
    const held = store.clientKeys("tab");
    expect(store.claimNumbered(held, 1, 10).state).toBe("claimed");
    store.completeNumbered(held, 1, { event: "pay", ack: 1 }, 10);
    await Bun.sleep(20);
    // another client's traffic sweeps "tab", whose keys all expired
    const run = runner(store);
    for (let n = 0; n < 128; n++) run(`other:${n}`);
    expect(store.size).toBe(128);
    expect(store.claimNumbered(held, 2, 60_000).state).toBe("claimed");
    store.completeNumbered(held, 2, { event: "pay", ack: 2 }, 60_000);
    run("other:128");
    expect(store.size).toBe(130);
    expect(store.claim("tab:2", 60_000)).toEqual({ state: "done", record: { event: "pay", ack: 2 } });
    expect(store.claimNumbered(held, 2, 60_000)).toEqual({ state: "done", record: { event: "pay", ack: 2 } });
  });

  test("past maxKeys at most half of a client's keys held by string go per turn: a client with two keeps its newest", () => {
    const store = new MemoryIdempotency({ maxKeys: 128 });
    const run = runner(store);
    run("a:x1");
    run("a:x2");
    for (let n = 1; n <= 126; n++) run(`b:x${n}`);
    expect(store.size).toBe(128);
    // 129 keys: three must go (down to 126), the longest-known client first: one of a's two keys, then two of b's.
    run("b:x127");
    expect(store.size).toBe(126);
    expect(run("a:x2")).toBe("done");
    expect(run("a:x1")).toBe("claimed");
    expect(run("b:x127")).toBe("done");
    expect(run("b:x3")).toBe("done");
  });

  test("keys of no client (no ':', a custom client's UUIDs) are bounded by maxKeys, not by maxKeysPerClient", () => {
    const store = new MemoryIdempotency({ maxKeysPerClient: 8, maxKeys: 1_000 });
    const run = runner(store);
    const uuids = Array.from({ length: 300 }, () => crypto.randomUUID());
    for (const key of uuids) expect(run(key)).toBe("claimed");
    for (const key of uuids) expect(run(key)).toBe("done");
    // a client's keys by string keep to its own cap
    for (let n = 0; n < 20; n++) run(`c:x${n}`);
    expect(store.size).toBe(308);
    expect(run("c:x11")).toBe("claimed");
    expect(run("c:x19")).toBe("done");
  });

  test("a run completing after another client's repeat was answered records its own key, not that client's", () => {
    const store = new MemoryIdempotency();
    const run = runner(store);
    expect(run("b:1")).toBe("claimed");
    expect(store.claim("a:1", 60_000).state).toBe("claimed"); // a's run goes on (an async handler)
    expect(store.claim("b:1", 60_000)).toEqual({ state: "done", record: { event: "pay", ack: "b:1" } }); // a repeat of b's
    store.complete("a:1", { event: "pay", ack: "a:1" }, 60_000);
    expect(store.claim("b:1", 60_000)).toEqual({ state: "done", record: { event: "pay", ack: "b:1" } });
    expect(store.claim("a:1", 60_000)).toEqual({ state: "done", record: { event: "pay", ack: "a:1" } });
  });

  test("keys that only look like numbers stay distinct: leading zeros, past 2^31, signs, empty and ':'-only parts", () => {
    const store = new MemoryIdempotency();
    const run = runner(store);
    // One client per group: a client's window follows its highest number (see "a client whose numbers jump far ahead").
    const keys = ["d:7", "d:07", "d:007", "d:+7", "d:-7", "d:7.0", "d:7:", "e:2147483647", "e:2147483648", "e:99999999999999999999", "f:", ":7", "f::7"];
    for (const key of keys) expect(run(key)).toBe("claimed");
    for (const key of keys) expect(store.claim(key, 60_000)).toEqual({ state: "done", record: { event: "pay", ack: key } });
    expect(store.size).toBe(keys.length);
  });
});

