// Every mistake bunwire reports is a BunwireError with a stable code, never a plain TypeError or RangeError:
// `isBunwireError(error, code)` is enough to tell them apart, whether thrown at start-up or reported at run time.

import { afterEach, expect, test } from "bun:test";
import { BunwireError, bunwire, isBunwireError, rateLimit, session } from "bunwire";
import { thrownBunwireError } from "../support/thrown.ts";
import { fakeBus } from "../support/fake-bus.ts";
import { TestSocket, until } from "../support/socket.ts";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const thrown = (make: () => unknown): BunwireError => thrownBunwireError(make);

test("session() without a secret and rateLimit() with a bad window are INVALID_OPTIONs", () => {
  expect(thrown(() => session({ secret: "" })).code).toBe("INVALID_OPTION");
  expect(thrown(() => session({} as never)).message).toContain("secret");
  const window = thrown(() => rateLimit({ windowMs: 0 }));
  expect([window.code, window.message]).toEqual(["INVALID_OPTION", "rateLimit(): windowMs must be > 0 and max >= 0, got windowMs 0, max 100"]);
  expect(thrown(() => rateLimit({ max: -1 })).code).toBe("INVALID_OPTION");
});

test("publishing a Blob with a bus set is UNPUBLISHABLE: thrown by app.publish, reported to onError from a handler", async () => {
  const reported: unknown[] = [];
  const app = bunwire({ bus: fakeBus(), development: false, onError: (error) => void reported.push(error) });
  app.ws("/feed", {
    message(ws) {
      ws.publish("news", new Blob(["hello"]));
    },
  });
  const server = app.listen({ port: 0, quiet: true });
  closers.push(() => app.close());
  expect(thrown(() => app.publish("news", new Blob(["hello"]) as never)).code).toBe("UNPUBLISHABLE");
  const socket = await TestSocket.open(`ws://127.0.0.1:${server.port}/feed`);
  socket.send("go");
  await until(() => reported.length > 0, 2000, "the error report");
  expect(isBunwireError(reported[0], "UNPUBLISHABLE")).toBe(true);
  await socket.close();
});

test("middleware that throws or rejects with undefined reaches error middleware as a HANDLER_ERROR", async () => {
  const app = bunwire({ development: false });
  app.get("/throws", () => {
    throw undefined;
  });
  app.get("/rejects", () => Promise.reject(null));
  app.use((error: unknown, _req: unknown, res: { status(code: number): { send(body: string): void } }, _next: unknown) => {
    res.status(500).send(isBunwireError(error, "HANDLER_ERROR") ? `${error.code}: ${error.message}` : "other");
  });
  const server = app.listen({ port: 0, quiet: true });
  closers.push(() => app.close());
  const base = `http://127.0.0.1:${server.port}`;
  expect(await (await fetch(`${base}/throws`)).text()).toBe("HANDLER_ERROR: middleware threw undefined");
  expect(await (await fetch(`${base}/rejects`)).text()).toBe("HANDLER_ERROR: middleware rejected with null");
});
