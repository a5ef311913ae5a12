// The option parity contract of the four front doors: one option set (the same names, every one accepted, checked
// at construction with a clear INVALID_OPTION so a typo is not silently ignored), the same server methods, one
// listen signature, and start-up errors without stray fields.

import { afterEach, describe, expect, test } from "bun:test";
import { BunwireError, bunwire, type ServerOptions } from "bunwire";
import { fileRoutes } from "bunwire/fs";
import { Application } from "bunwire/gateway";
import { Router } from "bunwire/router";
import { SERVER_OPTION_NAMES } from "../../src/engine/options.ts";
import { writeTree } from "../fs/support.ts";
import { fakeBus } from "../support/fake-bus.ts";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const tree = writeTree({ "ws/echo/route.ts": "export function onMessage(ws, m) { ws.send(m); }" });

const doors: Array<[string, (options: ServerOptions) => unknown]> = [
  ["bunwire()", (options) => bunwire(options)],
  ["new Router()", (options) => new Router(options)],
  ["new Application()", (options) => new Application({ ...options, globalRegistry: false })],
  ["fileRoutes()", (options) => fileRoutes(tree, options)],
];

async function failure(make: () => unknown): Promise<BunwireError> {
  try {
    await make();
  } catch (error) {
    expect(error).toBeInstanceOf(BunwireError);
    return error as BunwireError;
  }
  throw new Error("did not throw");
}

// Every ServerOptions name with a valid value: the test below fails when a name is added without it.
const EVERY_OPTION: Required<ServerOptions> = {
  websocket: { idleTimeout: 60 },
  bus: fakeBus(),
  onError() {},
  logger: { info() {}, warn() {}, error() {} },
  development: false,
  allowedOrigins: ["https://app.example.com", /^https:\/\/.*\.example\.org$/],
  trustProxy: 1,
  maxConnections: 10_000,
  maxConnectionsPerIp: 50,
  maxQueuedEvents: 256,
  maxQueuedBytes: 1024 * 1024,
  messageRateLimit: { messages: 100, bytes: 1_000_000, intervalMs: 1000, action: "reply" },
  upgradeTimeout: 5000,
  shutdownTimeout: 5000,
  drainDelay: 0,
  bodyLimit: 1024 * 1024,
};

test("the contract's option list is the whole ServerOptions set", () => {
  expect(Object.keys(EVERY_OPTION).sort()).toEqual([...SERVER_OPTION_NAMES].sort());
});

for (const [door, make] of doors) {
  describe(door, () => {
    test("accepts every ServerOptions name", async () => {
      await make(EVERY_OPTION);
    });

    test("has the same server methods: publish, subscriberCount, clusterSubscriberCount, close, cluster", async () => {
      const front = (await make({ development: false })) as Record<string, unknown>;
      for (const method of ["publish", "subscriberCount", "clusterSubscriberCount", "close"]) expect([method, typeof front[method]]).toEqual([method, "function"]);
      expect("cluster" in front).toBe(true);
    });

    test("an unknown option is an INVALID_OPTION that suggests the right name", async () => {
      const error = await failure(() => make({ allowedOrigin: "https://app.example.com" } as ServerOptions));
      expect(error.code).toBe("INVALID_OPTION");
      expect(error.message).toContain(door.replace("()", ""));
      expect(error.message).toContain('unknown option "allowedOrigin" (did you mean "allowedOrigins"?)');
    });

    test("wrong values are INVALID_OPTIONs naming the option", async () => {
      const bad: Array<[ServerOptions, string]> = [
        [{ maxConnections: -1 }, "maxConnections"],
        [{ maxConnectionsPerIp: 1.5 }, "maxConnectionsPerIp"],
        [{ maxQueuedBytes: 0 }, "maxQueuedBytes"],
        [{ trustProxy: "yes" as never }, "trustProxy"],
        [{ messageRateLimit: { messages: 10, action: "drop" as never } }, "messageRateLimit.action"],
        [{ messageRateLimit: { action: "close" } }, "messageRateLimit"],
        [{ upgradeTimeout: -5 }, "upgradeTimeout"],
        [{ logger: { info() {} } as never }, "logger"],
        [{ allowedOrigins: "app.example.com" }, "allowedOrigins"],
        // Past a timer's reach setTimeout fires after 1 ms: every async admission, every close(), would give up at once.
        [{ upgradeTimeout: 1e10 }, "upgradeTimeout"],
        [{ shutdownTimeout: 2 ** 31 }, "shutdownTimeout"],
        [{ drainDelay: 2 ** 31 }, "drainDelay"],
        // Bun's own options: a typo would be ignored, a wrong type refused only by listen().
        [{ websocket: { maxPayloadLenght: 1000 } as never }, 'unknown option "maxPayloadLenght" (did you mean "maxPayloadLength"?)'],
        [{ websocket: { maxPayloadLength: "big" as never } }, "maxPayloadLength must be a whole number >= 0"],
        [{ websocket: { publishToSelf: "yes" as never } }, "publishToSelf must be true or false"],
        [{ websocket: { perMessageDeflate: { compres: true } as never } }, 'unknown option "compres"'],
      ];
      for (const [options, name] of bad) {
        const error = await failure(() => make(options));
        expect(error.code).toBe("INVALID_OPTION");
        expect(error.message).toContain(name);
      }
    });
  });
}

