// Express semantics where Express code would otherwise silently misbehave: req.headers as an object, cookie maxAge
// in ms, res.type shorthands, err.status honoured, 404 when every handler passes, next("route"), 405 + Allow and
// automatic OPTIONS, app.head/options/route/param, and Express's req.url family with trustProxy.
import { expect, test } from "bun:test";
import { bunwire, httpRouter, type App, type AppOptions, type BunwireRequest, type ErrorMiddleware } from "bunwire";
import { useApps } from "../support/apps.ts";

const apps = useApps();
const start = (app: App): string => apps.start(app).http;
function make(options?: AppOptions): App {
  return bunwire(options);
}

test("req.headers is a plain object of lower-cased names that also answers get() and has()", async () => {
  const app = make();
  app.get("/", (req, res) =>
    res.json({
      key: req.headers["x-api-key"],
      auth: req.headers.authorization,
      viaGet: req.headers.get("X-Api-Key"),
      has: [req.headers.has("x-api-key"), req.headers.has("x-missing")],
      missing: req.headers.get("x-missing"),
      keys: Object.keys(req.headers).filter((name) => name.startsWith("x-")),
    }),
  );
  const base = start(app);
  const body = await (await fetch(base, { headers: { "X-Api-Key": "k1", Authorization: "Bearer t" } })).json();
  expect(body).toEqual({ key: "k1", auth: "Bearer t", viaGet: "k1", has: [true, false], missing: null, keys: ["x-api-key"] });
});

test("res.cookie counts maxAge in milliseconds (Express); expires takes a Date", async () => {
  const app = make();
  app.get("/", (_req, res) => res.cookie("short", "1", { maxAge: 900_000 }).cookie("fixed", "2", { expires: new Date(Date.UTC(2030, 0, 1)), secure: true }).clearCookie("old").end());
  const base = start(app);
  expect((await fetch(base)).headers.getSetCookie()).toEqual([
    "short=1; Path=/; Max-Age=900; SameSite=Lax",
    "fixed=2; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT; Secure; SameSite=Lax",
    "old=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; SameSite=Lax",
  ]);
});

test("res.type expands Express's shorthands; full types pass as given", async () => {
  const app = make();
  app.get("/:type", (req, res) => res.type(req.params.type === "full" ? "application/vnd.api+json" : req.params.type).send("x"));
  const base = start(app);
  const typeOf = async (type: string) => (await fetch(`${base}/${type}`)).headers.get("content-type");
  expect(await typeOf("json")).toStartWith("application/json");
  expect(await typeOf("html")).toStartWith("text/html");
  expect(await typeOf(".png")).toBe("image/png");
  expect(await typeOf("css")).toStartWith("text/css");
  expect(await typeOf("full")).toBe("application/vnd.api+json");
});

test("a thrown error's status/statusCode is honoured: 4xx shows its message, 5xx only the status text and is reported", async () => {
  const app = make();
  const reported: string[] = [];
  app.onError((error) => reported.push((error as Error).message));
  const httpError = (status: number, message: string, extra: object = {}) => Object.assign(new Error(message), { status, ...extra });
  app.get("/forbidden", () => {
    throw httpError(403, "not your document");
  });
  app.get("/teapot", (_req, _res, next) => next(Object.assign(new Error("short and stout"), { statusCode: 418 })));
  app.get("/hidden", () => {
    throw httpError(400, "internal detail", { expose: false });
  });
  app.get("/unavailable", async () => {
    throw httpError(503, "database password is hunter2");
  });
  app.get("/bogus", () => {
    throw httpError(99, "not a status");
  });
  app.get("/allow", () => {
    throw httpError(405, "nope", { headers: { Allow: "GET" } });
  });
  const base = start(app);
  const answer = async (path: string) => {
    const response = await fetch(base + path);
    return [response.status, await response.text()];
  };
  expect(await answer("/forbidden")).toEqual([403, "not your document"]);
  expect(await answer("/teapot")).toEqual([418, "short and stout"]);
  expect(await answer("/hidden")).toEqual([400, "Bad Request"]);
  expect(await answer("/unavailable")).toEqual([503, "Service Unavailable"]);
  expect(await answer("/bogus")).toEqual([500, "Internal Server Error"]);
  expect((await fetch(`${base}/allow`)).headers.get("allow")).toBe("GET");
  expect(reported).toEqual(["database password is hunter2", "not a status"]);
});

test("a matched route whose handlers all call next() answers 404, as Express does", async () => {
  const app = make();
  app.get("/maybe", (_req, _res, next) => next());
  const base = start(app);
  const response = await fetch(`${base}/maybe`);
  expect([response.status, await response.text()]).toEqual([404, "Cannot GET /maybe"]);
});

