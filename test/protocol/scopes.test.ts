// No module-global protocol state: each `handle()` owns its history, broadcast topic and room cap, and
// `publish`/`broadcast` find the handlers served where the target is (a socket, an app, a Bun server). Two
// independent apps serve the same protocol with different options in one process and never trip over each other.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { bunwire } from "../../src/index.ts";
import { MemoryHistory, servedOn, type HandleOptions } from "../../src/protocol/index.ts";
import { chat, chatHandlers, Probe, registered, type ChatData } from "./fixture.ts";

interface Served {
  history: MemoryHistory;
  app: ReturnType<typeof bunwire>;
  url: string;
}

function serve(options: HandleOptions<ChatData>): { history: MemoryHistory; app: ReturnType<typeof bunwire>; listen(): Served } {
  const history = new MemoryHistory();
  const app = bunwire();
  app.ws("/chat", chat.handle<ChatData>(chatHandlers(), { ...options, history }) as never);
  return {
    history,
    app,
    listen() {
      const server = app.listen(0);
      return { history, app, url: `ws://127.0.0.1:${server.port}/chat` };
    },
  };
}

let a: Served;
let b: Served;
const probes: Probe[] = [];

async function probe(url: string): Promise<Probe> {
  const p = new Probe(url);
  probes.push(p);
  await p.opened;
  return p;
}

beforeAll(() => {
  // Both handle() calls happen before either app serves: the last one must not win.
  const first = serve({ rooms: true, maxRooms: 1, onError: () => {} });
  const second = serve({ rooms: (_ws, topic) => topic !== "secret", maxRooms: 5, broadcastTopic: "$broadcast:chat-b", onError: () => {} });
  a = first.listen();
  b = second.listen();
});

afterAll(async () => {
  for (const p of probes) p.ws.close();
  await Promise.all([a.app.close(), b.app.close()]);
});

describe("two apps serving the same protocol with different options, in one process", () => {
  test("publish through each app records in that app's history only, and reaches that app's sockets only", async () => {
    const [alice, bob] = [await probe(a.url), await probe(b.url)];
    const joinedA = (await alice.ask({ event: "$join", data: { topic: "news" }, id: 1 })).ack;
    const joinedB = (await bob.ask({ event: "$join", data: { topic: "news" }, id: 1 })).ack;
    const offsetA = await chat.publish(a.app, "news", "said", { from: "a", text: "for a" });
    const offsetB = await chat.publish(b.app, "news", "said", { from: "b", text: "for b" });
    expect(await alice.next()).toMatchObject({ data: { text: "for a" }, offset: offsetA, seq: joinedA.seq + 1 });
    expect(await bob.next()).toMatchObject({ data: { text: "for b" }, offset: offsetB, seq: joinedB.seq + 1 });
    expect((await a.history.last("news")).offset).toBe(offsetA!);
    expect((await b.history.last("news")).offset).toBe(offsetB!);
    // Through the app's Bun server too.
    const viaServer = await chat.publish(a.app.server!, "news", "said", { from: "a", text: "via server" });
    expect((await a.history.last("news")).offset).toBe(viaServer!);
    expect((await b.history.last("news")).offset).toBe(offsetB!);
  });

  test("publish through a socket uses the history of the handlers serving that socket", async () => {
    const [carol, dave] = [await probe(b.url), await probe(b.url)];
    await carol.ask({ event: "$join", data: { topic: "room" }, id: 1 });
    await dave.ask({ event: "$join", data: { topic: "room" }, id: 1 });
    const before = await a.history.last("room");
    dave.send({ event: "shout", data: { room: "room", text: "from dave" } });
    const heard = await carol.next();
    expect(heard).toMatchObject({ data: { text: "from dave" }, topic: "room" });
    expect((await b.history.last("room")).offset).toBe(heard.offset);
    expect(await a.history.last("room")).toEqual(before);
  });

  test("each app keeps its own room policy, room cap and broadcast topic", async () => {
    const [alice, bob] = [await probe(a.url), await probe(b.url)];
    await alice.ask({ event: "$join", data: { topic: "one" }, id: 1 });
    expect(await alice.ask({ event: "$join", data: { topic: "two" }, id: 2 })).toMatchObject({ id: 2, error: { code: "TOO_MANY_ROOMS" } });
    await bob.ask({ event: "$join", data: { topic: "one" }, id: 1 });
    expect((await bob.ask({ event: "$join", data: { topic: "two" }, id: 2 })).ack).toBeDefined();
    expect(await bob.ask({ event: "$join", data: { topic: "secret" }, id: 3 })).toMatchObject({ id: 3, error: { code: "NOT_ALLOWED" } });
    expect((await alice.ask({ event: "$join", data: { topic: "secret" }, id: 3 })).error.code).toBe("TOO_MANY_ROOMS");
    chat.broadcast(b.app, "said", { from: "b", text: "everyone on b" });
    expect(await bob.next()).toEqual({ event: "said", data: { from: "b", text: "everyone on b" } });
    expect(await alice.ask({ event: "$ping" })).toEqual({ event: "$pong" }); // nothing from b came first
  });
});

