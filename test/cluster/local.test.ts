// Cluster operations without a bus: the same calls work on the one instance, over real sockets, and bad
// arguments reject before anything runs. Connections carry the engine's identity (the decision's `user`).
import { afterEach, expect, test } from "bun:test";
import { bunwire, connectionOf, isBunwireError, sendToUser, userTopic } from "bunwire";
import { TestSocket, until } from "../support/socket.ts";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** An App whose sockets are admitted as `?user=`; each says its connection id when it opens. */
function chatApp() {
  const app = bunwire({ development: false });
  app.ws("/chat", {
    upgrade: (req) => {
      const user = req.query.user;
      return typeof user !== "string" ? true : { user: { id: user, name: user.toUpperCase() } };
    },
    open(ws) {
      ws.send(`hello ${connectionOf(ws)!.id}`);
    },
    message(ws, message) {
      if (String(message) === "topics") ws.send(JSON.stringify(ws.subscriptions.sort()));
    },
  });
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  closers.push(() => app.close());
  return { app, url: (query: string) => `ws://127.0.0.1:${server.port}/chat?${query}` };
}

async function connect(url: string): Promise<{ socket: TestSocket; id: string }> {
  const socket = await TestSocket.open(url);
  const hello = String(await socket.next());
  return { socket, id: hello.slice("hello ".length) };
}

test("connections() lists by user, topic, id and route with the engine's identity; the instance is 'local'", async () => {
  const { app, url } = chatApp();
  app.ws("/other", { upgrade: () => ({ user: "ada" }) });
  const ada1 = await connect(url("user=ada"));
  const ada2 = await connect(url("user=ada"));
  const bob = await connect(url("user=bob"));
  const anon = await connect(url(""));
  await app.cluster.join({ id: bob.id }, "room:1");
  await app.cluster.join({ user: "ada" }, ["room:1", "room:2"]);

  const byUser = await app.cluster.connections({ user: "ada" });
  expect(byUser.missing).toEqual([]);
  expect(byUser.connections.map((c) => c.id).sort()).toEqual([ada1.id, ada2.id].sort());
  const first = byUser.connections.find((c) => c.id === ada1.id)!;
  expect(first).toMatchObject({ instance: "local", user: { id: "ada", name: "ADA" }, route: "/chat", ip: "127.0.0.1" });
  expect(first.topics.sort()).toEqual([userTopic("ada"), "room:1", "room:2"]);
  expect(typeof first.openedAt).toBe("number");

  const room = await app.cluster.connections({ topic: "room:1" });
  expect(room.connections.map((c) => c.id).sort()).toEqual([ada1.id, ada2.id, bob.id].sort());
  expect((await app.cluster.connections({ topic: "room:2" })).connections).toHaveLength(2);
  expect((await app.cluster.connections({ id: anon.id })).connections.map((c) => c.user)).toEqual([undefined]);
  expect((await app.cluster.connections({ route: "/chat", user: "bob" })).connections.map((c) => c.id)).toEqual([bob.id]);
  expect((await app.cluster.connections({ id: "nope" })).connections).toEqual([]);

  // Limits per instance, and metadata computed where the connection lives.
  app.cluster.describe((ws) => ({ subscribed: ws.subscriptions.length }));
  const limited = await app.cluster.connections({ topic: "room:1" }, { limit: 2 });
  expect(limited.connections).toHaveLength(2);
  expect(limited.truncated).toEqual(["local"]);
  expect(limited.connections[0]!.meta).toEqual({ subscribed: expect.any(Number) });

  // The client sees the server-side joins.
  ada1.socket.send("topics");
  expect(JSON.parse(String(await ada1.socket.next()))).toEqual(["$user:ada", "room:1", "room:2"]);

  expect(await app.cluster.leave({ topic: "room:1" }, "room:1")).toEqual({ count: 3, missing: [], failed: [] });
  expect((await app.cluster.connections({ topic: "room:1" })).connections).toEqual([]);
  for (const s of [ada1, ada2, bob, anon]) await s.socket.close();
});

test("disconnect({ user }) closes every connection of that user with the code and reason, and nobody else", async () => {
  const { app, url } = chatApp();
  const [ada1, ada2, bob] = [await connect(url("user=ada")), await connect(url("user=ada")), await connect(url("user=bob"))];
  const result = await app.cluster.disconnect({ user: "ada" }, { code: 4001, reason: "banned" });
  expect(result).toEqual({ count: 2, missing: [], failed: [] });
  for (const closed of [await ada1.socket.closed, await ada2.socket.closed]) {
    expect(closed.code).toBe(4001);
    expect(closed.reason).toBe("banned");
  }
  await until(() => app.subscriberCount(userTopic("ada")) === 0);
  expect((await app.cluster.connections({ user: "ada" })).connections).toEqual([]);
  expect(bob.socket.ws.readyState).toBe(WebSocket.OPEN);
  expect((await app.cluster.connections({ user: "bob" })).connections).toHaveLength(1);
  await bob.socket.close();
});

test("sendToUser reaches every connection admitted with that user, without any code subscribing it", async () => {
  const { app, url } = chatApp();
  const [ada1, ada2, bob] = [await connect(url("user=ada")), await connect(url("user=ada")), await connect(url("user=bob"))];
  sendToUser(app, "ada", { type: "order", id: 7 });
  expect(JSON.parse(String(await ada1.socket.next()))).toEqual({ type: "order", id: 7 });
  expect(JSON.parse(String(await ada2.socket.next()))).toEqual({ type: "order", id: 7 });
  sendToUser(app, "bob", "for bob");
  expect(String(await bob.socket.next())).toBe("for bob");
  expect(ada1.socket.frames).toHaveLength(2); // hello and the order: nothing of bob's
  for (const s of [ada1, ada2, bob]) await s.socket.close();
});

test("emit without a bus has no other instance to reach; on() handlers are checked", async () => {
  const { app } = chatApp();
  const off = app.cluster.on("reload", () => "done");
  expect(await app.cluster.emit("reload", { why: "test" })).toEqual({ replies: [], missing: [], failed: [] });
  expect(() => app.cluster.on("reload", () => 1)).toThrow(/already has a handler/);
  off();
  app.cluster.on("reload", () => 1); // free again once removed
  expect(app.cluster.members()).toEqual(["local"]);
});

test("bad arguments reject with INVALID_OPTION before anything happens", async () => {
  const { app, url } = chatApp();
  const ada = await connect(url("user=ada"));
  const cases: Array<() => Promise<unknown>> = [
    () => app.cluster.connections({}),
    () => app.cluster.connections(null as never),
    () => app.cluster.connections({ users: "ada" } as never),
    () => app.cluster.connections({ user: "" }),
    () => app.cluster.connections({ user: "ada" }, { limit: 0 }),
    () => app.cluster.join({ user: "ada" }, []),
    () => app.cluster.join({ user: "ada" }, [""]),
    () => app.cluster.leave({ user: "ada" }, 7 as never),
    () => app.cluster.disconnect({ user: "ada" }, { code: 1006 }),
    () => app.cluster.disconnect({ user: "ada" }, { code: 4000, reason: "x".repeat(124) }),
    () => app.cluster.disconnect({ user: "ada" }, { timeoutMs: -1 }),
    () => app.cluster.emit("", null),
    () => app.cluster.emit("x", { big: 1n }),
  ];
  for (const run of cases) {
    const error = await run().then(() => undefined, (e: unknown) => e);
    expect(isBunwireError(error, "INVALID_OPTION")).toBe(true);
  }
  expect(ada.socket.ws.readyState).toBe(WebSocket.OPEN); // nothing was disconnected
  await ada.socket.close();
});