test('next("route") skips the rest of a route and goes on to the next matching one', async () => {
  const app = make();
  const ran: string[] = [];
  app.get(
    "/user/:id",
    (req, _res, next) => (req.params.id === "0" ? next("route") : next()),
    (_req, res) => {
      ran.push("regular");
      res.text("regular user");
    },
  );
  app.get("/user/:id", (_req, res) => res.text("special user"));
  const base = start(app);
  expect(await (await fetch(`${base}/user/0`)).text()).toBe("special user");
  expect(await (await fetch(`${base}/user/7`)).text()).toBe("regular user");
  expect(ran).toEqual(["regular"]);
});

test("a wrong method answers 405 with Allow; OPTIONS is answered with Allow; unknown paths stay 404", async () => {
  const app = make();
  app.get("/items", (_req, res) => res.json([]));
  app.post("/items", (_req, res) => res.status(201).end());
  app.delete("/items/:id", (_req, res) => res.status(204).end());
  const base = start(app);
  const put = await fetch(`${base}/items`, { method: "PUT" });
  expect([put.status, put.headers.get("allow")]).toEqual([405, "GET, HEAD, POST"]);
  const options = await fetch(`${base}/items/3`, { method: "OPTIONS" });
  expect([options.status, options.headers.get("allow")]).toEqual([204, "DELETE"]);
  expect((await fetch(`${base}/nothing`, { method: "PUT" })).status).toBe(404);
  expect((await fetch(`${base}/nothing`, { method: "OPTIONS" })).status).toBe(404);
});

test("app.head and app.options take over from the automatic answers; GET still answers HEAD without a body", async () => {
  const app = make();
  app.get("/doc", (_req, res) => res.set("X-Kind", "get").text("the document"));
  app.head("/fast", (_req, res) => res.set("X-Kind", "head").end());
  app.get("/fast", (_req, res) => res.text("slow path"));
  app.options("/doc", (_req, res) => res.set("Allow", "GET, OPTIONS").status(200).text("custom"));
  const base = start(app);
  const head = await fetch(`${base}/doc`, { method: "HEAD" });
  expect([head.status, head.headers.get("x-kind"), await head.text()]).toEqual([200, "get", ""]);
  expect((await fetch(`${base}/fast`, { method: "HEAD" })).headers.get("x-kind")).toBe("head");
  const options = await fetch(`${base}/doc`, { method: "OPTIONS" });
  expect([options.status, await options.text()]).toEqual([200, "custom"]);
});

test("app.route(path) chains methods on one path; per-route options come first", async () => {
  const app = make();
  app
    .route("/books/:id")
    .get((req, res) => res.json({ show: req.params.id }))
    .put({ bodyLimit: 5 }, (req, res) => res.json({ update: req.params.id, body: req.body }));
  const base = start(app);
  expect(await (await fetch(`${base}/books/9`)).json()).toEqual({ show: "9" });
  const put = (body: string) => fetch(`${base}/books/9`, { method: "PUT", body, headers: { "Content-Type": "text/plain" } });
  expect(await (await put("abc")).json()).toEqual({ update: "9", body: "abc" });
  expect((await put("abcdef")).status).toBe(413);
});

test("app.param runs once per request and value before the routes that have the param, and may refuse", async () => {
  const app = make();
  const users: Record<string, string> = { "1": "ada", "2": "grace" };
  const lookups: string[] = [];
  app.param("userId", (req, res, next, value) => {
    lookups.push(value);
    const name = users[value];
    if (name === undefined) return res.status(404).json({ error: `no user ${value}` });
    res.locals.name = name;
    next();
  });
  app.get("/users/:userId", (_req, _res, next) => next());
  app.get("/users/:userId", (_req, res) => res.json({ name: res.locals.name }));
  app.get("/plain/:other", (req, res) => res.json({ other: req.params.other }));
  const base = start(app);
  expect(await (await fetch(`${base}/users/2`)).json()).toEqual({ name: "grace" });
  const missing = await fetch(`${base}/users/9`);
  expect([missing.status, await missing.json()]).toEqual([404, { error: "no user 9" }]);
  expect(await (await fetch(`${base}/plain/x`)).json()).toEqual({ other: "x" });
  expect(lookups).toEqual(["2", "9"]);
});

