// `messageRateLimit: { action: "reply" }` on file routes: a refused message goes to the route file's
// `onRejected(ws, message, error, ctx)` instead of `onMessage`, named or in the default object; without it, it is
// dropped and the connection stays open.

import { afterEach, describe, expect, test } from "bun:test";
import { fileRoutes, type FileRoutes } from "../../src/fs/index.ts";
import { connected, wsUrl } from "../router/support.ts";
import { writeTree } from "./support.ts";

const served: FileRoutes[] = [];
afterEach(async () => {
  await Promise.all(served.splice(0).map((files) => files.close()));
});

// One message a minute: the first is echoed, the rest are refused.
const LIMIT = { messageRateLimit: { messages: 1, intervalMs: 60_000, action: "reply" as const } };

const NAMED = `
export function onMessage(ws, message) { ws.send("echo " + message); }
export function onRejected(ws, message, error, ctx) { ws.send(["rejected", message, error.code, ctx.topic].join(" ")); }
`;

const OBJECT = `
export default {
  onMessage(ws, message) { ws.send("echo " + message); },
  async onRejected(ws, message, error, ctx) { ws.send(["rejected", message, error.code, ctx.topic].join(" ")); },
};
`;

describe("onRejected", () => {
  test("a message over messageRateLimit reaches onRejected(ws, message, error, ctx), named export or default object", async () => {
    const files = await fileRoutes(writeTree({ "ws/named/route.ts": NAMED, "ws/room/[id]/route.ts": OBJECT }), LIMIT);
    served.push(files);
    const server = files.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
    for (const [path, topic] of [["/ws/named", "ws-named"], ["/ws/room/7", "ws-room-7"]] as const) {
      const c = await connected(wsUrl(server, path));
      c.send("one");
      c.send("two");
      c.send("three");
      expect(await c.next()).toBe("echo one");
      expect(await c.next()).toBe(`rejected two RATE_LIMITED ${topic}`);
      expect(await c.next()).toBe(`rejected three RATE_LIMITED ${topic}`);
      c.close();
    }
  });

  test("without onRejected a refused message is dropped and the connection stays open", async () => {
    const files = await fileRoutes(writeTree({ "ws/plain/route.ts": `export function onMessage(ws, m) { ws.send("echo " + m); }` }), LIMIT);
    served.push(files);
    const server = files.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
    const c = await connected(wsUrl(server, "/ws/plain"));
    c.send("one");
    c.send("two");
    expect(await c.next()).toBe("echo one");
    // Still open: the server's publish reaches it after the dropped message (frames keep their order).
    files.publish("ws-plain", "still here");
    expect(await c.next()).toBe("still here");
    c.close();
  });

  test("what onRejected throws goes to onError(ws, error, ctx)", async () => {
    const route = `
      export function onMessage() {}
      export function onRejected(ws, message) { throw new Error("no " + message); }
      export function onError(ws, error, ctx) { ws.send(ctx.topic + ": " + error.message); }
    `;
    const files = await fileRoutes(writeTree({ "ws/throws/route.ts": route }), LIMIT);
    served.push(files);
    const server = files.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
    const c = await connected(wsUrl(server, "/ws/throws"));
    c.send("one");
    c.send("two");
    expect(await c.next()).toBe("ws-throws: no two");
    c.close();
  });
});
