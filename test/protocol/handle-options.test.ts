// Every value `protocol.handle(handlers, options)` takes is checked when handle() runs: a wrong one is an
// INVALID_OPTION naming the option, what it takes and what it got, instead of a value read as something else
// (`rooms: "yes"` letting every client join) or a TypeError in a handler later (`onError: 5`). Right values, every
// form the docs list, still serve.

import { afterEach, expect, test } from "bun:test";
import { z } from "zod";
import { bunwire, defineProtocol, memoryPresence, MemoryHistory, MemoryIdempotency, type HandleOptions } from "bunwire";
import { connect, type Client } from "bunwire/client";

const echo = defineProtocol({ name: "echo", client: { say: z.string() }, server: {} });

function refusal(options: unknown): string {
  try {
    echo.handle({ say: (_ws, text) => text }, options as HandleOptions<unknown>);
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return `${code}: ${message}`;
  }
  return "accepted";
}

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const TIMER = "a number of milliseconds > 0 and <= 2147483647";
const store = memoryPresence();

test.each([
  ["onError as a number", { onError: 5 }, "option onError must be a function, got 5"],
  ["open as a number", { open: 5 }, "option open must be a function, got 5"],
  ["close as a string", { close: "bye" }, 'option close must be a function, got "bye"'],
  ["rooms as a string", { rooms: "yes" }, 'option rooms must be true or false, or a function, got "yes"'],
  ["msgpack as a string", { msgpack: "no" }, 'option msgpack must be true or false, got "no"'],
  ["maxRooms negative", { maxRooms: -1 }, "option maxRooms must be an integer >= 0, got -1"],
  ["maxRooms a fraction", { maxRooms: 1.5 }, "option maxRooms must be an integer >= 0, got 1.5"],
  ["invalid misspelt", { invalid: "Close" }, 'option invalid must be "reply" or "close", got "Close"'],
  ["broadcastTopic empty", { broadcastTopic: "" }, 'option broadcastTopic must be a non-empty string, or false, got ""'],
  ["broadcastTopic true", { broadcastTopic: true }, "option broadcastTopic must be a non-empty string, or false, got true"],
  ["history not a history", { history: {} }, "option history must be a TopicHistory (append, since, last), got an object"],
  ["idempotency as a string", { idempotency: "on" }, 'option idempotency must be true, false or { store?, windowMs?, leaseMs? }, got "on"'],
  ["idempotency.windowMs as a string", { idempotency: { windowMs: "5" } }, `option idempotency.windowMs must be ${TIMER}, got "5"`],
  ["idempotency.windowMs zero", { idempotency: { windowMs: 0 } }, `option idempotency.windowMs must be ${TIMER}, got 0`],
  ["idempotency.leaseMs past a timer's reach", { idempotency: { leaseMs: 2 ** 31 } }, `option idempotency.leaseMs must be ${TIMER}, got 2147483648`],
  ["idempotency.leaseMs NaN", { idempotency: { leaseMs: Number.NaN } }, `option idempotency.leaseMs must be ${TIMER}, got NaN`],
  ["idempotency.store without claim", { idempotency: { store: { complete() {} } } }, "option idempotency.store must be an IdempotencyStore (claim, complete, and renew when given), got an object"],
  ["idempotency with a misspelt name", { idempotency: { windowMS: 1000 } }, 'idempotency: unknown option "windowMS" (did you mean "windowMs"?)'],
  ["presence without a store", { presence: {} }, "option presence.store is required: memoryPresence() or redisPresence(...)"],
  ["presence as true", { presence: true }, "option presence must be { store, follow?, meta? }, got true"],
  ["presence.store not a store", { presence: { store: {} } }, "option presence.store must be a PresenceStore: memoryPresence() or redisPresence(...) (list, subscribe, track), got an object"],
  ["presence.follow as a string", { presence: { store, follow: "yes" } }, 'option presence.follow must be true or false, or a function, got "yes"'],
  ["presence.meta as an object", { presence: { store, meta: {} } }, "option presence.meta must be a function, got an object"],
  ["presence with a misspelt name", { presence: { store, folow: true } }, 'presence: unknown option "folow" (did you mean "follow"?)'],
])("%s is refused when handle() runs", (_name, options, message) => {
  const got = refusal(options);
  expect(got).toStartWith("INVALID_OPTION: echo.handle()");
  expect(got).toEndWith(message);
});

test("every accepted form of every option is still accepted", () => {
  const accepted: HandleOptions<unknown>[] = [
    {},
    { rooms: true, maxRooms: 0, invalid: "reply", msgpack: true, broadcastTopic: "all" },
    { rooms: false, invalid: "close", msgpack: false, idempotency: false, broadcastTopic: false },
    { rooms: (_ws, topic) => topic.startsWith("room:"), idempotency: true },
    { idempotency: { store: new MemoryIdempotency(), windowMs: 1000, leaseMs: 2 ** 31 - 1 } },
    { history: new MemoryHistory(), presence: { store: memoryPresence(), follow: false, meta: () => ({ role: "x" }) } },
    { onError: () => {}, open: () => {}, close: async () => {} },
  ];
  for (const options of accepted) expect(refusal(options)).toBe("accepted");
});

test("handlers with checked options serve: open, idempotent requests, rooms by policy", async () => {
  const opened: string[] = [];
  let runs = 0;
  const counted = defineProtocol({ name: "counted", client: { add: z.number() }, server: {} });
  const app = bunwire({ development: false });
  app.ws(
    "/counted",
    counted.handle(
      { add: (_ws, n) => (runs += n) },
      {
        rooms: (_ws, topic) => topic === "open",
        maxRooms: 1,
        msgpack: false,
        idempotency: { store: new MemoryIdempotency(), windowMs: 60_000, leaseMs: 5_000 },
        onError: () => {},
        open: () => void opened.push("open"),
      },
    ),
  );
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  cleanup.push(() => app.close({ timeout: 1000 }));
  const client: Client<typeof counted> = connect<typeof counted>(`ws://127.0.0.1:${server.port}/counted`, { reconnect: false, idempotent: true });
  cleanup.push(() => client.close());
  await client.whenOpen();
  expect(opened).toEqual(["open"]);
  expect(await client.request("add", 2)).toBe(2);
  await client.join("open");
  await expect(client.join("closed")).rejects.toMatchObject({ code: "NOT_ALLOWED" });
});
