// redisPresence across instances: list, join/leave events, several sockets per user, expiry of a dead instance.
import { describe, expect, test } from "bun:test";
import { redisPresence, RedisPresence, RedisBusError } from "bunwire/redis";
import type { PresenceEvent } from "bunwire/redis";
import { useRedisServer } from "../support/redis-server.ts";

const presences: RedisPresence[] = [];
const redis = useRedisServer({ beforeStop: () => Promise.all(presences.map((p) => p.close())) });
function presence(options: { ttlMs?: number; heartbeatMs?: number } = {}): RedisPresence {
  const p = redisPresence({ url: redis.url, ...options });
  presences.push(p);
  return p;
}
let seq = 0;
const freshTopic = () => `room-${++seq}`;

/** Collects events on a topic and resolves when `n` have arrived. */
function recorder(p: RedisPresence, topic: string) {
  const events: PresenceEvent[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  p.subscribe(topic, (event) => {
    events.push(event);
    for (const w of waiters.filter((w) => events.length >= w.n)) w.resolve();
  });
  return {
    events,
    until: (n: number, timeoutMs = 5000) =>
      events.length >= n
        ? Promise.resolve(events)
        : new Promise<PresenceEvent[]>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`expected ${n} events, got ${JSON.stringify(events)}`)), timeoutMs);
            waiters.push({ n, resolve: () => (clearTimeout(timer), resolve(events)) });
          }),
  };
}

describe("redisPresence", () => {
  test("members joined on different instances are listed everywhere, with join and leave events", async () => {
    const [a, b] = [presence(), presence()];
    const topic = freshTopic();
    const seen = recorder(b, topic);
    await b.ready();
    await a.join(topic, "alice", { name: "Alice" });
    await b.join(topic, "bob", { name: "Bob" });
    const sortById = <T extends { id: string }>(list: T[]): T[] => [...list].sort((x, y) => x.id.localeCompare(y.id));
    for (const p of [a, b]) {
      expect(sortById(await p.list(topic))).toEqual([
        { id: "alice", meta: { name: "Alice" } },
        { id: "bob", meta: { name: "Bob" } },
      ]);
    }
    await a.leave(topic, "alice");
    expect(await seen.until(3)).toEqual([
      { type: "join", topic, id: "alice", meta: { name: "Alice" } },
      { type: "join", topic, id: "bob", meta: { name: "Bob" } },
      { type: "leave", topic, id: "alice", meta: { name: "Alice" } },
    ]);
    expect(await a.list(topic)).toEqual([{ id: "bob", meta: { name: "Bob" } }]);
  });

  test("one user on several sockets and instances is listed once and leaves only when the last socket goes", async () => {
    const [a, b] = [presence(), presence()];
    const topic = freshTopic();
    const seen = recorder(a, topic);
    await a.ready();
    await a.join(topic, "carol");
    await a.join(topic, "carol"); // a second tab on the same instance
    await b.join(topic, "carol"); // a phone on another instance
    expect(await a.list(topic)).toEqual([{ id: "carol", meta: null }]);
    await a.leave(topic, "carol");
    await a.leave(topic, "carol");
    expect(await b.list(topic)).toEqual([{ id: "carol", meta: null }]);
    await b.leave(topic, "carol");
    expect(await b.list(topic)).toEqual([]);
    expect((await seen.until(2)).map((e) => e.type)).toEqual(["join", "leave"]);
  });

  test("an instance killed with SIGKILL has its entries expire: gone from list after ttlMs, leave events within ttlMs + heartbeatMs", async () => {
    const ttlMs = 600;
    const heartbeatMs = 150;
    const watcher = presence({ ttlMs, heartbeatMs });
    const topic = freshTopic();
    const seen = recorder(watcher, topic);
    await watcher.ready();
    const child = Bun.spawn([process.execPath, "test/redis/presence-process.ts", redis.url, topic, String(ttlMs), String(heartbeatMs), "dave", "erin"], {
      stdout: "pipe",
      stderr: "inherit",
    });
    try {
      const reader = child.stdout.getReader();
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value)).toContain("joined");
      expect((await watcher.list(topic)).map((m) => m.id).sort()).toEqual(["dave", "erin"]);
      await seen.until(2);
      child.kill("SIGKILL");
      await child.exited;
      // The wait's own limit is the documented bound (ttlMs + heartbeatMs) plus slack for a loaded machine.
      const events = await seen.until(4, ttlMs + heartbeatMs + 2000);
      expect(events.slice(2).map((e) => [e.type, e.id]).sort()).toEqual([["leave", "dave"], ["leave", "erin"]]);
      expect(events[2]!.meta).toEqual({ from: "process" });
      expect(await watcher.list(topic)).toEqual([]);
    } finally {
      child.kill("SIGKILL");
    }
  }, 15_000);

  test("close() is a goodbye: the instance's members leave at once", async () => {
    const [a, b] = [presence(), presence()];
    const topic = freshTopic();
    const seen = recorder(b, topic);
    await b.ready();
    await a.join(topic, "frank");
    await a.close();
    expect((await seen.until(2)).map((e) => e.type)).toEqual(["join", "leave"]);
    expect(await b.list(topic)).toEqual([]);
  });

  test("bad input is refused with a named error", async () => {
    const a = presence();
    await expect(a.join("t", "")).rejects.toThrow(RedisBusError);
    await expect(a.join("", "x")).rejects.toThrow(/topic/);
    await expect(a.join("t", "x", { big: "x".repeat(5000) })).rejects.toThrow(/4096/);
    expect(() => redisPresence({ url: redis.url, ttlMs: 1000, heartbeatMs: 2000 })).toThrow(/heartbeatMs/);
  });
});
