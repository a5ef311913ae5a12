// A ws route file's handlers come as named exports or as one default-exported object (`satisfies
// WebSocketRouteModule<Data>` types them all at once), never both; a CommonJS route.js works either way, and an
// object under another name is refused with the way to fix it.

import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { fileRoutes, RouteFileError, type FileRoutes } from "../../src/fs/index.ts";
import { connected, rawHandshake, wsUrl } from "../router/support.ts";
import { writeTree } from "./support.ts";

const served: FileRoutes[] = [];
afterEach(async () => {
  await Promise.all(served.splice(0).map((files) => files.close()));
});

async function problemsOf(dir: string): Promise<Record<string, string>> {
  try {
    await fileRoutes(dir);
  } catch (error) {
    if (!(error instanceof RouteFileError)) throw error;
    return Object.fromEntries(error.problems.map((p) => [p.file.slice(dir.length + 1), p.reason]));
  }
  throw new Error("fileRoutes accepted a tree with bad files");
}

describe("the default-exported route object", () => {
  test("a route file exporting { upgrade, onOpen, onMessage } satisfies WebSocketRouteModule<Data> serves, ws.data typed", async () => {
    // The fixture is type-checked by `npm run typecheck`, so the documented form both compiles and serves.
    const files = await fileRoutes(join(import.meta.dir, "fixtures/route-object"));
    served.push(files);
    const server = files.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
    expect(files.routes.map((r) => r.path)).toEqual(["/ws/lobby"]);
    expect((await rawHandshake(server.port!, "/ws/lobby")).status).toBe(403); // its upgrade said false: no ?name
    const ada = await connected(wsUrl(server, "/ws/lobby?name=ada"));
    expect(await ada.next()).toBe("ada joined ws-lobby");
    const bob = await connected(wsUrl(server, "/ws/lobby?name=bob"));
    expect(await bob.next()).toBe("bob joined ws-lobby");
    ada.send("hi");
    expect(await ada.next()).toBe("ada: hi");
    expect(await bob.next()).toBe("ada: hi");
    ada.close();
    bob.close();
  });

  test("a CommonJS route.js (exports.onMessage = ...) is its named exports, not 'both'", async () => {
    const files = await fileRoutes(writeTree({ "ws/cjs/route.js": `exports.onMessage = function (ws, m, ctx) { ws.send(ctx.topic + " " + m); };` }));
    served.push(files);
    const server = files.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
    const c = await connected(wsUrl(server, "/ws/cjs"));
    c.send("hi");
    expect(await c.next()).toBe("ws-cjs hi");
    c.close();
  });

  test("a default object beside named handlers, a non-object default, a handle() result in ws/ and a named object are refused, each saying why", async () => {
    const byFile = await problemsOf(
      writeTree({
        "ws/both/route.ts": `export default { onMessage() {} };\nexport function onOpen() {}`,
        "ws/fn/route.ts": `export default function onMessage() {}`,
        "ws/handle/route.ts": `export default { open() {}, message() {}, close() {} };`,
        "ws/named/route.ts": `export const route = { onMessage() {} };`,
        "ws/typo/route.ts": `export default { onMesage() {} };`,
        "ws/wrongtype/route.ts": `export default { onOpen: "hello" };`,
        "ws/empty/route.ts": `export default {};`,
      }),
    );
    expect(byFile["ws/both/route.ts"]).toBe('exports both a default route object and "onOpen"; export the handlers one way, not both');
    expect(byFile["ws/fn/route.ts"]).toStartWith("the default export is a function; export an object of handlers (export default {");
    expect(byFile["ws/handle/route.ts"]).toContain('"message", not "onMessage": a protocol.handle(...) result goes in sockets/<path>/route.ts');
    expect(byFile["ws/named/route.ts"]).toEndWith('; "route" holds handlers: make it the default export (export default { ... })');
    expect(byFile["ws/typo/route.ts"]).toStartWith('unknown key "onMesage"; a route object has upgrade, onOpen, onMessage');
    expect(byFile["ws/wrongtype/route.ts"]).toBe(`default export's "onOpen" is a string, expected a function`);
    expect(byFile["ws/empty/route.ts"]).toStartWith("the default export has none of upgrade, onOpen, onMessage");
  });
});
