// The typed-message contract over raw Bun.serve, plus what is specific to declaring protocols:
// start-up errors and async validators.

import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { BunwireError } from "../../src/engine/errors.ts";
import { chooseSubprotocol, decodeMsgpack, defineProtocol, encodeMsgpack, MSGPACK_SUBPROTOCOL, ProtocolError, servedOn } from "../../src/protocol/index.ts";
import { connect } from "../../src/client/index.ts";
import { msgpack } from "../../src/client/msgpack/index.ts";
import { upgradeAttempt } from "../support/socket.ts";
import { handlersMount, protocolContract } from "./contract.ts";
import { chat, chatHandlers, Probe, urlOf, type ChatData } from "./fixture.ts";

let names = 0;
protocolContract(
  "Bun.serve",
  handlersMount((websocket) => {
    const server = Bun.serve<ChatData>({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (req, srv) => (srv.upgrade(req, { data: { name: `user${++names}` } }) ? undefined : new Response("", { status: 400 })),
      websocket,
    });
    // A raw server cannot be told by Bun which handlers it serves; bunwire's front doors do this themselves.
    servedOn(websocket, server);
    return { url: urlOf(server), target: server, stop: () => server.stop(true) };
  }),
  { negotiates: false },
);

describe("a raw Bun.serve negotiates with chooseSubprotocol", () => {
  test("the handlers' preference among the offers; none offered: no header; only refused codecs: null (answer 400)", async () => {
    const websocket = chat.handle<ChatData>(chatHandlers(), { msgpack: false });
    const server = Bun.serve<ChatData>({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req, srv) {
        const chosen = chooseSubprotocol(req, websocket);
        if (chosen === null) return new Response(`speaks ${websocket.subprotocols.join(", ")}`, { status: 400 });
        const headers = chosen === undefined ? undefined : { "Sec-WebSocket-Protocol": chosen };
        return srv.upgrade(req, { data: { name: "raw" }, headers }) ? undefined : new Response("", { status: 400 });
      },
      websocket,
    });
    try {
      const client = connect<typeof chat>(urlOf(server), { codec: msgpack, heartbeat: false, reconnect: false });
      await client.whenOpen();
      expect(client.subprotocol).toBe("bunwire.v1.json");
      expect(await client.request("add", { a: 1, b: 2 })).toBe(3);
      client.close();
      const refused = await upgradeAttempt(urlOf(server), { "Sec-WebSocket-Protocol": "bunwire.v1.msgpack" });
      expect(refused.status).toBe(400);
      expect(await refused.text()).toBe("speaks bunwire.v1.json, bunwire.json");
    } finally {
      await server.stop(true);
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

describe("validation through the schema library's own parser", () => {
  // check.ts calls zod's parser directly: handlers must still get the schema's output, failures the issues with
  // their messages and paths, and a refinement must run once per valid message.
  test("handlers get the output (transforms, defaults); invalid data gets every issue with its message and path", async () => {
    let refined = 0;
    const p = defineProtocol({
      client: {
        order: z.object({ qty: z.number().int().positive(), note: z.string().default("none"), sku: z.string().transform((sku) => sku.toUpperCase()) }).refine(() => ++refined > 0),
        compiled: z.compile(z.object({ n: z.number() })),
      },
      server: {},
    });
    const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, srv) => (srv.upgrade(req, { data: {} }) ? undefined : new Response("")), websocket: p.handle({ order: (_ws, order) => order, compiled: (_ws, { n }) => n * 2 }) });
    try {
      const c = new Probe(urlOf(s));
      await c.opened;
      expect(await c.ask({ event: "order", data: { qty: 2, sku: "ab-1", extra: true }, id: 1 })).toEqual({ id: 1, ack: { qty: 2, note: "none", sku: "AB-1" } });
      expect(refined).toBe(1);
      const failed = await c.ask({ event: "order", data: { qty: -1, sku: 7 }, id: 2 });
      expect(failed.error.code).toBe("VALIDATION_FAILED");
      expect(failed.error.issues.map((issue: { path: unknown }) => issue.path)).toEqual([["qty"], ["sku"]]);
      for (const issue of failed.error.issues) expect(typeof issue.message === "string" && issue.message.length > 0).toBe(true);
      expect(await c.ask({ event: "compiled", data: { n: 21 }, id: 3 })).toEqual({ id: 3, ack: 42 });
      expect((await c.ask({ event: "compiled", data: { n: "21" }, id: 4 })).error.issues[0].path).toEqual(["n"]);
      c.ws.close();
    } finally {
      await s.stop(true);
    }
  });

  test("a schema with an async refinement keeps answering every message once it is known to be async", async () => {
    const p = defineProtocol({
      client: { claim: z.object({ name: z.string() }).refine(async (value) => value.name !== "taken", { message: "name taken" }) },
      server: {},
    });
    const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, srv) => (srv.upgrade(req, { data: {} }) ? undefined : new Response("")), websocket: p.handle({ claim: (_ws, { name }) => name }) });
    try {
      const c = new Probe(urlOf(s));
      await c.opened;
      expect(await c.ask({ event: "claim", data: { name: "a" }, id: 1 })).toEqual({ id: 1, ack: "a" });
      expect(await c.ask({ event: "claim", data: { name: "b" }, id: 2 })).toEqual({ id: 2, ack: "b" });
      expect(await c.ask({ event: "claim", data: { name: "taken" }, id: 3 })).toMatchObject({ id: 3, error: { code: "VALIDATION_FAILED", issues: [{ message: "name taken" }] } });
      expect(await c.ask({ event: "claim", data: { name: 5 }, id: 4 })).toMatchObject({ id: 4, error: { code: "VALIDATION_FAILED", issues: [{ path: ["name"] }] } });
      c.ws.close();
    } finally {
      await s.stop(true);
    }
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

describe("messages the engine refuses (rate limit with action: \"reply\")", () => {
  test("rejected() answers RATE_LIMITED with the request id, in the codec of the message, and runs no handler", async () => {
    let ran = 0;
    const websocket = chat.handle<ChatData>({ ...chatHandlers(), add: () => ++ran });
    // Stands in for the engine, which calls `rejected` instead of `message` when its token bucket is empty.
    const limited = new BunwireError("RATE_LIMITED", "too many messages", { closeCode: 1008 });
    const s = Bun.serve<ChatData>({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (req, srv) => (srv.upgrade(req, { data: { name: "x" } }) ? undefined : new Response("")),
      websocket: { ...websocket, message: (ws, message) => websocket.rejected(ws, message, limited) },
    });
    try {
      const json = new Probe(urlOf(s));
      const binary = new Probe(urlOf(s), [MSGPACK_SUBPROTOCOL]);
      await Promise.all([json.opened, binary.opened]);
      expect(await json.ask({ event: "add", data: { a: 1, b: 2 }, id: 7 })).toEqual({ id: 7, error: { code: "RATE_LIMITED", message: "too many messages" } });
      expect(await json.ask({ event: "add", data: { a: 1, b: 2 } })).toEqual({ event: "$error", error: { code: "RATE_LIMITED", message: "too many messages", event: "add" } });
      expect(decodeMsgpack(await binary.ask(encodeMsgpack({ event: "add", data: { a: 1, b: 2 }, id: 8 })))).toMatchObject({ id: 8, error: { code: "RATE_LIMITED" } });
      expect(ran).toBe(0);
      json.ws.close();
      binary.ws.close();
    } finally {
      await s.stop(true);
    }
  });
});
