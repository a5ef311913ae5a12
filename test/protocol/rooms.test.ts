// Rooms for typed events over real sockets: topic publish reaches members only, broadcast reaches everyone,
// emit reaches one socket, and MessagePack connections get the same envelopes in binary frames. What a client's room
// events may make the server keep is bounded: topic names (256 characters), and a `$join` of a topic nobody wrote
// stores nothing in the history, so junk joins cannot push a real room's history out.

import { afterEach, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { decodeMsgpack, encodeMsgpack, MemoryHistory, MSGPACK_SUBPROTOCOL } from "../../src/protocol/index.ts";
import { chat, Probe, serveChat, urlOf, type ChatData } from "./fixture.ts";

let server: Server<ChatData> | undefined;
const probes: Probe[] = [];

async function probeOf(s: Server<ChatData>, protocols?: string[]): Promise<Probe> {
  const probe = new Probe(urlOf(s), protocols);
  probes.push(probe);
  await probe.opened;
  return probe;
}

afterEach(async () => {
  for (const probe of probes.splice(0)) probe.ws.close();
  await server?.stop(true);
  server = undefined;
});

describe("topics", () => {
  test("a topic publish reaches the room's members only, not the sender (ws.publish)", async () => {
    server = serveChat({ rooms: true });
    const [alice, bob, carol] = [await probeOf(server), await probeOf(server), await probeOf(server)];
    expect(await alice.ask({ event: "$join", data: { topic: "r1" }, id: 1 })).toEqual({ id: 1, ack: { recovered: true, missed: 0 } });
    expect(await bob.ask({ event: "$join", data: { topic: "r1" }, id: 1 })).toEqual({ id: 1, ack: { recovered: true, missed: 0 } });
    alice.send({ event: "shout", data: { room: "r1", text: "hello" } });
    const said = await bob.next();
    expect(said.event).toBe("said");
    expect(said.data.text).toBe("hello");
    expect(said.data.from).toMatch(/^user\d+$/);
    // Frames on one connection arrive in order: if carol (not a member) or alice (the sender) had been sent
    // the publish, it would arrive before the reply to a later $ping.
    expect(await carol.ask({ event: "$ping" })).toEqual({ event: "$pong" });
    expect(await alice.ask({ event: "$ping" })).toEqual({ event: "$pong" });
  });

  test("$leave stops delivery; $join is refused unless the route allows rooms; $-topics are reserved", async () => {
    server = serveChat({ rooms: (_ws, topic) => topic !== "secret" });
    const [alice, bob] = [await probeOf(server), await probeOf(server)];
    await bob.ask({ event: "$join", data: { topic: "r" }, id: 1 });
    expect(await bob.ask({ event: "$leave", data: { topic: "r" }, id: 2 })).toEqual({ id: 2, ack: true });
    alice.send({ event: "shout", data: { room: "r", text: "gone" } });
    expect(await bob.ask({ event: "$ping" })).toEqual({ event: "$pong" });
    expect((await bob.ask({ event: "$join", data: { topic: "secret" }, id: 3 })).error.code).toBe("NOT_ALLOWED");
    expect((await bob.ask({ event: "$join", data: { topic: "$all" }, id: 4 })).error.code).toBe("NOT_ALLOWED");
    expect((await bob.ask({ event: "$join", data: {}, id: 5 })).error.code).toBe("INVALID_ENVELOPE");
    await server.stop(true);
    server = serveChat({});
    const carol = await probeOf(server);
    expect((await carol.ask({ event: "$join", data: { topic: "r" }, id: 1 })).error.code).toBe("NOT_ALLOWED");
  });

  test("broadcast reaches every socket of the protocol; emit reaches one", async () => {
    let opened = 0;
    server = serveChat({ open: (ws) => void chat.emit(ws, "welcome", { id: ++opened }) });
    const alice = await probeOf(server);
    expect(await alice.next()).toEqual({ event: "welcome", data: { id: 1 } });
    const bob = await probeOf(server);
    expect(await bob.next()).toEqual({ event: "welcome", data: { id: 2 } });
    chat.broadcast(server, "said", { from: "server", text: "all" });
    expect(await alice.next()).toEqual({ event: "said", data: { from: "server", text: "all" } });
    expect(await bob.next()).toEqual({ event: "said", data: { from: "server", text: "all" } });
  });
});

describe("MessagePack", () => {
  test("a connection that speaks MessagePack gets acks, errors and events in binary frames", async () => {
    let socket: import("bun").ServerWebSocket<ChatData> | undefined;
    server = serveChat({ rooms: true, open: (ws) => void chat.emit((socket = ws), "welcome", { id: 7 }) });
    const probe = await probeOf(server, [MSGPACK_SUBPROTOCOL, "bunwire.json"]);
    expect(probe.ws.protocol).toBe(MSGPACK_SUBPROTOCOL);
    expect(await probe.next()).toEqual({ event: "welcome", data: { id: 7 } }); // before any binary frame: JSON
    const ack = await probe.ask(encodeMsgpack({ event: "add", data: { a: 20, b: 22 }, id: 1 }));
    expect(ack).toBeInstanceOf(Uint8Array);
    expect(decodeMsgpack(ack)).toEqual({ id: 1, ack: 42 });
    const invalid = decodeMsgpack(await probe.ask(encodeMsgpack({ event: "add", data: { a: "x", b: 1 }, id: 2 }))) as any;
    expect(invalid.error.code).toBe("VALIDATION_FAILED");
    expect(decodeMsgpack(await probe.ask(encodeMsgpack({ event: "$join", data: { topic: "r" }, id: 3 })))).toEqual({ id: 3, ack: { recovered: true, missed: 0 } });
    expect((decodeMsgpack(await probe.ask(new Uint8Array([0xc1]))) as any).error.code).toBe("INVALID_ENVELOPE");
    chat.emit(socket!, "said", { from: "x", text: "y" }); // the socket has spoken MessagePack: emits follow
    expect(decodeMsgpack(await probe.next())).toEqual({ event: "said", data: { from: "x", text: "y" } });
  });

  test("binary frames are refused with a clear error when the route turns MessagePack off", async () => {
    server = serveChat({ msgpack: false });
    const probe = await probeOf(server);
    const reply = await probe.ask(encodeMsgpack({ event: "add", data: { a: 1, b: 2 }, id: 1 }));
    expect(reply.error.code).toBe("UNSUPPORTED_CODEC");
  });
});

describe("history outages", () => {
  test("a $join still subscribes when the history fails, and reports recovered: false", async () => {
    const broken = {
      append: () => Promise.reject(new Error("store down")),
      since: () => Promise.reject(new Error("store down")),
      last: () => Promise.reject(new Error("store down")),
      close: () => Promise.resolve(),
    };
    const original = console.error;
    console.error = () => {};
    try {
      server = serveChat({ rooms: true, history: broken });
      const [alice, bob] = [await probeOf(server), await probeOf(server)];
      expect(await bob.ask({ event: "$join", data: { topic: "r", offset: "x-1" }, id: 1 })).toEqual({ id: 1, ack: { recovered: false, missed: 0 } });
      expect(await alice.ask({ event: "$join", data: { topic: "r" }, id: 1 })).toEqual({ id: 1, ack: { recovered: true, missed: 0 } });
      alice.send({ event: "shout", data: { room: "r", text: "still live" } });
      expect(await bob.next()).toEqual({ event: "said", data: { from: expect.any(String), text: "still live" } });
    } finally {
      console.error = original;
    }
  });

  test("an event the history fails to record goes out stamped with the latest position this instance knows (after)", async () => {
    const memory = new MemoryHistory();
    let failing = false;
    const flaky = {
      append: (topic: string, payload: string) => (failing ? Promise.reject(new Error("store down")) : memory.append(topic, payload)),
      since: (topic: string, offset: string) => memory.since(topic, offset),
      last: (topic: string) => memory.last(topic),
      close: () => memory.close(),
    };
    const original = console.error;
    console.error = () => {};
    try {
      server = serveChat({ rooms: true, history: flaky });
      const [alice, bob, carol] = [await probeOf(server), await probeOf(server), await probeOf(server)];
      const joined = (await bob.ask({ event: "$join", data: { topic: "r" }, id: 1 })).ack as { offset: string; seq: number };
      await alice.ask({ event: "$join", data: { topic: "r" }, id: 1 });
      alice.send({ event: "shout", data: { room: "r", text: "recorded" } });
      expect(await bob.next()).toMatchObject({ topic: "r", seq: joined.seq + 1 });
      failing = true;
      alice.send({ event: "shout", data: { room: "r", text: "unrecorded" } });
      expect(await bob.next()).toEqual({ event: "said", data: { from: expect.any(String), text: "unrecorded" }, topic: "r", after: joined.seq + 1 });
      // A rejoin the history covers tells the server the client's own position: later stamps are at or past it.
      await memory.append("r", '{"event":"said","data":{"from":"elsewhere","text":"x"}}'); // recorded by another instance
      const position = await memory.last("r");
      expect(await carol.ask({ event: "$join", data: { topic: "r", offset: position.offset, seq: position.seq }, id: 1 })).toEqual({ id: 1, ack: { recovered: true, missed: 0 } });
      alice.send({ event: "shout", data: { room: "r", text: "after the rejoin" } });
      expect(await carol.next()).toMatchObject({ topic: "r", after: position.seq });
      expect((await carol.ask({ event: "$join", data: { topic: "r", offset: position.offset, seq: "7" }, id: 2 })).error.code).toBe("INVALID_ENVELOPE");
    } finally {
      console.error = original;
    }
  });
});

describe("what room events may make the server keep", () => {
  test("a room topic over 256 characters is refused with INVALID_ENVELOPE, on $join and $leave", async () => {
    server = serveChat({ rooms: true });
    const ws = await probeOf(server);
    const long = "x".repeat(257);
    expect((await ws.ask({ event: "$join", data: { topic: long }, id: 1 })).error.code).toBe("INVALID_ENVELOPE");
    expect((await ws.ask({ event: "$leave", data: { topic: long }, id: 2 })).error.code).toBe("INVALID_ENVELOPE");
    expect((await ws.ask({ event: "$join", data: { topic: "y".repeat(256) }, id: 3 })).ack.recovered).toBe(true);
  });

  test("joins and leaves of topics nobody wrote keep nothing, and cannot evict a real room's history", async () => {
    const history = new MemoryHistory({ maxTopics: 5 });
    server = serveChat({ rooms: true, history });
    const [alice, mallory] = [await probeOf(server), await probeOf(server)];
    const joined = (await alice.ask({ event: "$join", data: { topic: "real" }, id: 1 })).ack;
    expect(history.size).toBe(0); // a read creates nothing
    await chat.publish(server, "real", "said", { from: "bob", text: "kept" });
    expect((await alice.next()).seq).toBe(joined.seq + 1); // the first event follows the position the join gave
    for (let i = 0; i < 50; i++) {
      await mallory.ask({ event: "$join", data: { topic: `junk${i}` }, id: 2 * i + 1 });
      await mallory.ask({ event: "$leave", data: { topic: `junk${i}` }, id: 2 * i + 2 });
    }
    expect(history.size).toBe(1);
    expect((await alice.ask({ event: "$join", data: { topic: "real", offset: joined.offset, seq: joined.seq }, id: 2 })).data.text).toBe("kept");
    expect((await alice.next()).ack).toMatchObject({ recovered: true, missed: 1 });
  });
});