test("listen twice is ALREADY_LISTENING", () => {
  const app = bunwire({ development: false });
  app.listen({ port: 0, quiet: true });
  closers.push(() => app.close());
  let error: unknown;
  try {
    app.listen({ port: 0, quiet: true });
  } catch (caught) {
    error = caught;
  }
  expect((error as BunwireError).code).toBe("ALREADY_LISTENING");
});

test("listen() refuses a port that is none, and a misspelt option, with INVALID_OPTION; a PORT string of digits is a port", async () => {
  const doors = [bunwire({ development: false }), new Router({ development: false }), new Application({ development: false, globalRegistry: false }), await fileRoutes(tree, { development: false })];
  for (const door of doors) {
    expect(() => door.listen("abc")).toThrow('listen(): option port must be a port (an integer 0-65535, or a string of its digits), got "abc"');
    expect(() => door.listen({ port: 70_000 })).toThrow("listen(): option port must be a port");
    expect(() => door.listen({ port: 0, quite: true } as never)).toThrow('listen(): unknown option "quite" (did you mean "quiet"?)');
  }
  const app = doors[0] as ReturnType<typeof bunwire>;
  closers.push(() => app.close());
  expect(app.listen({ port: "0", hostname: "127.0.0.1", quiet: true }).port).toBeGreaterThan(0);
});

test("one listen signature: (port, hostname, callback), (port, callback) and ({ port, hostname, quiet }, callback)", () => {
  const seen: number[] = [];
  const a = bunwire({ development: false });
  const b = new Router({ development: false });
  const c = new Application({ development: false, globalRegistry: false });
  const servers = [a.listen({ port: 0, hostname: "127.0.0.1", quiet: true }, (s) => void seen.push(s.port!)), b.listen(0, "127.0.0.1", (s) => void seen.push(s.port!)), c.listen({ port: 0, quiet: true }, (s) => void seen.push(s.port!))];
  closers.push(() => a.close(), () => b.close(), () => c.close());
  expect(seen).toEqual(servers.map((s) => s.port!));
  expect([a.port, b.port, c.port]).toEqual(seen);
  expect(a.server).toBe(servers[0]!);
});

test("a start-up error prints its code and message, with no stray status or closeCode", () => {
  const startup = new BunwireError("INVALID_ROUTE", "route path must start with /");
  expect(Bun.inspect(startup)).toContain('code: "INVALID_ROUTE"');
  expect(Object.keys(startup)).toEqual(["name", "code"]);
  expect("status" in startup || "closeCode" in startup).toBe(false);
  const refused = new BunwireError("ORIGIN_FORBIDDEN", "no", { status: 403 });
  expect(refused.status).toBe(403);
  expect(refused.closeCode).toBeUndefined();
});

test("router.websocket() checks Bun's options it is given beside the handlers", () => {
  const router = new Router();
  expect(() => router.websocket({ message() {}, idleTimout: 30 } as never)).toThrow('router.websocket() websocket: unknown option "idleTimout" (did you mean "idleTimeout"?)');
});

test("websocket: { maxPayloadLength: undefined } keeps the 1 MiB default (not Bun's 16 MB)", async () => {
  const app = bunwire({ websocket: { maxPayloadLength: undefined }, development: false });
  const closed: number[] = [];
  app.ws("/big", { message(ws, message) { ws.send(String(message.length)); } });
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  closers.push(() => app.close());
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/big`);
  await new Promise((resolve) => (ws.onopen = resolve));
  const done = new Promise((resolve) => (ws.onclose = (event) => resolve(closed.push(event.code))));
  ws.send("x".repeat(1024 * 1024 + 1));
  await done;
  expect(closed).toEqual([1009]);
});
