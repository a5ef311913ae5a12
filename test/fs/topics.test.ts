// File-route topics are injective: two different concrete paths never share a topic (and so never receive each
// other's broadcasts), plain segments keep the readable `ws-room-42`, and `$` names stay bunwire's own.

import { afterEach, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { fileRoutes, type FileRoutes } from "../../src/fs/index.ts";
import { escapeSegment, topicOf } from "../../src/fs/topic.ts";
import { scanRoutes } from "../../src/fs/scan.ts";
import { connected, rawHandshake, wsUrl, type Client } from "../router/support.ts";
import { SRC, writeTree } from "./support.ts";

const served: FileRoutes[] = [];
afterEach(async () => {
  await Promise.all(served.splice(0).map((files) => files.close()));
});

// Each connection says its topic on open; a message is broadcast to the topic, prefixed with it.
const ROOM = `
export function onOpen(ws, ctx) { ws.send(ctx.topic); }
export function onMessage(ws, message, ctx) { ctx.broadcast(ctx.topic + " " + message); }
`;

async function serve(tree: Record<string, string>): Promise<Server<unknown>> {
  const files = await fileRoutes(writeTree(tree));
  served.push(files);
  return files.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
}

/** Opens `path`, returns the client and the topic it announced. */
async function open(server: Server<unknown>, path: string): Promise<[Client, string]> {
  const client = await connected(wsUrl(server, path));
  return [client, (await client.next()) as string];
}

/** Both broadcast: each sees its own message next, never the other's (a leak would arrive first, frames keep order). */
async function isolated([a, topicA]: [Client, string], [b, topicB]: [Client, string]): Promise<void> {
  a.send("from a");
  b.send("from b");
  expect(await a.next()).toBe(`${topicA} from a`);
  expect(await b.next()).toBe(`${topicB} from b`);
}

describe("file-route topics", () => {
  test("/ws/chat/admin and /ws/chat-admin are two topics; each broadcast stays in its own", async () => {
    const server = await serve({ "ws/chat/[room]/route.ts": ROOM, "ws/chat-admin/route.ts": ROOM });
    const [nested, nestedTopic] = await open(server, "/ws/chat/admin");
    const [hyphen, hyphenTopic] = await open(server, "/ws/chat-admin");
    expect(nestedTopic).toBe("ws-chat-admin");
    expect(hyphenTopic).toBe("ws-chat%2Dadmin");
    await isolated([nested, nestedTopic], [hyphen, hyphenTopic]);
    nested.close();
    hyphen.close();
  });

  test("[id] = a-b and [id] = a%2Fb are two topics; plain ids stay ws-room-42", async () => {
    const server = await serve({ "ws/room/[id]/route.ts": ROOM });
    const [hyphen, hyphenTopic] = await open(server, "/ws/room/a-b");
    const [slash, slashTopic] = await open(server, "/ws/room/a%2Fb");
    const [plain, plainTopic] = await open(server, "/ws/room/42");
    expect([hyphenTopic, slashTopic, plainTopic]).toEqual(["ws-room-a%2Db", "ws-room-a%2Fb", "ws-room-42"]);
    await isolated([hyphen, hyphenTopic], [slash, slashTopic]);
    for (const c of [hyphen, slash, plain]) c.close();
  });

  test("a catch-all keeps its segments apart: /ws/files/a/b and /ws/files/a%2Fb are two topics", async () => {
    const server = await serve({ "ws/files/[...path]/route.ts": ROOM });
    const [two, twoTopic] = await open(server, "/ws/files/a/b");
    const [one, oneTopic] = await open(server, "/ws/files/a%2Fb");
    expect(twoTopic).toBe("ws-files-a-b");
    expect(oneTopic).toBe("ws-files-a%2Fb");
    await isolated([two, twoTopic], [one, oneTopic]);
    two.close();
    one.close();
  });

  test("params starting with $ are refused with 400 RESERVED_TOPIC, catch-alls included", async () => {
    const server = await serve({ "ws/room/[id]/route.ts": ROOM, "ws/files/[...path]/route.ts": ROOM });
    for (const path of ["/ws/room/%24all", "/ws/room/$broadcast:chat", "/ws/files/%24all/x"]) {
      const refused = await rawHandshake(server.port!, path);
      expect(refused.status).toBe(400);
      expect(refused.body).toContain("RESERVED_TOPIC");
    }
  });
});

// A typed-protocol route; `upgrade` keeps the connection's ctx in ws.data so a handler can call ctx.broadcast.
const SOCKETS = `
import { defineProtocol } from "${SRC}index.ts";
const anything = { "~standard": { version: 1, vendor: "test", validate: (value) => ({ value }) } };
const p = defineProtocol({ client: { shout: anything, subscribed: anything }, server: {} });
export function upgrade(req, ctx) { return { data: { ctx } }; }
export default p.handle({
  shout(ws, text) { return ws.data.ctx.broadcast("shout " + text); },
  subscribed(ws) { return ws.isSubscribed(ws.data.ctx.topic); },
}, { open(ws) { ws.send("opened " + ws.data.ctx.topic); } });
`;

describe("sockets/ routes are on their topic too", () => {
  test("a connection is subscribed to its sockets-... topic: files.publish and ctx.broadcast reach it, its own open still runs", async () => {
    const files = await fileRoutes(writeTree({ "sockets/s/route.ts": SOCKETS, "sockets/room/[id]/route.ts": SOCKETS }));
    served.push(files);
    const server = files.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
    const [a, b] = await Promise.all([connected(wsUrl(server, "/sockets/s")), connected(wsUrl(server, "/sockets/s"))]);
    const room = await connected(wsUrl(server, "/sockets/room/7"));
    expect(await a.next()).toBe("opened sockets-s");
    expect(await b.next()).toBe("opened sockets-s");
    expect(await room.next()).toBe("opened sockets-room-7");
    a.send(JSON.stringify({ event: "subscribed", data: null, id: 1 }));
    expect(JSON.parse((await a.next()) as string)).toEqual({ id: 1, ack: true });
    expect(files.subscriberCount("sockets-s")).toBe(2);
    expect(files.subscriberCount("sockets-room-7")).toBe(1);
    expect(files.publish("sockets-s", "from the server")).toBeGreaterThan(0);
    expect(await a.next()).toBe("from the server");
    expect(await b.next()).toBe("from the server");
    // ctx.broadcast publishes to the route's topic, the sender included; the other room hears nothing (order below).
    a.send(JSON.stringify({ event: "shout", data: "hi", id: 2 }));
    expect(await a.next()).toBe("shout hi");
    expect(await b.next()).toBe("shout hi");
    expect(JSON.parse((await a.next()) as string).id).toBe(2);
    files.publish("sockets-room-7", "room only");
    expect(await room.next()).toBe("room only");
    for (const c of [a, b, room]) c.close();
  });
});

describe("topicOf", () => {
  const segmentsOf = (tree: string) => scanRoutes(writeTree({ [`${tree}/route.ts`]: "" })).routes[0]!.segments;

  test("is injective over paths built from the characters that used to collide", () => {
    const rest = segmentsOf("ws/x/[...path]");
    const pieces = ["a", "b", "-", "a-b", "%", "a/b", ""];
    const seen = new Map<string, string>();
    // Every list of one to three decoded segments, as a catch-all receives them: raw segments percent-encoded.
    const lists: string[][] = [];
    for (const p of pieces) {
      lists.push([p]);
      for (const q of pieces) {
        lists.push([p, q]);
        for (const r of pieces) lists.push([p, q, r]);
      }
    }
    for (const list of lists) {
      if (list[0] === "" || list.at(-1) === "") continue; // an empty first or last segment is the route itself or a trailing slash
      const raw = list.map((part) => encodeURIComponent(part)).join("/");
      const topic = topicOf(rest, { "*": list.join("/") }, `/ws/x/${raw}`);
      const key = JSON.stringify(list);
      const other = seen.get(topic);
      if (other !== undefined && other !== key) throw new Error(`${key} and ${other} share the topic ${topic}`);
      seen.set(topic, key);
    }
    expect(seen.size).toBeGreaterThan(200);
  });

  test("escapes %, - and / only; a topic never starts with $", () => {
    expect(escapeSegment("room 42 é")).toBe("room 42 é");
    expect(escapeSegment("50%-off/x")).toBe("50%25%2Doff%2Fx");
    expect(topicOf(segmentsOf("ws/[id]"), { id: "$all" }, "/ws/%24all").startsWith("ws-")).toBe(true);
  });
});
