// Every code example of seed 001 (file-routed WebSockets), served by the CLI exactly as a user runs it
// (`bunwire serve examples/fs/app --port 0`), driven by real clients; log lines are read from the process.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect as connectTyped } from "../../src/client/index.ts";
import type { chat } from "../../examples/fs/app/sockets/chat/protocol.ts";
import { connected, rawHandshake, spawnBun, type Child } from "../router/support.ts";

let cli: Child;
let port = 0;
const url = (path: string) => `ws://127.0.0.1:${port}${path}`;

beforeAll(async () => {
  cli = spawnBun(["bin/bunwire.ts", "serve", "examples/fs/app", "--port", "0"]);
  const line = await Promise.race([
    cli.waitFor(/^bunwire: serving /),
    cli.exited.then((code) => {
      throw new Error(`the CLI exited with ${code}:\n${cli.lines.join("\n")}`);
    }),
  ]);
  port = Number(/:(\d+)\/$/.exec(line)![1]);
});

afterAll(() => cli.kill());

describe("seed 001 examples through the CLI", () => {
  test("app/ws/custom: welcome on open, echo plus a broadcast that reaches every client of /ws/custom", async () => {
    const a = await connected(url("/ws/custom"));
    expect(await a.json()).toEqual({ type: "welcome", message: "Connected!" });
    const b = await connected(url("/ws/custom"));
    expect(await b.json()).toEqual({ type: "welcome", message: "Connected!" });
    a.send("Hello server!");
    expect(await a.next()).toBe("Hello server!"); // the echo
    expect(await a.next()).toBe("Hello server!"); // the broadcast, sender included
    expect(await b.next()).toBe("Hello server!");
    expect(await cli.waitFor(/^Received: Hello server!/)).toBe("Received: Hello server!");
    a.close();
    b.close();
    await cli.waitFor(/^WebSocket closed/);
  });

  test("client-side usage: the seed's client connects to /ws/custom and gets its message back", async () => {
    const client = spawnBun(["examples/fs/client.ts"], { PORT: String(port) });
    try {
      expect(await client.waitFor(/^Connected/)).toBe("Connected");
      expect(await client.waitFor(/^Received: Hello server!/)).toBe("Received: Hello server!");
    } finally {
      client.kill();
    }
  });

  test("WebSocket API: send text and binary, then close(1000, 'Goodbye')", async () => {
    const c = await connected(url("/ws/api"));
    c.send("go");
    expect(await c.next()).toBe("Hello!");
    expect(await c.next()).toEqual(new Uint8Array([1, 2, 3]));
    expect(await c.closed).toEqual({ code: 1000, reason: "Goodbye" });
  });

  test("WebSocket context: broadcast and broadcastJSON reach the sender; the topic is the route's", async () => {
    const c = await connected(url("/ws/context"));
    c.send("news");
    expect(await c.next()).toBe("news");
    expect(await c.json()).toEqual({ type: "update", data: "..." });
    expect(await cli.waitFor(/^ws-context$/)).toBe("ws-context");
    c.close();
  });

  test("connection upgrade: no or bad token is refused with 403; a valid token's data is ws.data in onOpen", async () => {
    expect((await rawHandshake(port, "/ws/secure")).status).toBe(403);
    expect((await rawHandshake(port, "/ws/secure?token=forged")).status).toBe(403);
    const c = await connected(url("/ws/secure?token=token-ada"));
    expect(await cli.waitFor(/userId: "ada"/)).toContain('userId: "ada"');
    expect(await cli.waitFor(/connectedAt: \d+/)).toMatch(/connectedAt: \d+/);
    c.close();
  });

  test("pub/sub rooms: join-room, room-message to the other members only, leave-room", async () => {
    const ada = await connected(url("/ws/rooms"));
    const bob = await connected(url("/ws/rooms"));
    for (const s of [ada, bob]) {
      s.send(JSON.stringify({ type: "join-room", roomId: 5 }));
      expect(await s.json()).toEqual({ type: "joined", roomId: 5 });
    }
    ada.send(JSON.stringify({ type: "room-message", roomId: 5, text: "hi bob" }));
    expect(await bob.json()).toEqual({ type: "message", text: "hi bob" });
    bob.send(JSON.stringify({ type: "leave-room", roomId: 5 }));
    bob.send(JSON.stringify({ type: "join-room", roomId: 6 }));
    expect(await bob.json()).toEqual({ type: "joined", roomId: 6 });
    ada.send(JSON.stringify({ type: "room-message", roomId: 5, text: "anyone?" }));
    ada.send(JSON.stringify({ type: "room-message", roomId: 6, text: "marker" }));
    // Ada's two publishes reach bob in order: had he still been in room 5, "anyone?" would come first.
    expect(await bob.json()).toEqual({ type: "message", text: "marker" });
    ada.close();
    bob.close();
  });

  test("binary data: a binary message is echoed, then [1, 2, 3, 4]", async () => {
    const c = await connected(url("/ws/binary"));
    c.send(new Uint8Array([9, 8, 7]));
    expect(await c.next()).toEqual(new Uint8Array([9, 8, 7]));
    expect(await c.next()).toEqual(new Uint8Array([1, 2, 3, 4]));
    c.close();
  });

  test("compression and corking: the messages arrive, corked ones in order", async () => {
    const compressed = await connected(url("/ws/compression"));
    compressed.send("x");
    expect(await compressed.next()).toBe("Large message...");
    compressed.close();
    const corked = await connected(url("/ws/cork"));
    corked.send("x");
    expect([await corked.next(), await corked.next(), await corked.next()]).toEqual(["Message 1", "Message 2", "Message 3"]);
    corked.close();
  });

  test("complete example (game): no playerId is refused; join, move and leave are broadcast to every player", async () => {
    expect((await rawHandshake(port, "/ws/game")).status).toBe(403);
    const p1 = await connected(url("/ws/game?playerId=p1"));
    expect(await p1.json()).toEqual({ type: "init", players: [{ id: "p1", x: 0, y: 0 }] });
    expect(await p1.json()).toEqual({ type: "player-joined", player: { id: "p1", x: 0, y: 0 } });
    const p2 = await connected(url("/ws/game?playerId=p2"));
    expect((await p2.json()).players).toHaveLength(2);
    expect(await p1.json()).toEqual({ type: "player-joined", player: { id: "p2", x: 0, y: 0 } });
    expect(await p2.json()).toEqual({ type: "player-joined", player: { id: "p2", x: 0, y: 0 } });
    p2.send(JSON.stringify({ type: "move", x: 3, y: 4 }));
    for (const p of [p1, p2]) expect(await p.json()).toEqual({ type: "player-moved", playerId: "p2", x: 3, y: 4 });
    p2.close();
    expect(await p1.json()).toEqual({ type: "player-left", playerId: "p2" });
    p1.close();
  });

  test("debugging: open, message and close log what the seed says", async () => {
    const c = await connected(url("/ws/debug"));
    expect(await cli.waitFor(/^Route topic:/)).toBe("Route topic: ws-debug");
    c.send("12345");
    expect(await cli.waitFor(/^Message size:/)).toBe("Message size: 5");
    expect(await cli.waitFor(/^Active subscriptions:/)).toContain("ws-debug");
    c.ws.close(1000, "done");
    expect(await cli.waitFor(/^Closed with code:/)).toBe("Closed with code: 1000");
    expect(await cli.waitFor(/^Reason:/)).toBe("Reason: done");
  });

  test("error handling: invalid JSON gets an error message and the connection stays open", async () => {
    const c = await connected(url("/ws/errors"));
    c.send("{not json");
    expect(await c.json()).toEqual({ type: "error", message: "Invalid message format" });
    c.send("{not json either");
    expect(await c.json()).toEqual({ type: "error", message: "Invalid message format" });
    c.close();
  });

  test("close codes: the first close wins (1000 Done)", async () => {
    const c = await connected(url("/ws/close-codes"));
    c.send("bye");
    expect(await c.closed).toEqual({ code: 1000, reason: "Done" });
  });

  test("a dynamic route is a set of rooms: /ws/room/42 and /ws/room/7 do not hear each other", async () => {
    const a = await connected(url("/ws/room/42"));
    const b = await connected(url("/ws/room/7"));
    expect(await a.json()).toEqual({ type: "joined", room: "42", topic: "ws-room-42" });
    expect(await b.json()).toEqual({ type: "joined", room: "7", topic: "ws-room-7" });
    a.send("hello 42");
    b.send("hello 7");
    expect(await a.json()).toEqual({ room: "42", text: "hello 42" });
    expect(await b.json()).toEqual({ room: "7", text: "hello 7" });
    a.close();
    b.close();
  });

  test("app/sockets/chat: a typed protocol with bunwire/client (ack to the sender, said to the others)", async () => {
    expect((await rawHandshake(port, "/sockets/chat")).status).toBe(403);
    const ada = connectTyped<typeof chat>(url("/sockets/chat?name=ada"), { reconnect: false });
    const bob = connectTyped<typeof chat>(url("/sockets/chat?name=bob"), { reconnect: false });
    await Promise.all([ada.whenOpen(), bob.whenOpen()]);
    const said = new Promise((resolve) => bob.on("said", resolve));
    expect(await ada.request("say", { text: "hi all" })).toEqual({ ok: true });
    expect(await said).toEqual({ from: "ada", text: "hi all" });
    ada.close();
    bob.close();
  });
});
