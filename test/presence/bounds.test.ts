// Presence under a hostile client: follows are capped per connection (`maxRooms`, counted apart from joins), topics
// are bounded (256 characters) before anything is stored, and a failing store is said once through the server's
// logger, never as a stack trace per join. Real App, real sockets admitted with a user.
import { afterEach, expect, spyOn, test } from "bun:test";
import { z } from "zod";
import { bunwire, defineProtocol, memoryPresence, type PresenceStore } from "bunwire";
import { Probe } from "../protocol/fixture.ts";

const lobby = defineProtocol({ name: "lobby", client: { hello: z.object({}) }, server: {} });

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

interface Logged {
  fields: Record<string, unknown>;
  msg: string | undefined;
}

async function serve(store: PresenceStore, maxRooms?: number): Promise<{ probe(): Promise<Probe>; errors: Logged[] }> {
  const errors: Logged[] = [];
  const logger = { info() {}, warn() {}, debug() {}, error: (fields: object, msg?: string) => void errors.push({ fields: fields as Record<string, unknown>, msg }) };
  const app = bunwire({ development: false, logger });
  app.use((req, _res, next) => {
    req.user = { id: "ada" };
    next();
  });
  app.ws("/rooms", lobby.handle({ hello: () => true }, { rooms: true, maxRooms, presence: { store } }));
  app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  cleanup.push(() => app.close({ timeout: 1000 }));
  return {
    errors,
    async probe() {
      const probe = new Probe(`ws://127.0.0.1:${app.port}/rooms`);
      cleanup.push(() => probe.ws.close());
      await probe.opened;
      return probe;
    },
  };
}

test("a connection follows at most maxRooms topics (apart from its joins); a refused follow stores nothing", async () => {
  const store = memoryPresence();
  const subscribe = spyOn(store, "subscribe");
  const { probe } = await serve(store, 2);
  const ws = await probe();
  expect((await ws.ask({ event: "$join", data: { topic: "a" }, id: 1 })).ack.recovered).toBe(true);
  expect((await ws.ask({ event: "$join", data: { topic: "b" }, id: 2 })).ack.recovered).toBe(true);
  expect((await ws.ask({ event: "$presence", data: { topic: "a" }, id: 3 })).ack.topic).toBe("a");
  expect((await ws.ask({ event: "$presence", data: { topic: "b" }, id: 4 })).ack.topic).toBe("b");
  expect((await ws.ask({ event: "$presence", data: { topic: "a" }, id: 5 })).ack.topic).toBe("a"); // already followed
  expect((await ws.ask({ event: "$presence", data: { topic: "c" }, id: 6 })).error.code).toBe("TOO_MANY_ROOMS");
  expect(subscribe).toHaveBeenCalledTimes(2);
  expect(await ws.ask({ event: "$unpresence", data: { topic: "a" }, id: 7 })).toEqual({ id: 7, ack: true });
  expect((await ws.ask({ event: "$presence", data: { topic: "c" }, id: 8 })).ack.topic).toBe("c");
});

test("a presence topic over 256 characters is refused with INVALID_ENVELOPE before the store sees it", async () => {
  const store = memoryPresence();
  const subscribe = spyOn(store, "subscribe");
  const track = spyOn(store, "track");
  const { probe, errors } = await serve(store);
  const ws = await probe();
  const long = "x".repeat(257);
  expect((await ws.ask({ event: "$presence", data: { topic: long }, id: 1 })).error.code).toBe("INVALID_ENVELOPE");
  expect((await ws.ask({ event: "$join", data: { topic: long }, id: 2 })).error.code).toBe("INVALID_ENVELOPE");
  expect(subscribe).not.toHaveBeenCalled();
  expect(track).not.toHaveBeenCalled();
  // 256 is the bound itself: allowed, and present.
  const edge = "y".repeat(256);
  expect((await ws.ask({ event: "$join", data: { topic: edge }, id: 3 })).ack.recovered).toBe(true);
  expect((await ws.ask({ event: "$presence", data: { topic: edge }, id: 4 })).ack.members).toEqual([{ id: "ada", meta: null }]);
  expect(errors).toEqual([]);
});

test("a failing store is said once through the server's logger until it works again, not per join", async () => {
  const store = memoryPresence();
  let down = true;
  const join = store.join.bind(store);
  store.join = (topic, id, meta) => (down ? Promise.reject(new Error("store down")) : join(topic, id, meta));
  const consoleError = spyOn(console, "error").mockImplementation(() => {});
  cleanup.push(() => consoleError.mockRestore());
  const { probe, errors } = await serve(store, 1000);
  const ws = await probe();
  // The join itself succeeded: a store that is down does not fail it.
  for (let i = 0; i < 20; i++) expect((await ws.ask({ event: "$join", data: { topic: `t${i}` }, id: i + 1 })).ack.recovered).toBe(true);
  expect(errors.map((e) => [e.fields.code, e.fields.topic])).toEqual([["PRESENCE_UNAVAILABLE", "t0"]]);
  down = false;
  expect((await ws.ask({ event: "$join", data: { topic: "up" }, id: 100 })).ack.recovered).toBe(true);
  down = true;
  expect((await ws.ask({ event: "$join", data: { topic: "again" }, id: 101 })).ack.recovered).toBe(true);
  expect(errors.map((e) => e.fields.topic)).toEqual(["t0", "again"]); // a new outage is said again
  expect(consoleError).not.toHaveBeenCalled();
});
