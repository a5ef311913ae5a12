// The shared contract of typed messages: every front door that serves a protocol (raw Bun.serve, the App, the
// Router, file socket routes, gateways) must pass it. Call `protocolContract(label, mount)` from a test file with a
// mount that serves `chat` with the given options and returns a ws:// URL, the publish target where it is served
// (the app, router, server...) and a stop function; `handlersMount` builds one from "serve these handlers".

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { HandleOptions, ProtocolSocketHandlers, PublishTarget } from "../../src/protocol/index.ts";
import { encodeMsgpack, decodeMsgpack, MSGPACK_SUBPROTOCOL } from "../../src/protocol/index.ts";
import { negotiationContract } from "./contract-negotiation.ts";
import { serverRequestContract } from "./contract-requests.ts";
import { topicsContract } from "./contract-topics.ts";
import { chat, chatHandlers, Probe, tallies, type ChatData } from "./fixture.ts";

export interface Mounted {
  url: string;
  /** Where the protocol is served: what `chat.publish(target, ...)` and `chat.broadcast(target, ...)` go through. */
  target: PublishTarget;
  stop(): Promise<void>;
}

export interface ContractScope {
  /** false for a raw Bun.serve: no engine negotiates the subprotocol there (Bun answers the first one offered). */
  negotiates?: boolean;
}
export type Mount = (options: HandleOptions<ChatData>) => Mounted | Promise<Mounted>;

/** A mount for front doors that take the handlers of `chat.handle(...)`. */
export function handlersMount(mount: (websocket: ProtocolSocketHandlers<ChatData>) => Mounted | Promise<Mounted>): Mount {
  return (options) => mount(chat.handle<ChatData>(chatHandlers(), options));
}

const HIDDEN = 'the handler of "boom" failed';

