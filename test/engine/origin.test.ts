// The origin check (cross-site WebSocket hijacking): exact matching of scheme, host and port, wildcards that
// only add labels, and a foreign origin refused before any middleware runs.

import { afterEach, describe, expect, test } from "bun:test";
import { BunwireError, bunwire, type AllowedOrigins } from "bunwire";
import { compileOrigins } from "../../src/engine/origin.ts";
import { TestSocket, upgradeAttempt } from "../support/socket.ts";

function allows(rule: AllowedOrigins, origin: string, host = "app.example.com", headers: Record<string, string> = {}, trustProxy: boolean | number = false): boolean {
  const req = new Request(`http://${host}/ws`, { headers: { Host: host, ...headers } });
  return compileOrigins(rule, trustProxy, "test")(origin, req);
}

describe("compiled allowedOrigins", () => {
  test("same-origin (default): the Origin's host and port equal the Host header; look-alikes and null are foreign", () => {
    expect(allows("same-origin", "https://app.example.com")).toBe(true);
    expect(allows("same-origin", "http://localhost:3000", "localhost:3000")).toBe(true);
    expect(allows("same-origin", "HTTPS://APP.EXAMPLE.COM")).toBe(true);
    expect(allows("same-origin", "https://app.example.com", "app.example.com:443")).toBe(true);
    expect(allows("same-origin", "http://localhost:3001", "localhost:3000")).toBe(false);
    expect(allows("same-origin", "https://app.example.com.evil.example")).toBe(false);
    expect(allows("same-origin", "https://evil.example")).toBe(false);
    expect(allows("same-origin", "null")).toBe(false);
  });

  test("same-origin behind a trusted proxy compares with X-Forwarded-Host; untrusted, the header is ignored", () => {
    const forwarded = { "X-Forwarded-Host": "public.example.com" };
    expect(allows("same-origin", "https://public.example.com", "10.0.0.5:3000", forwarded, true)).toBe(true);
    expect(allows("same-origin", "https://public.example.com", "10.0.0.5:3000", forwarded, false)).toBe(false);
  });

  test("exact origins match exactly, default ports aside", () => {
    const rule = ["https://app.example.com", "http://localhost:5173"];
    expect(allows(rule, "https://app.example.com", "api.example.com")).toBe(true);
    expect(allows(rule, "https://app.example.com:443", "api.example.com")).toBe(true);
    expect(allows(rule, "http://localhost:5173", "api.example.com")).toBe(true);
    expect(allows(rule, "http://app.example.com", "api.example.com")).toBe(false);
    expect(allows(rule, "https://app.example.com:8443", "api.example.com")).toBe(false);
    expect(allows(rule, "https://app.example.com.evil.example", "api.example.com")).toBe(false);
    expect(allows(rule, "https://xapp.example.com", "api.example.com")).toBe(false);
    expect(allows(rule, "null", "api.example.com")).toBe(false);
  });

  test("wildcards add one or more labels in front of the domain, nothing else", () => {
    const rule = "https://*.example.com";
    expect(allows(rule, "https://a.example.com", "x")).toBe(true);
    expect(allows(rule, "https://a.b.example.com", "x")).toBe(true);
    expect(allows(rule, "https://example.com", "x")).toBe(false);
    expect(allows(rule, "https://a.example.com.evil.example", "x")).toBe(false);
    expect(allows(rule, "https://evilexample.com", "x")).toBe(false);
    expect(allows(rule, "http://a.example.com", "x")).toBe(false);
    expect(allows(rule, "https://a.example.com:8443", "x")).toBe(false);
  });

  test("RegExps, functions, '*' and 'same-origin' inside a list", () => {
    expect(allows(/^https:\/\/(a|b)\.example\.com$/g, "https://b.example.com", "x")).toBe(true);
    expect(allows(/^https:\/\/(a|b)\.example\.com$/g, "https://b.example.com", "x")).toBe(true);
    expect(allows((origin) => origin.endsWith(".trusted.example"), "https://x.trusted.example", "x")).toBe(true);
    expect(allows("*", "https://anything.example", "x")).toBe(true);
    expect(allows(["same-origin", "https://cdn.example"], "https://app.example.com")).toBe(true);
    expect(allows(["same-origin", "https://cdn.example"], "https://cdn.example")).toBe(true);
    expect(allows(["same-origin", "https://cdn.example"], "https://other.example")).toBe(false);
  });

  test("an entry that is no origin is an INVALID_OPTION naming it", () => {
    for (const bad of ["example.com", "https://example.com/path", "null", "https://*example.com"]) {
      let error: unknown;
      try {
        compileOrigins([bad], false, "bunwire()");
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(BunwireError);
      expect((error as BunwireError).code).toBe("INVALID_OPTION");
      expect((error as BunwireError).message).toContain(JSON.stringify(bad));
    }
    expect(() => bunwire({ allowedOrigins: "app.example.com" })).toThrow(/not an origin/);
  });
});

describe("on a real server", () => {
  const closing: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closing.splice(0)) await close();
  });

  test("a foreign origin gets 403 before any middleware runs; the page's own origin connects", async () => {
    const app = bunwire({ development: false });
    let middlewareRuns = 0;
    app.use((_req, _res, next) => {
      middlewareRuns++;
      next();
    });
    app.ws("/live", { open: (ws) => void ws.send("hello") });
    const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
    closing.push(() => app.close());
    const url = `ws://127.0.0.1:${server.port}/live`;
    const refused = await upgradeAttempt(url, { Origin: "https://evil.example" });
    expect(refused.status).toBe(403);
    expect(middlewareRuns).toBe(0);
    const page = await TestSocket.open(url, { headers: { Origin: `http://127.0.0.1:${server.port}` } });
    expect(await page.next()).toBe("hello");
    expect(middlewareRuns).toBe(1);
    await page.close();
  });
});
