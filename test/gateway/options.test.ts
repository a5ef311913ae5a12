// `@WebSocketGateway(path, options)` checks its values where the class is declared, with handle()'s own rules, and
// `new Application(options)` checks where to listen when it is constructed, not at listen() with Bun's message.

import { afterEach, expect, test } from "bun:test";
import { z } from "zod";
import { defineProtocol, MemoryIdempotency } from "bunwire";
import { connect, defineProtocol as defineClientProtocol } from "bunwire/client";
import { Application, SubscribeMessage, WebSocketGateway, type ApplicationOptions, type GatewayOptions } from "bunwire/gateway";
import { refusal } from "../support/thrown.ts";

const echo = defineProtocol({ name: "echo", client: { say: z.string() }, server: {} });

/** Declares a gateway class with `options`, as user code does. */
function declare(options: unknown): unknown {
  @WebSocketGateway("/g", options as GatewayOptions)
  class Gateway {}
  return Gateway;
}

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

test.each([
  ["maxRooms negative", { maxRooms: -1 }, "option maxRooms must be an integer >= 0, got -1"],
  ["rooms as a string", { rooms: "x" }, 'option rooms must be true or false, or a function, got "x"'],
  ["msgpack as a string", { msgpack: "y" }, 'option msgpack must be true or false, got "y"'],
  ["invalid misspelt", { invalid: "nope" }, 'option invalid must be "reply" or "close", got "nope"'],
  ["protocol as a number", { protocol: 5 }, "option protocol must be a protocol from defineProtocol(), got 5"],
  ["idempotency.windowMs as a string", { idempotency: { windowMs: "5" } }, 'option idempotency.windowMs must be a number of milliseconds > 0 and <= 2147483647, got "5"'],
  ["presence without a store", { presence: {} }, "option presence.store is required: memoryPresence() or redisPresence(...)"],
])("@WebSocketGateway refuses %s where the class is declared", (_name, options, message) => {
  expect(refusal(() => declare(options))).toBe(`INVALID_OPTION: @WebSocketGateway("/g"): ${message}`);
});

test("@WebSocketGateway accepts every right form, protocols from bunwire and bunwire/client alike", () => {
  const shared = defineClientProtocol({ name: "shared", client: { say: z.string() }, server: {} });
  const accepted: GatewayOptions[] = [
    {},
    { protocol: echo, rooms: true, maxRooms: 0, invalid: "close", msgpack: false, broadcastTopic: "all" },
    { protocol: shared, rooms: () => true, idempotency: { store: new MemoryIdempotency(), windowMs: 1000 } },
    { protocol: echo, broadcastTopic: false },
  ];
  for (const options of accepted) expect(refusal(() => declare(options))).toBe("accepted");
});

test.each([
  ["port negative", { port: -5 }, "option port must be a port (an integer 0-65535, or a string of its digits), got -5"],
  ["port past 65535", { port: 70000 }, "option port must be a port (an integer 0-65535, or a string of its digits), got 70000"],
  ["port a word", { port: "abc" }, 'option port must be a port (an integer 0-65535, or a string of its digits), got "abc"'],
  ["port a string past 65535", { port: "65536" }, 'option port must be a port (an integer 0-65535, or a string of its digits), got "65536"'],
  ["hostname as a number", { hostname: 5 }, "option hostname must be a non-empty string, got 5"],
  ["globalRegistry as a string", { globalRegistry: "no" }, 'option globalRegistry must be true or false, got "no"'],
])("new Application() refuses %s when constructed", (_name, options, message) => {
  expect(refusal(() => new Application(options as ApplicationOptions))).toBe(`INVALID_OPTION: new Application(): ${message}`);
});

test("new Application() takes a port as a number or as a string of digits (process.env.PORT), as listen() does", async () => {
  for (const port of [0, 8080, "0", "8080"]) expect(refusal(() => new Application({ port, globalRegistry: false }))).toBe("accepted");

  @WebSocketGateway("/echo", { protocol: echo, msgpack: false })
  class Echo {
    @SubscribeMessage("say")
    say(_ws: unknown, text: string) {
      return text;
    }
  }
  const app = new Application({ port: "0", hostname: "127.0.0.1", globalRegistry: false, development: false });
  app.registerGateway(Echo);
  app.listen({ quiet: true });
  cleanup.push(() => app.close({ timeout: 1000 }));
  expect(app.port).toBeGreaterThan(0);
  const client = connect<typeof echo>(`ws://127.0.0.1:${app.port}/echo`, { reconnect: false });
  cleanup.push(() => client.close());
  expect(await client.request("say", "hi")).toBe("hi");
});
