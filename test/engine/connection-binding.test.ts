// Idle memory (issue 16): the connections of a route whose admission adds nothing of their own share one binding
// (route entry, handlers, params, context) instead of carrying four fields each; a route with params gives each
// connection its own, with its own params. Read from the record the engine pins on each real socket.

import { afterEach, expect, test } from "bun:test";
import { bunwire } from "bunwire";
import { CONNECTION, type PinnedSocket } from "../../src/engine/connection.ts";
import { TestSocket } from "../support/socket.ts";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

test("sockets of a route without params share one binding; a route with params gives each its own params", async () => {
  const bindings: Record<string, unknown[]> = { lobby: [], room: [] };
  const params: unknown[] = [];
  const app = bunwire({ development: false });
  const keep = (kind: "lobby" | "room") => ({
    open(ws: PinnedSocket) {
      const connection = ws[CONNECTION];
      bindings[kind]!.push(connection.binding);
      if (kind === "room") params.push(connection.params);
      ws.send(`${kind} ${JSON.stringify(connection.params)}`);
    },
    message(ws: PinnedSocket, message: string | Buffer) {
      // the handlers and the route are still found through the shared binding on the message path
      ws.send(`${ws[CONNECTION].route.path} ${String(message)}`);
    },
  });
  app.ws("/lobby", keep("lobby") as never);
  app.ws("/room/:name", keep("room") as never);
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  closers.push(() => app.close());
  const base = `ws://127.0.0.1:${server.port}`;

  const lobby = await Promise.all([1, 2, 3].map(() => TestSocket.open(`${base}/lobby`)));
  const rooms = await Promise.all(["a", "b"].map((name) => TestSocket.open(`${base}/room/${name}`)));
  for (const socket of lobby) expect(String(await socket.next())).toBe("lobby {}");
  expect((await Promise.all(rooms.map(async (socket) => String(await socket.next())))).sort()).toEqual(['room {"name":"a"}', 'room {"name":"b"}']);

  expect(new Set(bindings.lobby).size).toBe(1);
  expect(new Set(bindings.room).size).toBe(2);
  expect(new Set(params).size).toBe(2);

  lobby[0]!.send("hi");
  expect(String(await lobby[0]!.next())).toBe("/lobby hi");
  rooms[1]!.send("yo");
  expect(String(await rooms[1]!.next())).toBe("/room/:name yo");
  for (const socket of [...lobby, ...rooms]) socket.close();
});
