// Room positions kept across a page reload (issue 14, item 9), with a Map standing in for sessionStorage (the real
// one, in Chromium, across a real reload: reload.test.ts). A client that goes away (the page unloads) and a new one
// with the same storage (the reloaded page) joining the topic recovers what was published in between, in order.

import { afterEach, expect, test } from "bun:test";
import { connect, type Client, type OffsetStorage } from "../../src/client/index.ts";
import { notes, NotesServer } from "./fixture.ts";

class MapStorage implements OffsetStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const clients: Client<typeof notes>[] = [];
const servers: NotesServer[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.stop();
});

interface Page {
  client: Client<typeof notes>;
  seen: number[];
  /** Resolves once `count` events have been seen in all. */
  received(count: number): Promise<void>;
}

function page(url: string, storage: OffsetStorage | undefined): Page {
  const client = connect<typeof notes>(url, { heartbeat: false, persistOffsets: storage === undefined ? false : { storage } });
  clients.push(client);
  const seen: number[] = [];
  let waiters: { count: number; wake: () => void }[] = [];
  client.on("posted", ({ n }) => {
    seen.push(n);
    waiters = waiters.filter((waiter) => (seen.length >= waiter.count ? (waiter.wake(), false) : true));
  });
  const received = (count: number) => (seen.length >= count ? Promise.resolve() : new Promise<void>((wake) => waiters.push({ count, wake })));
  return { client, seen, received };
}

test("a new client with the same storage resumes the topic where the old one stopped: the gap is replayed, in order", async () => {
  const server = new NotesServer().start();
  servers.push(server);
  const storage = new MapStorage();
  const before = page(server.url, storage);
  await before.client.join("news");
  await server.post("news", 1);
  await server.post("news", 2);
  await before.received(2);
  before.client.close(); // the page unloads
  await server.post("news", 3);
  await server.post("news", 4);

  const after = page(server.url, storage);
  const joined = await after.client.join("news");
  expect(joined).toMatchObject({ recovered: true, missed: 2 });
  expect(after.seen).toEqual([3, 4]);
  await server.post("news", 5);
  await after.received(3);
  expect(after.seen).toEqual([3, 4, 5]);
});

test("without persistOffsets a new client starts at the topic's current position; leave() forgets the saved one", async () => {
  const server = new NotesServer().start();
  servers.push(server);
  const storage = new MapStorage();
  const first = page(server.url, storage);
  await first.client.join("news");
  await server.post("news", 1);
  await first.received(1);
  expect([...storage.items.keys()]).toEqual([`bunwire:${server.url}|news`]);
  await first.client.leave("news");
  expect(storage.items.size).toBe(0);
  first.client.close();
  await server.post("news", 2);

  const plain = page(server.url, undefined);
  expect(await plain.client.join("news")).toMatchObject({ recovered: true, missed: 0 });
  const forgotten = page(server.url, storage);
  expect(await forgotten.client.join("news")).toMatchObject({ recovered: true, missed: 0 });
  expect([...plain.seen, ...forgotten.seen]).toEqual([]);
});

test("persistOffsets: true needs a sessionStorage: a clear error where there is none", () => {
  expect(() => connect<typeof notes>("ws://127.0.0.1:1/", { persistOffsets: true })).toThrow(/sessionStorage/);
});
