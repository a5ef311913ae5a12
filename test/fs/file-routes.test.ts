// File routes over real sockets: paths from folders, `[id]` params with one topic per concrete path, broadcast
// including the sender, `upgrade` (false → 403, true, { data } as ws.data, async, a Response), ctx in every handler.

import { afterEach, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { fileRoutes, type FileRoutes, type FileRoutesOptions } from "../../src/fs/index.ts";
import { connected, httpUrl, rawHandshake, wsUrl } from "../router/support.ts";
import { writeTree } from "./support.ts";

const routers: FileRoutes[] = [];
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
});

async function serveTree(files: Record<string, string>, options: FileRoutesOptions = {}): Promise<Server<unknown>> {
  const router = await fileRoutes(writeTree(files), options);
  routers.push(router);
  return router.serve({ port: 0, hostname: "127.0.0.1" });
}

const ROOM = `
export function onOpen(ws, ctx) { ws.send(JSON.stringify({ topic: ctx.topic, params: ctx.params, path: ctx.path })); }
export function onMessage(ws, message, ctx) { ctx.broadcast(ctx.topic + ":" + message); }
`;

describe("paths and topics", () => {
  test("ws/custom/route.ts serves /ws/custom with topic ws-custom; broadcast reaches every client, sender included", async () => {
    const server = await serveTree({ "ws/custom/route.ts": ROOM });
    const [a, b] = await Promise.all([connected(wsUrl(server, "/ws/custom")), connected(wsUrl(server, "/ws/custom"))]);
    expect(JSON.parse((await a.next()) as string)).toEqual({ topic: "ws-custom", params: {}, path: "/ws/custom" });
    await b.next();
    a.send("hi");
    expect(await a.next()).toBe("ws-custom:hi");
    expect(await b.next()).toBe("ws-custom:hi");
    a.close();
    b.close();
  });

  test("a [id] folder is the param :id, and each concrete path is its own topic (a set of rooms)", async () => {
    const server = await serveTree({ "ws/room/[id]/route.ts": ROOM });
    const a = await connected(wsUrl(server, "/ws/room/42"));
    const b = await connected(wsUrl(server, "/ws/room/42"));
    const c = await connected(wsUrl(server, "/ws/room/7"));
    expect(JSON.parse((await a.next()) as string)).toEqual({ topic: "ws-room-42", params: { id: "42" }, path: "/ws/room/42" });
    await b.next();
    expect(JSON.parse((await c.next()) as string).topic).toBe("ws-room-7");
    a.send("for 42");
    c.send("for 7");
    expect(await a.next()).toBe("ws-room-42:for 42");
    expect(await b.next()).toBe("ws-room-42:for 42");
    // Room 7 sees only its own message: frames arrive in order, so a leak from 42 would come first.
    expect(await c.next()).toBe("ws-room-7:for 7");
    for (const s of [a, b, c]) s.close();
  });

  test("static beats dynamic, [...rest] catches the rest, (group) folders add nothing to the path", async () => {
    const server = await serveTree({
      "ws/room/lobby/route.ts": ROOM,
      "ws/room/[id]/route.ts": ROOM,
      "ws/files/[...path]/route.ts": ROOM,
      "ws/(admin)/stats/route.ts": ROOM,
    });
    const lobby = await connected(wsUrl(server, "/ws/room/lobby"));
    expect(JSON.parse((await lobby.next()) as string)).toEqual({ topic: "ws-room-lobby", params: {}, path: "/ws/room/lobby" });
    const files = await connected(wsUrl(server, "/ws/files/a/b.txt"));
    expect(JSON.parse((await files.next()) as string)).toEqual({ topic: "ws-files-a-b.txt", params: { path: "a/b.txt" }, path: "/ws/files/a/b.txt" });
    const stats = await connected(wsUrl(server, "/ws/stats"));
    expect(JSON.parse((await stats.next()) as string).topic).toBe("ws-stats");
    for (const s of [lobby, files, stats]) s.close();
  });

  test("a route without params shares one frozen ctx among its connections; a route with params gives each its own", async () => {
    const KEEPS = `
const seen = [];
export function onOpen(ws, ctx) {
  if (!seen.includes(ctx)) seen.push(ctx);
  let assigned = "no";
  try { ctx.mine = 1; assigned = "yes"; } catch (error) { assigned = error instanceof TypeError ? "TypeError" : String(error); }
  ws.send(JSON.stringify({ contexts: seen.length, frozen: Object.isFrozen(ctx), assigned, topic: ctx.topic, path: ctx.path }));
}
export function onMessage(ws, message, ctx) { ctx.broadcast(ctx.topic + ":" + message); }
`;
    const server = await serveTree({ "ws/lobby/route.ts": KEEPS, "ws/room/[id]/route.ts": KEEPS });
    const lobby = await Promise.all([1, 2, 3].map(() => connected(wsUrl(server, "/ws/lobby"))));
    const frames = await Promise.all(lobby.map(async (ws) => JSON.parse((await ws.next()) as string)));
    expect(frames.map((frame) => frame.contexts).sort()).toEqual([1, 1, 1]);
    expect(frames[0]).toEqual({ contexts: 1, frozen: true, assigned: "TypeError", topic: "ws-lobby", path: "/ws/lobby" });
    lobby[0]!.send("hi"); // the shared ctx still broadcasts to its topic
    for (const ws of lobby) expect(await ws.next()).toBe("ws-lobby:hi");
    const rooms = [await connected(wsUrl(server, "/ws/room/1")), await connected(wsUrl(server, "/ws/room/1"))];
    const roomFrames = [];
    for (const ws of rooms) roomFrames.push(JSON.parse((await ws.next()) as string));
    expect(roomFrames.map((frame) => [frame.contexts, frame.frozen, frame.assigned])).toEqual([[1, false, "yes"], [2, false, "yes"]]);
    for (const ws of [...lobby, ...rooms]) ws.close();
  });

  test("connections to one room share its strings, never its params: a handler changing ctx.params changes only its own", async () => {
    const server = await serveTree({
      "ws/room/[id]/route.ts": `
export function onMessage(ws, message, ctx) {
  if (message === "change") ctx.params.id = "changed";
  ws.send(JSON.stringify({ topic: ctx.topic, path: ctx.path, params: ctx.params }));
}
`,
    });
    const [a, b] = [await connected(wsUrl(server, "/ws/room/a-1")), await connected(wsUrl(server, "/ws/room/a-1"))];
    a.send("change");
    expect(JSON.parse((await a.next()) as string)).toEqual({ topic: "ws-room-a%2D1", path: "/ws/room/a-1", params: { id: "changed" } });
    b.send("read");
    expect(JSON.parse((await b.next()) as string)).toEqual({ topic: "ws-room-a%2D1", path: "/ws/room/a-1", params: { id: "a-1" } });
    // a later connection to the room gets the values the path gives, not what a handler wrote
    const c = await connected(wsUrl(server, "/ws/room/a-1"));
    c.send("read");
    expect(JSON.parse((await c.next()) as string).params).toEqual({ id: "a-1" });
    for (const ws of [a, b, c]) ws.close();
  });

  test("a plain GET on a WebSocket path gets 426, an unknown path 404", async () => {
    const server = await serveTree({ "ws/custom/route.ts": ROOM });
    expect((await fetch(httpUrl(server, "/ws/custom"))).status).toBe(426);
    expect((await fetch(httpUrl(server, "/nope"))).status).toBe(404);
    expect((await rawHandshake(server.port!, "/ws/other")).status).toBe(404);
  });
});

