// The server half of typed messages over real sockets: acks, error replies, bad input, prototype safety.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { z } from "zod";
import { defineProtocol, ProtocolError } from "../../src/protocol/index.ts";
import { chat, Probe, serveChat, urlOf, type ChatData } from "./fixture.ts";

let server: Server<ChatData>;
let probe: Probe;

beforeAll(async () => {
  server = serveChat({ onError: () => {} });
  probe = new Probe(urlOf(server));
  await probe.opened;
});

afterAll(async () => {
  probe.ws.close();
  await server.stop(true);
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
    const strict = serveChat({ invalid: "close" });
    try {
      const a = new Probe(urlOf(strict));
      await a.opened;
      a.send("{oops");
      expect((await a.closed).code).toBe(1007);
      const b = new Probe(urlOf(strict));
      await b.opened;
      b.send({ event: "nope" });
      expect((await b.closed).code).toBe(1008);
      const c = new Probe(urlOf(strict));
      await c.opened;
      c.send({ event: "say", data: { text: 1 } });
      expect((await c.closed).code).toBe(1007);
    } finally {
      await strict.stop(true);
    }
  });
});

describe("declaration errors are thrown at start-up", () => {
  test("defineProtocol rejects a non-schema and reserved names", () => {
    expect(() => defineProtocol({ client: { a: {} as never }, server: {} })).toThrow(ProtocolError);
    expect(() => defineProtocol({ client: { $a: z.string() }, server: {} })).toThrow(/reserved/);
  });

  test("handle() rejects a missing handler and a handler for an undeclared event", () => {
    const p = defineProtocol({ client: { a: z.string(), toString: z.string() }, server: {} });
    expect(() => p.handle({ a() {} } as never)).toThrow(/no handler for client event "toString"/);
    expect(() => chat.handle({ extra() {} } as never)).toThrow(ProtocolError);
  });
});

describe("async validators", () => {
  test("a validator that returns a promise is awaited: ack on success, issues on failure", async () => {
    const p = defineProtocol({
      client: { claim: z.object({ name: z.string() }).refine(async (value) => value.name !== "taken", { message: "name taken", path: ["name"] }) },
      server: {},
    });
    const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, srv) => (srv.upgrade(req, { data: {} }) ? undefined : new Response("")), websocket: p.handle({ claim: (_ws, { name }) => `hello ${name}` }) });
    try {
      const c = new Probe(urlOf(s));
      await c.opened;
      expect(await c.ask({ event: "claim", data: { name: "ann" }, id: 1 })).toEqual({ id: 1, ack: "hello ann" });
      const failed = await c.ask({ event: "claim", data: { name: "taken" }, id: 2 });
      expect(failed.error).toEqual({ code: "VALIDATION_FAILED", message: 'invalid data for "claim"', issues: [{ message: "name taken", path: ["name"] }] });
      c.ws.close();
    } finally {
      await s.stop(true);
    }
  });
});
