// Every code example of seed 002 (bun-router's WebSocket page), run as its own process or served on port 0,
// driven by real WebSocket clients. The examples differ from the seed only in the import line (see each file).

import { afterAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { connected, httpUrl, rawHandshake, runExample, wsUrl, type Child } from "./support.ts";

const servers: Server<unknown>[] = [];
const children: Child[] = [];
afterAll(() => {
  for (const server of servers) server.stop(true);
  for (const child of children) child.kill();
});

async function serveExample(file: string): Promise<Server<unknown>> {
  const { router } = (await import(`../../examples/router/${file}`)) as { router: { serve(o: { port: number; hostname: string }): Server<unknown> } };
  const server = router.serve({ port: 0, hostname: "127.0.0.1" });
  servers.push(server);
  return server;
}

describe("seed 002 examples", () => {
  test("basic setup: GET / answers, a client on / is welcomed, echoed, and its data set in open is logged", async () => {
    const child = await runExample("examples/router/basic.ts");
    children.push(child);
    const res = await fetch(`http://127.0.0.1:${child.port}/`);
    expect(await res.text()).toBe("WebSocket Server");
    const c = await connected(`ws://127.0.0.1:${child.port}`);
    expect(await c.next()).toBe("Welcome to the server!");
    c.send("Hello Server!");
    expect(await c.next()).toBe("Echo: Hello Server!");
    expect(await child.waitFor(/Message from user_1: Hello Server!/)).toContain("user_1");
    c.ws.close(1000, "bye");
    expect(await child.waitFor(/Client user_1 disconnected/)).toBe("Client user_1 disconnected: bye (1000)");
  });

  test("configuration options: the server runs with every option of the seed, compression negotiated", async () => {
    const server = await serveExample("options.ts");
    const head = await rawHandshake(server.port!, "/", { "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits" });
    expect(head.status).toBe(101);
    expect(head.headers["sec-websocket-extensions"]).toContain("permessage-deflate");
    const c = await connected(wsUrl(server));
    expect(await c.next()).toBe("ready");
    c.send("hi");
    expect(await c.next()).toBe("echo: hi");
    c.close();
  });

  test("client data: data assigned in open is what message sees", async () => {
    const child = await runExample("examples/router/client-data.ts");
    children.push(child);
    const c = await connected(`ws://127.0.0.1:${child.port}/anywhere`);
    c.send("hello");
    expect(await child.waitFor(/Message from/)).toBe("Message from john");
    c.close();
  });

  test("pub/sub: /join announces to the room, /whisper reaches one user, room messages reach the room", async () => {
    const server = await serveExample("pubsub.ts");
    const ada = await connected(wsUrl(server, "/?user=ada"));
    const bob = await connected(wsUrl(server, "/?user=bob"));
    ada.send("/join gaming");
    expect(await ada.next()).toBe("Joined room: gaming");
    expect(await ada.next()).toBe("ada joined the room");
    bob.send("/join gaming");
    expect(await bob.next()).toBe("Joined room: gaming");
    expect(await ada.next()).toBe("bob joined the room");
    expect(await bob.next()).toBe("bob joined the room");
    bob.send("/whisper ada psst");
    expect(await ada.next()).toBe("[PM from bob]: psst");
    ada.send("gg");
    expect(await ada.next()).toBe("ada: gg");
    expect(await bob.next()).toBe("ada: gg");
    await fetch(httpUrl(server, "/announce"), { method: "POST", body: "maintenance at noon" });
    expect(await ada.next()).toBe("maintenance at noon");
    expect(await bob.next()).toBe("maintenance at noon");
    ada.close();
    bob.close();
  });

  test("subscriber count: /room-stats counts the sockets in each room", async () => {
    const server = await serveExample("room-stats.ts");
    expect(await (await fetch(httpUrl(server, "/room-stats"))).json()).toEqual({ lobby: 0, gaming: 0 });
    const sockets = await Promise.all(["lobby", "lobby", "gaming"].map((room) => connected(wsUrl(server, `/rooms/${room}`))));
    expect(await (await fetch(httpUrl(server, "/room-stats"))).json()).toEqual({ lobby: 2, gaming: 1 });
    for (const s of sockets) s.close();
  });

  test("custom upgrade: no token is refused with 401, a valid token is upgraded with X-User-ID and the user's data", async () => {
    const server = await serveExample("custom-upgrade.ts");
    const refused = await rawHandshake(server.port!, "/custom-ws");
    expect(refused.status).toBe(401);
    expect(refused.body).toBe("Unauthorized");
    const wrong = await rawHandshake(server.port!, "/custom-ws", { Authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
    const accepted = await rawHandshake(server.port!, "/custom-ws", { Authorization: "Bearer token-ada" });
    expect(accepted.status).toBe(101);
    expect(accepted.headers["x-user-id"]).toBe("u1");
    const c = await connected(wsUrl(server, "/custom-ws"), { headers: { Authorization: "Bearer token-ada" } });
    expect(await c.next()).toBe("hello ada (admin)");
    c.close();
  });

  test("binary data: a binary message gets [1, 2, 3, 4] back", async () => {
    const server = await serveExample("binary.ts");
    const c = await connected(wsUrl(server));
    c.send(new Uint8Array([9, 9, 9]));
    expect(await c.next()).toEqual(new Uint8Array([1, 2, 3, 4]));
    c.close();
  });

  test("backpressure: every large response arrives, and queued ones are followed by the pending data after drain", async () => {
    const server = await serveExample("backpressure.ts");
    const c = await connected(wsUrl(server));
    const count = 40;
    for (let i = 0; i < count; i++) c.send("more");
    let large = 0;
    // Every `send` either went out or was queued (-1); queued ones add a pending message that drain sends later.
    while (large < count) {
      const message = await c.next();
      if (message !== "more data") large++;
    }
    expect(large).toBe(count);
    c.close();
  });
});
