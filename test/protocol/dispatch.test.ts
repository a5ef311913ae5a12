// The typed-message contract over raw Bun.serve, plus what is specific to declaring protocols:
// start-up errors and async validators.

import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { defineProtocol, ProtocolError, servedOn } from "../../src/protocol/index.ts";
import { handlersMount, protocolContract } from "./contract.ts";
import { chat, Probe, urlOf, type ChatData } from "./fixture.ts";

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
);

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