describe("upgrade", () => {
  test("false refuses with 403; true admits; { data } becomes ws.data as is", async () => {
    const server = await serveTree({
      "ws/gate/route.ts": `
        export function upgrade(req) {
          const who = new URL(req.url).searchParams.get("who");
          if (who === "eve") return false;
          if (who === null) return true;
          globalThis.lastGateData = { who, at: 1 };
          return { data: globalThis.lastGateData };
        }
        export function onOpen(ws) { ws.send(JSON.stringify({ data: ws.data, same: ws.data === globalThis.lastGateData })); }
      `,
    });
    const refused = await rawHandshake(server.port!, "/ws/gate?who=eve");
    expect(refused.status).toBe(403);
    const anonymous = await connected(wsUrl(server, "/ws/gate"));
    expect(JSON.parse((await anonymous.next()) as string)).toEqual({ data: {}, same: false });
    const ada = await connected(wsUrl(server, "/ws/gate?who=ada"));
    expect(JSON.parse((await ada.next()) as string)).toEqual({ data: { who: "ada", at: 1 }, same: true });
    anonymous.close();
    ada.close();
  });

  test("an async upgrade is awaited (refusal and data alike); it receives ctx; a Response refuses with itself", async () => {
    const server = await serveTree({
      "ws/slow/[id]/route.ts": `
        export async function upgrade(req, ctx) {
          await Bun.sleep(2);
          if (ctx.params.id === "no") return false;
          if (ctx.params.id === "teapot") return new Response("short and stout", { status: 418 });
          return { data: { id: ctx.params.id } };
        }
        export function onOpen(ws, ctx) { ws.send(ws.data.id + "@" + ctx.topic); }
      `,
    });
    expect((await rawHandshake(server.port!, "/ws/slow/no")).status).toBe(403);
    const teapot = await rawHandshake(server.port!, "/ws/slow/teapot");
    expect(teapot.status).toBe(418);
    expect(teapot.body).toBe("short and stout");
    const ok = await connected(wsUrl(server, "/ws/slow/9"));
    expect(await ok.next()).toBe("9@ws-slow-9");
    ok.close();
  });

  test("an upgrade that throws answers 500 and the server keeps serving", async () => {
    const errors: unknown[] = [];
    const server = await serveTree(
      {
        "ws/bad/route.ts": `export function upgrade() { throw new Error("upgrade blew up"); }\nexport function onOpen() {}`,
        "ws/good/route.ts": `export function onOpen(ws) { ws.send("fine"); }`,
      },
      { onError: (error) => void errors.push(error) },
    );
    const refused = await rawHandshake(server.port!, "/ws/bad");
    expect(refused.status).toBe(500);
    expect(refused.body).not.toContain("blew up");
    expect(String(errors[0])).toContain("upgrade blew up");
    const good = await connected(wsUrl(server, "/ws/good"));
    expect(await good.next()).toBe("fine");
    good.close();
  });
});