test("req.url, originalUrl, baseUrl, path, hostname, protocol, secure, xhr as Express gives them", async () => {
  const app = make();
  const describe = (req: BunwireRequest<object>) => ({
    url: req.url,
    originalUrl: req.originalUrl,
    baseUrl: req.baseUrl,
    path: req.path,
    hostname: req.hostname,
    protocol: req.protocol,
    secure: req.secure,
    xhr: req.xhr,
  });
  let inUse: unknown;
  app.use("/api", (req, _res, next) => {
    inUse = describe(req);
    next();
  });
  app.get("/api/items", (req, res) => res.json(describe(req)));
  const base = start(app);
  const got = await (await fetch(`${base}/api/items?page=2`, { headers: { "X-Requested-With": "XMLHttpRequest" } })).json();
  const hostname = "127.0.0.1";
  expect(got).toEqual({ url: "/api/items?page=2", originalUrl: "/api/items?page=2", baseUrl: "", path: "/api/items", hostname, protocol: "http", secure: false, xhr: true });
  expect(inUse).toEqual({ url: "/items?page=2", originalUrl: "/api/items?page=2", baseUrl: "/api", path: "/items", hostname, protocol: "http", secure: false, xhr: true });
});

test("trustProxy: X-Forwarded-For/-Proto/-Host feed req.ip, ips, protocol, hostname only when trusted", async () => {
  const forwarded = { "X-Forwarded-For": "203.0.113.7, 10.0.0.2", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "shop.example:8443" };
  const read = async (options?: AppOptions) => {
    const app = make(options);
    app.get("/", (req, res) => res.json({ ip: req.ip, ips: req.ips, protocol: req.protocol, secure: req.secure, hostname: req.hostname }));
    return (await fetch(start(app), { headers: forwarded })).json();
  };
  expect(await read()).toEqual({ ip: "127.0.0.1", ips: [], protocol: "http", secure: false, hostname: "127.0.0.1" });
  expect(await read({ trustProxy: true })).toEqual({ ip: "203.0.113.7", ips: ["203.0.113.7", "10.0.0.2"], protocol: "https", secure: true, hostname: "shop.example" });
  // One trusted hop: the address it saw is the client; what it forwarded from the left is the client's own claim.
  expect(await read({ trustProxy: 1 })).toMatchObject({ ip: "10.0.0.2", ips: ["10.0.0.2"] });
  expect(await read({ trustProxy: 2 })).toMatchObject({ ip: "203.0.113.7", ips: ["203.0.113.7", "10.0.0.2"] });
});

test("res.location, res.vary and res.attachment set their headers", async () => {
  const app = make();
  app.get("/", (_req, res) => res.location("/elsewhere").vary("Accept").vary("accept").vary("Origin").attachment("report 2026.pdf").end());
  const base = start(app);
  const response = await fetch(base);
  expect(response.headers.get("location")).toBe("/elsewhere");
  expect(response.headers.get("vary")).toBe("Accept, Origin");
  expect(response.headers.get("content-type")).toBe("application/pdf");
  expect(response.headers.get("content-disposition")).toBe(`attachment; filename="report 2026.pdf"; filename*=UTF-8''report%202026.pdf`);
});

test("res.sendStatus sends the reason phrase, as Express does; 204 has no body", async () => {
  const app = make();
  app.get("/missing", (_req, res) => res.sendStatus(404));
  app.get("/empty", (_req, res) => res.sendStatus(204));
  const base = start(app);
  const missing = await fetch(`${base}/missing`);
  expect([missing.status, await missing.text()]).toEqual([404, "Not Found"]);
  const empty = await fetch(`${base}/empty`);
  expect([empty.status, await empty.text()]).toEqual([204, ""]);
});

test("types (checked by tsc): params typed through route options, route() and routers; req.headers fields are strings", () => {
  const app = make();
  app.get("/a/:id", { bodyLimit: 10 }, (req, res) => {
    const id: string = req.params.id;
    // @ts-expect-error: the path has no :other
    void req.params.other;
    const auth: string | undefined = req.headers.authorization;
    const viaGet: string | null = req.headers.get("x-api-key");
    res.json({ id, auth, viaGet });
  });
  app.route("/b/:slug").get((req, res) => res.text(req.params.slug));
  httpRouter().get("/c/:n", (req, res) => res.text(req.params.n));
  // @ts-expect-error: options come before the handlers, not after
  expect(() => app.get("/d", (_req, res) => res.end(), { bodyLimit: 1 })).toThrow("must be a function");
});