describe("raw Bun servers", () => {
  test("servedOn tells each server's handlers apart, so publish through a server uses its own history", async () => {
    const histories = [new MemoryHistory(), new MemoryHistory()];
    const servers = histories.map((history) => {
      const websocket = chat.handle<ChatData>(chatHandlers(), { history, rooms: true });
      const server = Bun.serve<ChatData>({
        port: 0,
        hostname: "127.0.0.1",
        fetch: (req, srv) => (srv.upgrade(req, { data: { name: "raw" } }) ? undefined : new Response("", { status: 400 })),
        websocket,
      });
      servedOn(websocket, server);
      return server;
    });
    try {
      const offsets = [await chat.publish(servers[0]!, "t", "said", { from: "x", text: "0" }), await chat.publish(servers[1]!, "t", "said", { from: "x", text: "1" })];
      expect((await histories[0]!.last("t")).offset).toBe(offsets[0]!);
      expect((await histories[1]!.last("t")).offset).toBe(offsets[1]!);
    } finally {
      await Promise.all(servers.map((server) => server.stop(true)));
    }
  });
});

describe("broadcastTopic: false", () => {
  test("sockets join no broadcast topic, publish still reaches their rooms, and broadcast to them says why it cannot", async () => {
    const quiet = serve({ rooms: true, broadcastTopic: false }).listen();
    const loud = serve({ rooms: true }).listen();
    try {
      const [carol, erin] = [await probe(quiet.url), await probe(loud.url)];
      expect(quiet.app.server!.subscriberCount("$broadcast:chat")).toBe(0);
      expect(loud.app.server!.subscriberCount("$broadcast:chat")).toBe(1);
      // Rooms and publish work as before.
      await carol.ask({ event: "$join", data: { topic: "news" }, id: 1 });
      await chat.publish(quiet.app, "news", "said", { from: "x", text: "room" });
      expect(await carol.next()).toMatchObject({ event: "said", data: { text: "room" }, topic: "news" });
      // Through the front door, or the socket: a clear error instead of a broadcast that reaches nobody.
      let thrown: unknown;
      try {
        chat.broadcast(quiet.app, "said", { from: "x", text: "all" });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: "BROADCAST_OFF" });
      expect(String((thrown as Error).message)).toContain("broadcastTopic: false");
      expect(() => chat.broadcast(quiet.app.server!, "said", { from: "x", text: "all" })).toThrow("broadcastTopic: false");
      await carol.ask({ event: "register", data: { as: "carol-quiet" }, id: 2 });
      expect(() => chat.broadcast(registered.get("carol-quiet")!, "said", { from: "x", text: "all" })).toThrow("broadcastTopic: false");
      // The other app's sockets still get their broadcast, and carol got nothing.
      chat.broadcast(loud.app, "said", { from: "y", text: "everyone" });
      expect(await erin.next()).toEqual({ event: "said", data: { from: "y", text: "everyone" } });
      expect(await carol.ask({ event: "$ping" })).toEqual({ event: "$pong" });
    } finally {
      await Promise.all([quiet.app.close(), loud.app.close()]);
    }
  });
});