describe("handlers", () => {
  test("onClose gets (ws, ctx, code, reason); broadcastJSON reaches the others still there", async () => {
    const server = await serveTree({
      "ws/chat/route.ts": `
        export function upgrade(req) { return { data: { name: new URL(req.url).searchParams.get("name") } }; }
        export function onClose(ws, ctx, code, reason) { ctx.broadcastJSON({ left: ws.data.name, code, reason, topic: ctx.topic }); }
        export function onMessage() {}
      `,
    });
    const ada = await connected(wsUrl(server, "/ws/chat?name=ada"));
    const bob = await connected(wsUrl(server, "/ws/chat?name=bob"));
    bob.ws.close(4000, "bye");
    expect(await ada.json()).toEqual({ left: "bob", code: 4000, reason: "bye", topic: "ws-chat" });
    ada.close();
  });

  test("onError receives what another handler threw, with ctx; the connection and the server keep working", async () => {
    const server = await serveTree({
      "ws/fragile/route.ts": `
        export function onMessage(ws, message) {
          if (message === "boom") throw new Error("handler failed");
          ws.send("ok " + message);
        }
        export function onError(ws, error, ctx) { ws.send("error in " + ctx.topic + ": " + error.message); }
      `,
    });
    const a = await connected(wsUrl(server, "/ws/fragile"));
    const b = await connected(wsUrl(server, "/ws/fragile"));
    a.send("boom");
    expect(await a.next()).toBe("error in ws-fragile: handler failed");
    a.send("again");
    expect(await a.next()).toBe("ok again");
    b.send("other");
    expect(await b.next()).toBe("ok other");
    a.close();
    b.close();
  });

  test("onDrain runs with ctx once a backed-up socket can take more", async () => {
    const server = await serveTree({
      "ws/flood/route.ts": `
        const chunk = "x".repeat(1024 * 1024);
        export function onMessage(ws) { let r; do r = ws.send(chunk); while (r !== -1); ws.send("last"); }
        export function onDrain(ws, ctx) { ws.send("drained " + ctx.topic); }
      `,
    });
    const c = await connected(wsUrl(server, "/ws/flood"));
    c.send("go");
    let message: string | Uint8Array;
    do message = await c.next();
    while (typeof message !== "string" || !message.startsWith("drained"));
    expect(message).toBe("drained ws-flood");
    c.close();
  });
});
