// The shared contract of typed messages: every front door that mounts `protocol.handle()` (raw Bun.serve,
// the App, the Router, file socket routes, gateways) must pass it. Call `protocolContract(label, mount)` from a
// test file with a mount that serves the given handlers and returns a ws:// URL and a stop function.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { HandleOptions, ProtocolSocketHandlers } from "../../src/protocol/index.ts";
import { encodeMsgpack, decodeMsgpack, MSGPACK_SUBPROTOCOL } from "../../src/protocol/index.ts";
import { chat, chatHandlers, Probe, type ChatData } from "./fixture.ts";

export interface Mounted {
  url: string;
  stop(): Promise<void>;
}
export type Mount = (websocket: ProtocolSocketHandlers<ChatData>) => Mounted | Promise<Mounted>;

async function mountChat(mount: Mount, options: HandleOptions<ChatData>): Promise<Mounted> {
  return mount(chat.handle<ChatData>(chatHandlers(), options));
}

export function protocolContract(label: string, mount: Mount): void {
  describe(`protocol contract (${label})`, () => {
    let mounted: Mounted;
    let probe: Probe;

    beforeAll(async () => {
      mounted = await mountChat(mount, { onError: () => {}, rooms: true });
      probe = new Probe(mounted.url);
      await probe.opened;
    });

    afterAll(async () => {
      probe.ws.close();
      await mounted.stop();
    });

    describe("requests and acks", () => {
      test("a request's ack is the handler's return value", async () => {
        expect(await probe.ask({ event: "add", data: { a: 2, b: 40 }, id: 1 })).toEqual({ id: 1, ack: 42 });
        expect(await probe.ask({ event: "say", data: { text: "hi" }, id: 2 })).toEqual({ id: 2, ack: { ok: true } });
      });

      test("an async handler's resolved value is the ack", async () => {
        expect(await probe.ask({ event: "slow", data: { ms: 5 }, id: 3 })).toEqual({ id: 3, ack: "done" });
      });

      test("a handler that throws sends code and message, no stack, and the connection stays open", async () => {
        const reply = await probe.ask({ event: "boom", data: {}, id: 4 });
        expect(reply).toEqual({ id: 4, error: { code: "HANDLER_ERROR", message: "kaboom" } });
        expect(await probe.ask({ event: "add", data: { a: 1, b: 1 }, id: 5 })).toEqual({ id: 5, ack: 2 });
      });

      test("a throw without a request id arrives as a $error event naming the event", async () => {
        expect(await probe.ask({ event: "boom", data: {} })).toEqual({ event: "$error", error: { code: "HANDLER_ERROR", message: "kaboom", event: "boom" } });
      });

      test("$ping gets $pong", async () => {
        expect(await probe.ask({ event: "$ping" })).toEqual({ event: "$pong" });
      });
    });

    describe("bad input gets an error reply and the connection stays up", () => {
      test("validation failure names the event and carries the validator's issues (zod)", async () => {
        const reply = await probe.ask({ event: "say", data: { text: 5 }, id: 10 });
        expect(reply.id).toBe(10);
        expect(reply.error.code).toBe("VALIDATION_FAILED");
        expect(reply.error.message).toContain("say");
        expect(reply.error.issues[0].path).toEqual(["text"]);
        expect(typeof reply.error.issues[0].message).toBe("string");
      });

      test("validation failure with another Standard Schema library (valibot)", async () => {
        const reply = await probe.ask({ event: "add", data: { a: "x", b: 1 }, id: 11 });
        expect(reply.error.code).toBe("VALIDATION_FAILED");
        expect(reply.error.issues[0].path).toEqual(["a"]);
      });

      test("unknown event, with and without a request id", async () => {
        expect(await probe.ask({ event: "nope", id: 12 })).toEqual({ id: 12, error: { code: "UNKNOWN_EVENT", message: 'unknown event "nope"' } });
        expect((await probe.ask({ event: "$nope" })).error.code).toBe("UNKNOWN_EVENT");
      });

      test("invalid JSON", async () => {
        const reply = await probe.ask("{not json");
        expect(reply.event).toBe("$error");
        expect(reply.error.code).toBe("INVALID_JSON");
      });

      test("invalid envelopes", async () => {
        for (const frame of ["[1,2]", "null", '"text"', '{"data":1}', '{"event":""}', '{"event":"add","id":"7"}', '{"event":"add","id":1.5}']) {
          const reply = await probe.ask(frame);
          expect(reply.error.code).toBe("INVALID_ENVELOPE");
        }
        expect(await probe.ask({ event: "add", data: { a: 1, b: 2 }, id: 13 })).toEqual({ id: 13, ack: 3 });
      });

      test("__proto__ and constructor keys never reach a prototype; prototype names are not events", async () => {
        const reply = await probe.ask('{"event":"inspect","id":20,"data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"a":1}}');
        expect(reply.ack.protoIsObject).toBe(true);
        expect(reply.ack.polluted).toBeNull();
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        for (const event of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
          expect((await probe.ask({ event, data: {}, id: 21 })).error.code).toBe("UNKNOWN_EVENT");
        }
        const envelope = await probe.ask('{"__proto__":{"event":"add"},"data":{"a":1,"b":2},"id":22}');
        expect(envelope.error.code).toBe("INVALID_ENVELOPE");
      });
    });

    describe("policy: invalid = close", () => {
      test("invalid data closes with 1007, an unknown event with 1008", async () => {
        const strict = await mountChat(mount, { invalid: "close" });
        try {
          const a = new Probe(strict.url);
          await a.opened;
          a.send("{oops");
          expect((await a.closed).code).toBe(1007);
          const b = new Probe(strict.url);
          await b.opened;
          b.send({ event: "nope" });
          expect((await b.closed).code).toBe(1008);
          const c = new Probe(strict.url);
          await c.opened;
          c.send({ event: "say", data: { text: 1 } });
          expect((await c.closed).code).toBe(1007);
        } finally {
          await strict.stop();
        }
      });
    });

    describe("topics and codecs", () => {
      test("a topic publish reaches the room's members only, not the sender", async () => {
        const [alice, bob, carol] = [new Probe(mounted.url), new Probe(mounted.url), new Probe(mounted.url)];
        await Promise.all([alice.opened, bob.opened, carol.opened]);
        try {
          expect(await alice.ask({ event: "$join", data: { topic: "r1" }, id: 1 })).toEqual({ id: 1, ack: { recovered: true, missed: 0 } });
          expect(await bob.ask({ event: "$join", data: { topic: "r1" }, id: 1 })).toEqual({ id: 1, ack: { recovered: true, missed: 0 } });
          alice.send({ event: "shout", data: { room: "r1", text: "hello" } });
          const said = await bob.next();
          expect(said.event).toBe("said");
          expect(said.data.text).toBe("hello");
          // Frames on one connection arrive in order: a publish to carol or alice would come before this $pong.
          expect(await carol.ask({ event: "$ping" })).toEqual({ event: "$pong" });
          expect(await alice.ask({ event: "$ping" })).toEqual({ event: "$pong" });
        } finally {
          for (const p of [alice, bob, carol]) p.ws.close();
        }
      });

      test("MessagePack frames get MessagePack replies", async () => {
        const binary = new Probe(mounted.url, [MSGPACK_SUBPROTOCOL, "bunwire.json"]);
        await binary.opened;
        try {
          expect(decodeMsgpack(await binary.ask(encodeMsgpack({ event: "add", data: { a: 20, b: 22 }, id: 1 })))).toEqual({ id: 1, ack: 42 });
        } finally {
          binary.ws.close();
        }
      });
    });
  });
}