export function protocolContract(label: string, mount: Mount, scope: ContractScope = {}): void {
  describe(`protocol contract (${label})`, () => {
    let mounted: Mounted;
    let probe: Probe;

    beforeAll(async () => {
      mounted = await mount({ onError: () => {}, rooms: true, idempotency: true });
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

      test("a handler that throws a plain error: HANDLER_ERROR naming the event, no message or stack, connection open", async () => {
        expect(await probe.ask({ event: "boom", data: {}, id: 4 })).toEqual({ id: 4, error: { code: "HANDLER_ERROR", message: HIDDEN } });
        expect(await probe.ask({ event: "add", data: { a: 1, b: 1 }, id: 5 })).toEqual({ id: 5, ack: 2 });
      });

      test("a ProtocolError thrown by a handler reaches the client with its own code and message", async () => {
        expect(await probe.ask({ event: "refuse", data: {}, id: 6 })).toEqual({ id: 6, error: { code: "ROOM_FULL", message: "the room is full" } });
      });

      test("a throw without a request id arrives as a $error event naming the event", async () => {
        expect(await probe.ask({ event: "boom", data: {} })).toEqual({ event: "$error", error: { code: "HANDLER_ERROR", message: HIDDEN, event: "boom" } });
      });

      test("with idempotency, a repeated key gets the first reply under its own id; the handler ran once", async () => {
        const before = tallies.runs;
        const first = await probe.ask({ event: "tally", data: {}, id: 30, key: `contract-${before}` });
        expect(first).toEqual({ id: 30, ack: before + 1 });
        expect(await probe.ask({ event: "tally", data: {}, id: 31, key: `contract-${before}` })).toEqual({ id: 31, ack: before + 1 });
        expect(tallies.runs).toBe(before + 1);
      });

      test("with idempotency, numbered keys `k` (after a string key <client>:<n> names the client) are the same keys", async () => {
        const before = tallies.runs;
        const client = `contract-client-${before}`;
        expect(await probe.ask({ event: "tally", data: {}, id: 32, key: `${client}:1` })).toEqual({ id: 32, ack: before + 1 });
        expect(await probe.ask({ event: "tally", data: {}, id: 33, k: 1 })).toEqual({ id: 33, ack: before + 1 });
        expect(await probe.ask({ event: "tally", data: {}, id: 34, k: 2 })).toEqual({ id: 34, ack: before + 2 });
        expect(await probe.ask({ event: "tally", data: {}, id: 35, key: `${client}:2` })).toEqual({ id: 35, ack: before + 2 });
        expect(tallies.runs).toBe(before + 2);
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

      test("unknown event, with and without a request id; the $error names the event", async () => {
        expect(await probe.ask({ event: "nope", id: 12 })).toEqual({ id: 12, error: { code: "UNKNOWN_EVENT", message: 'unknown event "nope"' } });
        expect(await probe.ask({ event: "nope" })).toEqual({ event: "$error", error: { code: "UNKNOWN_EVENT", message: 'unknown event "nope"', event: "nope" } });
        expect((await probe.ask({ event: "$nope" })).error).toMatchObject({ code: "UNKNOWN_EVENT", event: "$nope" });
      });

      test("an emit that fails validation gets a $error naming the event", async () => {
        const reply = await probe.ask({ event: "say", data: { text: 5 } });
        expect(reply.event).toBe("$error");
        expect(reply.error).toMatchObject({ code: "VALIDATION_FAILED", event: "say" });
      });

      test("invalid JSON", async () => {
        const reply = await probe.ask("{not json");
        expect(reply.event).toBe("$error");
        expect(reply.error.code).toBe("INVALID_JSON");
      });

      test("invalid envelopes; the error carries the request id whenever the frame has a valid one", async () => {
        for (const frame of ["[1,2]", "null", '"text"', '{"data":1}', '{"event":""}', '{"event":"add","id":"7"}', '{"event":"add","id":1.5}']) {
          const reply = await probe.ask(frame);
          expect(reply.error.code).toBe("INVALID_ENVELOPE");
          expect(reply.id).toBeUndefined();
        }
        expect(await probe.ask('{"data":1,"id":14}')).toMatchObject({ id: 14, error: { code: "INVALID_ENVELOPE" } });
        expect(await probe.ask('{"event":"","id":15}')).toMatchObject({ id: 15, error: { code: "INVALID_ENVELOPE" } });
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
        const strict = await mount({ invalid: "close" });
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

    describe("MessagePack", () => {
      test("MessagePack frames get MessagePack replies, errors included, with their request id", async () => {
        const binary = new Probe(mounted.url, [MSGPACK_SUBPROTOCOL, "bunwire.json"]);
        await binary.opened;
        try {
          expect(decodeMsgpack(await binary.ask(encodeMsgpack({ event: "add", data: { a: 20, b: 22 }, id: 1 })))).toEqual({ id: 1, ack: 42 });
          expect(decodeMsgpack(await binary.ask(encodeMsgpack({ event: "add", data: { a: "x", b: 1 }, id: 2 })))).toMatchObject({ id: 2, error: { code: "VALIDATION_FAILED" } });
          expect(decodeMsgpack(await binary.ask(encodeMsgpack({ data: 1, id: 3 })))).toMatchObject({ id: 3, error: { code: "INVALID_ENVELOPE" } });
          expect(decodeMsgpack(await binary.ask(encodeMsgpack({ event: "nope" })))).toMatchObject({ event: "$error", error: { code: "UNKNOWN_EVENT", event: "nope" } });
          expect((decodeMsgpack(await binary.ask(new Uint8Array([0xc1]))) as { error: { code: string } }).error.code).toBe("INVALID_ENVELOPE");
        } finally {
          binary.ws.close();
        }
      });

      test("with msgpack: false a binary request is refused with UNSUPPORTED_CODEC carrying its id (as JSON text)", async () => {
        const jsonOnly = await mount({ msgpack: false });
        const binary = new Probe(jsonOnly.url);
        try {
          await binary.opened;
          expect(await binary.ask(encodeMsgpack({ event: "add", data: { a: 1, b: 2 }, id: 9 }))).toMatchObject({ id: 9, error: { code: "UNSUPPORTED_CODEC" } });
          expect(await binary.ask({ event: "add", data: { a: 1, b: 2 }, id: 10 })).toEqual({ id: 10, ack: 3 });
        } finally {
          binary.ws.close();
          await jsonOnly.stop();
        }
      });
    });

    if (scope.negotiates !== false) negotiationContract(mount, () => mounted);
    serverRequestContract(() => mounted);
    topicsContract(mount, () => mounted);
  });
}
