// The inspector is safe to leave on: without the token every part of it (page, script, WebSocket) answers 401;
// the sign-in form sets an HttpOnly, SameSite=Strict cookie scoped to the inspector that is not the token itself;
// a bearer token works for scripts. Bad options fail at start-up with INVALID_OPTION.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { bunwire, isBunwireError, type App } from "bunwire";
import { observe } from "bunwire/metrics";
import { rawHandshake, upgradeAttempt } from "../support/socket.ts";
import { TOKEN } from "../metrics/support.ts";
import { cookieValue } from "../../src/metrics/token.ts";

let app: App;
let base = "";
beforeAll(() => {
  app = bunwire({ development: false }).use(observe({ token: TOKEN, metrics: { token: "metrics-token-0123456789" } }));
  base = `http://127.0.0.1:${app.listen({ port: 0, quiet: true }).port}`;
});
afterAll(() => app.close());

const PAGE = "/_bunwire/inspector";

test("without the token: the page answers 401 with a sign-in form, the script and the WebSocket 401", async () => {
  const page = await fetch(`${base}${PAGE}`);
  expect(page.status).toBe(401);
  expect(page.headers.get("www-authenticate")).toStartWith("Bearer");
  expect(await page.text()).toContain('<form class="login" method="post"');
  expect((await fetch(`${base}${PAGE}/app.js`)).status).toBe(401);
  expect((await upgradeAttempt(`${base.replace("http", "ws")}${PAGE}/ws`)).status).toBe(401);
  expect((await fetch(`${base}${PAGE}`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
  expect((await fetch(`${base}${PAGE}`, { headers: { cookie: "bunwire_inspector=forged" } })).status).toBe(401);
});

test("signing in: a wrong token is refused; the right one sets a scoped HttpOnly SameSite=Strict cookie that opens everything", async () => {
  const form = (token: string) => ({ method: "POST", body: new URLSearchParams({ token }), redirect: "manual" as const });
  const wrong = await fetch(`${base}${PAGE}`, form("not-the-token-at-all"));
  expect(wrong.status).toBe(401);
  expect(await wrong.text()).toContain("Wrong token.");
  expect(wrong.headers.get("set-cookie")).toBeNull();

  const huge = await fetch(`${base}${PAGE}`, { method: "POST", body: `token=${"x".repeat(10_000)}`, redirect: "manual" });
  expect(huge.status).toBe(413);

  const right = await fetch(`${base}${PAGE}`, form(TOKEN));
  expect(right.status).toBe(303);
  expect(right.headers.get("location")).toBe(PAGE);
  const setCookie = right.headers.get("set-cookie")!;
  expect(setCookie).toMatch(/^bunwire_inspector=\d+\.[\w-]+; Path=\/_bunwire\/inspector; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  expect(setCookie).not.toContain(TOKEN);
  const cookie = setCookie.split(";")[0]!;

  const page = await fetch(`${base}${PAGE}`, { headers: { cookie } });
  expect(page.status).toBe(200);
  expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  expect(page.headers.get("x-frame-options")).toBe("DENY");
  const script = await fetch(`${base}${PAGE}/app.js`, { headers: { cookie } });
  expect(script.status).toBe(200);
  expect(script.headers.get("content-type")).toStartWith("text/javascript");
  expect((await rawHandshake(`${base.replace("http", "ws")}${PAGE}/ws`, { Cookie: cookie })).status).toBe(101);
  expect((await rawHandshake(`${base.replace("http", "ws")}${PAGE}/ws`, { Authorization: `Bearer ${TOKEN}` })).status).toBe(101);
});

test("a sign-in cookie is refused once its 12 hours are over, and its expiry cannot be moved without the token", async () => {
  const now = Date.now();
  const stale = cookieValue(TOKEN, now - 12 * 3600_000 - 1000);
  const fresh = cookieValue(TOKEN, now);
  const [freshExpiry, freshSignature] = fresh.split(".");
  const open = (value: string) => fetch(`${base}${PAGE}`, { headers: { cookie: `bunwire_inspector=${value}` } });
  expect((await open(fresh)).status).toBe(200);
  expect((await open(stale)).status).toBe(401);
  expect((await upgradeAttempt(`${base.replace("http", "ws")}${PAGE}/ws`, { Cookie: `bunwire_inspector=${stale}` })).status).toBe(401);
  // The stale cookie's signature with a later expiry, and the fresh expiry moved on a day: both refused.
  expect((await open(`${freshExpiry}.${stale.split(".")[1]}`)).status).toBe(401);
  expect((await open(`${Number(freshExpiry) + 86_400}.${freshSignature}`)).status).toBe(401);
});

test("metrics with a token of their own: 401 without it, 200 with it", async () => {
  expect((await fetch(`${base}/metrics`)).status).toBe(401);
  expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(401);
  expect((await fetch(`${base}/metrics`, { headers: { authorization: "Bearer metrics-token-0123456789" } })).status).toBe(200);
});

test("bad options fail at start-up with INVALID_OPTION", () => {
  const invalid = (options: unknown, message: RegExp) => {
    let thrown: unknown;
    try {
      observe(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(isBunwireError(thrown, "INVALID_OPTION")).toBe(true);
    expect((thrown as Error).message).toMatch(message);
  };
  invalid({ token: "short" }, /token must be a string of at least 16 characters/);
  invalid({ inspector: true }, /the inspector needs a token/);
  invalid({ tokn: TOKEN }, /unknown option "tokn"/);
  invalid({ token: TOKEN, inspector: { tail: { maxLength: 0 } } }, /tail.maxLength must be a positive integer/);
  invalid({ token: TOKEN, inspector: { path: "no-slash" } }, /inspector.path must be a path/);
  invalid({ health: { checks: { db: true } } }, /health.checks.db must be a function/);
  invalid({ metrics: { path: "metrics" } }, /metrics.path must be a path starting with "\/"/);
  invalid({ presence: {} }, /presence must be a presence/);
  expect(() => bunwire({ drainDelay: -1 })).toThrow(/drainDelay must be a number of milliseconds >= 0/);
});

test("an inspector asked for in either form needs a token: { path } without one is refused, not mounted unlocked", async () => {
  for (const inspector of [true, {}, { path: "/i" }, { tail: false }]) {
    let thrown: unknown;
    try {
      observe({ inspector });
    } catch (error) {
      thrown = error;
    }
    expect(isBunwireError(thrown, "INVALID_OPTION")).toBe(true);
    expect((thrown as Error).message).toBe("observe(): the inspector needs a token: observe({ token: process.env.INSPECTOR_TOKEN })");
  }
  // No inspector asked for, or one with its token: accepted, and the token opens the page at its path.
  expect(() => observe({ inspector: false })).not.toThrow();
  const own = bunwire({ development: false }).use(observe({ token: TOKEN, inspector: { path: "/i" } }));
  const port = own.listen({ port: 0, quiet: true }).port;
  try {
    expect((await fetch(`http://127.0.0.1:${port}/i`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/i`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  } finally {
    await own.close();
  }
});