test("Express parity: Referrer is Referer, Location is percent-encoded and 'back' is the Referer, arrays set one line each, statuses outside 200-599 are refused by name", async () => {
  const app = make();
  app.get("/ref", (req, res) => res.json({ referrer: req.get("Referrer") ?? null, header: req.header("referrer") ?? null }));
  app.get("/go", (_req, res) => res.redirect("/a b/ü?x=ä y&ok=%41"));
  app.get("/far", (_req, res) => res.redirect("/日本"));
  app.get("/back", (_req, res) => res.redirect("back"));
  app.get("/cookies", (_req, res) => res.append("Set-Cookie", ["a=1; Path=/", "b=2; Path=/"]).set("Link", ["<a>", "<b>"]).end());
  app.get("/odd", (_req, res) => res.sendStatus(999));
  const errors: string[] = [];
  const refused: ErrorMiddleware = (error, _req, res, _next) => {
    errors.push(`${(error as { code?: string }).code}: ${(error as Error).message}`);
    res.status(500).send("refused");
  };
  app.use(refused);
  const base = start(app);
  expect(await (await fetch(`${base}/ref`, { headers: { Referer: "http://r.example/" } })).json()).toEqual({ referrer: "http://r.example/", header: "http://r.example/" });
  const go = await fetch(`${base}/go`, { redirect: "manual" });
  expect([go.status, go.headers.get("location")]).toEqual([302, "/a%20b/%C3%BC?x=%C3%A4%20y&ok=%41"]);
  expect((await fetch(`${base}/far`, { redirect: "manual" })).headers.get("location")).toBe("/%E6%97%A5%E6%9C%AC");
  expect((await fetch(`${base}/back`, { redirect: "manual", headers: { Referer: "/from" } })).headers.get("location")).toBe("/from");
  expect((await fetch(`${base}/back`, { redirect: "manual" })).headers.get("location")).toBe("/");
  const cookies = await fetch(`${base}/cookies`);
  expect(cookies.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
  expect(cookies.headers.get("link")).toBe("<a>, <b>");
  const odd = await fetch(`${base}/odd`);
  expect([odd.status, errors]).toEqual([500, ["INVALID_STATUS: res.status(999): a response's status is an integer from 200 to 599"]]);
});

test("Express parity: next('router') leaves the router, app.param takes an array, Express's older path syntax is refused by name", async () => {
  const app = make();
  const admin = httpRouter();
  admin.use((req, _res, next) => (req.get("x-admin") === "yes" ? next() : next("router")));
  admin.get("/panel", (_req, res) => res.send("admin panel"));
  app.use("/x", admin);
  app.get("/x/panel", (_req, res) => res.send("public panel"));
  const seen: string[] = [];
  app.param(["a", "b"], (_req, _res, next, value, name) => {
    seen.push(`${name}=${value}`);
    next();
  });
  app.get("/p/:a/:b", (_req, res) => res.send("ok"));
  const base = start(app);
  expect(await (await fetch(`${base}/x/panel`)).text()).toBe("public panel");
  expect(await (await fetch(`${base}/x/panel`, { headers: { "x-admin": "yes" } })).text()).toBe("admin panel");
  expect(await (await fetch(`${base}/p/1/2`)).text()).toBe("ok");
  expect(seen).toEqual(["a=1", "b=2"]);
  for (const path of ["/ab?cd", "/mid*end"]) expect(() => make().get(path, (_req, res) => res.end())).toThrow("uses pattern syntax bunwire does not read");
  expect(() => make().get("/user/:id(\\d+)", (_req, res) => res.end())).toThrow('invalid param name ":id(\\d+)"');
});

test("Express parity: a text, JSON or JavaScript Content-Type set without a charset gets UTF-8's; others and explicit ones stay", async () => {
  const app = make();
  app.get("/html", (_req, res) => res.set("Content-Type", "text/html").send("<p>café</p>"));
  app.get("/json", (_req, res) => res.type("application/json").send("{}"));
  app.get("/latin", (_req, res) => res.set("Content-Type", "text/plain; charset=iso-8859-1").end("x"));
  app.get("/png", (_req, res) => res.set({ "Content-Type": "image/png" }).end(new Uint8Array([1])));
  const base = start(app);
  const type = async (path: string) => (await fetch(`${base}${path}`)).headers.get("content-type");
  expect(await type("/html")).toBe("text/html; charset=utf-8");
  expect(await type("/json")).toBe("application/json; charset=utf-8");
  expect(await type("/latin")).toBe("text/plain; charset=iso-8859-1");
  expect(await type("/png")).toBe("image/png");
});

test("Express parity: answering methods return res; a 204 or 304 goes without body or Content-Type", async () => {
  const app = make();
  let returned: unknown;
  app.get("/json", (_req, res) => void (returned = res.status(201).json({ ok: true })));
  app.get("/empty", (_req, res) => res.status(204).json({ ignored: true }));
  const base = start(app);
  const json = await fetch(`${base}/json`);
  expect([json.status, await json.json()]).toEqual([201, { ok: true }]);
  expect(returned).toHaveProperty("headersSent", true);
  const empty = await fetch(`${base}/empty`);
  expect([empty.status, empty.headers.get("content-type"), await empty.text()]).toEqual([204, null, ""]);
});
