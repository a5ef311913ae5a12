// Counting never wraps Bun's native send: sockets keep Bun's own `send` (no own property, the prototype's method
// is native), and what the app sends itself is not counted as bunwire's; the engine counts without prom-client.

import { expect, test } from "bun:test";
import { bunwire, type ServerWebSocket } from "bunwire";
import { TestSocket } from "../support/socket.ts";

test("sockets keep Bun's native send; counters move with no metrics endpoint mounted", async () => {
  let seen: ServerWebSocket | undefined;
  const app = bunwire({ development: false });
  app.ws("/echo", {
    message(ws, message) {
      seen = ws;
      ws.send(message);
    },
  });
  const server = app.listen({ port: 0, quiet: true });
  try {
    const client = await TestSocket.open(`ws://127.0.0.1:${server.port}/echo`);
    client.send("hi");
    expect(await client.next()).toBe("hi");
    expect(Object.hasOwn(seen!, "send")).toBe(false);
    const send = Object.getPrototypeOf(seen!).send as () => unknown;
    expect(Function.prototype.toString.call(send)).toContain("[native code]");
    const [route] = app.engine.stats.routes;
    expect(route).toMatchObject({ route: "/echo", open: 1, opened: 1, messagesIn: 1, bytesIn: 2, messagesOut: 0 });
    client.ws.close();
  } finally {
    await app.close();
  }
});
