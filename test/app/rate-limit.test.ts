// rateLimit(): a fixed window per client, answering 429 with Retry-After to HTTP requests and upgrades alike.
import { expect, test } from "bun:test";
import { bunwire, rateLimit } from "bunwire";
import { useApps } from "../support/apps.ts";
import { TestSocket, upgradeAttempt } from "../support/socket.ts";

const { start } = useApps();

test("past max in the window, HTTP and upgrades get 429 with Retry-After; other clients are counted apart", async () => {
  const app = bunwire();
  app.use(rateLimit({ windowMs: 60_000, max: 2, key: (req) => req.get("x-client") ?? req.ip }));
  app.get("/", (_req, res) => res.text("hi"));
  app.ws("/live", { open: (ws) => void ws.send("in") });
  const { port } = start(app);
  const headers = { "X-Client": "greedy" };

  const first = await fetch(`http://127.0.0.1:${port}/`, { headers });
  expect([first.status, first.headers.get("ratelimit-remaining")]).toEqual([200, "1"]);
  const socket = await TestSocket.open(`ws://127.0.0.1:${port}/live`, { headers });
  expect(await socket.next()).toBe("in");
  socket.ws.close();

  const limitedUpgrade = await upgradeAttempt(`ws://127.0.0.1:${port}/live`, headers);
  expect(limitedUpgrade.status).toBe(429);
  expect(Number(limitedUpgrade.headers.get("retry-after"))).toBeGreaterThan(0);
  const limitedHttp = await fetch(`http://127.0.0.1:${port}/`, { headers });
  expect(limitedHttp.status).toBe(429);
  expect(await limitedHttp.json()).toEqual({ error: "Too many requests, please try again later." });

  expect((await fetch(`http://127.0.0.1:${port}/`, { headers: { "X-Client": "polite" } })).status).toBe(200);
});

test("a new window starts after windowMs", async () => {
  const app = bunwire();
  // A window long enough that two requests in a row fall in it even on a loaded machine (100 ms was not).
  app.use(rateLimit({ windowMs: 1_000, max: 1 }));
  app.get("/", (_req, res) => res.text("hi"));
  const url = `${start(app).http}/`;
  expect((await fetch(url)).status).toBe(200);
  expect((await fetch(url)).status).toBe(429);
  await Bun.sleep(1_050); // the window is time-based: nothing to await but the clock
  expect((await fetch(url)).status).toBe(200);
});

test("the default key is req.ip: X-Forwarded-For separates clients only with trustProxy, for HTTP and upgrades", async () => {
  const statuses = async (trustProxy: boolean) => {
    const app = bunwire({ trustProxy });
    app.use(rateLimit({ windowMs: 60_000, max: 1 }));
    app.get("/", (_req, res) => res.text("hi"));
    app.ws("/live", { message() {} });
    const { port } = start(app);
    const first = await fetch(`http://127.0.0.1:${port}/`, { headers: { "X-Forwarded-For": "198.51.100.1" } });
    const upgrade = await upgradeAttempt(`ws://127.0.0.1:${port}/live`, { "X-Forwarded-For": "198.51.100.2" });
    const second = await fetch(`http://127.0.0.1:${port}/`, { headers: { "X-Forwarded-For": "198.51.100.3" } });
    return [first.status, upgrade.status, second.status];
  };
  // Untrusted, the header is ignored: all three share the loopback address's window.
  expect(await statuses(false)).toEqual([200, 429, 429]);
  expect(await statuses(true)).toEqual([200, 101, 200]);
});
