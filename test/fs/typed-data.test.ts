// `ws.data` in file routes is generic: `WebSocketRouteModule<Data>` and `UpgradeResult<Data>` type it, and without
// a type argument it is the loose record, so route files written against an untyped `ServerWebSocket` compile.
// The type checks run with `npm run typecheck`; the test serves a typed route file to show the data arrives.

import { afterEach, expect, test } from "bun:test";
import { fileRoutes, type FileRoutes, type ServerWebSocket, type UpgradeResult, type WebSocketContext, type WebSocketRouteModule } from "../../src/fs/index.ts";
import { connected, wsUrl } from "../router/support.ts";
import { SRC, writeTree } from "./support.ts";

interface Player {
  playerId: string;
}

// Typed: `satisfies` types every handler's `ws.data`, and `upgrade` must return a Player as data.
export const typed = {
  upgrade(req: Request): UpgradeResult<Player> {
    const playerId = new URL(req.url).searchParams.get("playerId");
    return playerId === null ? false : { data: { playerId } };
  },
  onMessage(ws, _message, ctx) {
    const id: string = ws.data.playerId;
    ctx.broadcast(id);
  },
  onClose(ws, ctx, code) {
    // @ts-expect-error `room` is not part of Player
    ctx.broadcast(`${ws.data.room}:${code}`);
  },
} satisfies WebSocketRouteModule<Player>;

// @ts-expect-error an upgrade that admits with the wrong data shape does not compile
export const wrongData = { upgrade: () => ({ data: { playerId: 42 } }) } satisfies WebSocketRouteModule<Player>;

// Untyped, as route files are written without a type argument: `ws.data` is a loose record.
export function onOpen(ws: ServerWebSocket, ctx: WebSocketContext): void {
  ws.data.room = ctx.params.id;
  const room: string = ws.data.room;
  ws.subscribe(room);
}

const served: FileRoutes[] = [];
afterEach(async () => {
  await Promise.all(served.splice(0).map((files) => files.close()));
});

test("a typed route file's upgrade data is ws.data in its handlers", async () => {
  const dir = writeTree({
    "ws/game/route.ts": `
      import type { ServerWebSocket, UpgradeResult, WebSocketContext } from "${SRC}fs/index.ts";
      interface Player { playerId: string }
      export function upgrade(req: Request): UpgradeResult<Player> {
        return { data: { playerId: new URL(req.url).searchParams.get("playerId") ?? "nobody" } };
      }
      export function onOpen(ws: ServerWebSocket<Player>, ctx: WebSocketContext) { ws.send(ws.data.playerId + "@" + ctx.topic); }
    `,
  });
  const files = await fileRoutes(dir);
  served.push(files);
  const server = files.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  const c = await connected(wsUrl(server, "/ws/game?playerId=p1"));
  expect(await c.next()).toBe("p1@ws-game");
  c.close();
});
