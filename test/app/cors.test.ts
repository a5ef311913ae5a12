// cors(): origins as "*", a list, a RegExp, a wildcard or a function; credentials; preflights answered with the
// allowed methods/headers and Max-Age; CORS headers kept on error answers; WebSocket upgrades left alone.
import { expect, test } from "bun:test";
import { bunwire, cors, type App, type CorsOptions } from "bunwire";
import { useApps } from "../support/apps.ts";
import { rawHandshake } from "../support/socket.ts";

const apps = useApps();
function start(options?: CorsOptions, extra?: (app: App) => void): string {
  const app = bunwire();
  app.use(cors(options));
  app.get("/data", (_req, res) => res.set("X-Total", "3").json([1, 2, 3]));
  app.get("/fail", () => {
    throw Object.assign(new Error("nope"), { status: 403 });
  });
  extra?.(app);
  return apps.start(app).http;
}
const from = (origin: string, init: RequestInit = {}) => ({ ...init, headers: { Origin: origin, ...(init.headers as Record<string, string>) } });
const preflight = (origin: string, method = "PUT", headers?: string) =>
  from(origin, { method: "OPTIONS", headers: { "Access-Control-Request-Method": method, ...(headers ? { "Access-Control-Request-Headers": headers } : {}) } });

test("default: any origin may read, as `*`, and a preflight is answered 204 with the default methods", async () => {
  const base = start();
  const simple = await fetch(`${base}/data`, from("https://anyone.example"));
  expect([simple.headers.get("access-control-allow-origin"), simple.headers.get("vary")]).toEqual(["*", null]);
  const pre = await fetch(`${base}/data`, preflight("https://anyone.example", "PUT", "content-type, x-token"));
  expect(pre.status).toBe(204);
  expect(pre.headers.get("access-control-allow-methods")).toBe("GET, HEAD, PUT, PATCH, POST, DELETE");
  expect(pre.headers.get("access-control-allow-headers")).toBe("content-type, x-token");
});

test("a list of origins: a listed one is reflected with Vary: Origin, another gets no Allow-Origin", async () => {
  const base = start({ origin: ["https://app.example", /^https:\/\/preview-\d+\.example$/, "https://*.tenants.example"] });
  const allowed = async (origin: string) => (await fetch(`${base}/data`, from(origin))).headers.get("access-control-allow-origin");
  expect(await allowed("https://app.example")).toBe("https://app.example");
  expect(await allowed("https://preview-42.example")).toBe("https://preview-42.example");
  expect(await allowed("https://acme.tenants.example")).toBe("https://acme.tenants.example");
  expect(await allowed("https://a.b.tenants.example")).toBe("https://a.b.tenants.example");
  for (const foreign of ["https://evil.example", "https://app.example.evil.example", "null", "http://app.example", "https://tenants.example", "https://x.tenants.example.evil"]) {
    expect({ foreign, allowed: await allowed(foreign) }).toEqual({ foreign, allowed: null });
  }
  expect((await fetch(`${base}/data`, from("https://evil.example"))).headers.get("vary")).toBe("Origin");
});

test("credentials: Allow-Credentials, the origin reflected instead of `*`; exposed headers", async () => {
  const base = start({ credentials: true, exposedHeaders: ["X-Total"] });
  const response = await fetch(`${base}/data`, from("https://app.example"));
  expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example");
  expect(response.headers.get("access-control-allow-credentials")).toBe("true");
  expect(response.headers.get("access-control-expose-headers")).toBe("X-Total");
});

test("a function decides per request, sync or async", async () => {
  const base = start({ origin: async (origin, req) => origin === "https://app.example" && req.get("x-tenant") === "acme" });
  const ask = async (origin: string, tenant: string) => (await fetch(`${base}/data`, from(origin, { headers: { "X-Tenant": tenant } }))).headers.get("access-control-allow-origin");
  expect(await ask("https://app.example", "acme")).toBe("https://app.example");
  expect(await ask("https://app.example", "other")).toBeNull();
});

test("preflight caching and configured methods/headers; preflightContinue hands OPTIONS to the route", async () => {
  const base = start({ origin: "https://app.example", methods: ["GET", "POST"], allowedHeaders: "Content-Type", maxAge: 600 });
  const pre = await fetch(`${base}/data`, preflight("https://app.example", "POST", "x-anything"));
  expect([pre.status, pre.headers.get("access-control-max-age"), pre.headers.get("access-control-allow-methods"), pre.headers.get("access-control-allow-headers")]).toEqual([204, "600", "GET, POST", "Content-Type"]);
  const continued = start({ preflightContinue: true }, (app) => app.options("/data", (_req, res) => res.status(200).text("my own preflight")));
  const own = await fetch(`${continued}/data`, preflight("https://app.example"));
  expect([own.status, await own.text(), own.headers.get("access-control-allow-origin")]).toEqual([200, "my own preflight", "*"]);
});

test("error answers and 404s keep the CORS headers, so the page can read the failure", async () => {
  const base = start({ origin: "https://app.example" });
  const failed = await fetch(`${base}/fail`, from("https://app.example"));
  expect([failed.status, failed.headers.get("access-control-allow-origin"), await failed.text()]).toEqual([403, "https://app.example", "nope"]);
  const missing = await fetch(`${base}/missing`, from("https://app.example"));
  expect([missing.status, missing.headers.get("access-control-allow-origin")]).toEqual([404, "https://app.example"]);
});

test("WebSocket upgrades are left to the origin check: cors() adds nothing to the 101", async () => {
  const base = start({ origin: "https://app.example", credentials: true }, (app) => app.ws("/live", { message() {} }));
  const head = await rawHandshake(`${base.replace("http", "ws")}/live`);
  expect(head.status).toBe(101);
  expect(head.header("access-control-allow-origin")).toBeUndefined();
});

test("bad options are refused at start-up", () => {
  expect(() => cors({ origin: ["https://*evil"] })).toThrow("wildcards");
  expect(() => cors({ origin: [42 as unknown as string] })).toThrow("string or a RegExp");
  expect(() => cors({ maxAge: -1 })).toThrow("maxAge");
});
