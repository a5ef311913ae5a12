// The App's HTTP side: Express-style routes and middleware, params/query/body/cookies, responses, errors, 404.
import { afterEach, expect, test } from "bun:test";
import { bunwire, httpRouter, type App, type ErrorMiddleware } from "bunwire";

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
function start(app: App): string {
  apps.push(app);
  return `http://127.0.0.1:${app.listen(0, "127.0.0.1").port}`;
}

test("routes by method and path with decoded params and parsed query", async () => {
  const app = bunwire();
  app.get("/users/:id", (req, res) => res.json({ id: req.params.id, query: req.query }));
  app.post("/users/:id", (req, res) => res.status(201).json({ created: req.params.id }));
  const base = start(app);
  expect(await (await fetch(`${base}/users/caf%C3%A9?tag=a&tag=b&x=1`)).json()).toEqual({ id: "café", query: { tag: ["a", "b"], x: "1" } });
  const created = await fetch(`${base}/users/7`, { method: "POST" });
  expect(created.status).toBe(201);
  expect(await created.json()).toEqual({ created: "7" });
});

test("bodies: JSON, urlencoded and text; malformed JSON is a 400", async () => {
  const app = bunwire();
  app.post("/echo", (req, res) => res.json({ body: req.body }));
  const base = start(app);
  const post = (body: string, type: string) => fetch(`${base}/echo`, { method: "POST", body, headers: { "Content-Type": type } });
  expect(await (await post('{"a":1}', "application/json")).json()).toEqual({ body: { a: 1 } });
  expect(await (await post("a=1&b=two", "application/x-www-form-urlencoded")).json()).toEqual({ body: { a: "1", b: "two" } });
  expect(await (await post("plain", "text/plain")).json()).toEqual({ body: "plain" });
  const bad = await post("{oops", "application/json");
  expect(bad.status).toBe(400);
  expect(await bad.text()).toContain("not valid JSON");
});

test("middleware runs in order, app.use with a path prefix, async middleware awaited", async () => {
  const app = bunwire();
  const seen: string[] = [];
  app.use((req, _res, next) => {
    seen.push(`all ${req.path}`);
    next();
  });
  app.use("/api", async (_req, res, next) => {
    await Bun.sleep(5);
    res.set("X-Api", "yes");
    next();
  });
  app.get("/api/thing", (_req, res) => res.text("thing"));
  app.get("/other", (_req, res) => res.text("other"));
  const base = start(app);
  const api = await fetch(`${base}/api/thing`);
  expect([await api.text(), api.headers.get("x-api")]).toEqual(["thing", "yes"]);
  const other = await fetch(`${base}/other`);
  expect([await other.text(), other.headers.get("x-api")]).toEqual(["other", null]);
  expect(seen).toEqual(["all /api/thing", "all /other"]);
});

test("responses: status/json/text/html/send/set/cookie/redirect", async () => {
  const app = bunwire();
  app.get("/html", (_req, res) => res.html("<b>hi</b>"));
  app.get("/send", (_req, res) => res.send({ ok: true }));
  app.get("/teapot", (_req, res) => res.status(418).set("X-Brew", "tea").text("short and stout"));
  app.get("/cookie", (_req, res) => res.cookie("flavour", "dark chocolate", { httpOnly: true }).cookie("size", "big").text("set"));
  app.get("/go", (_req, res) => res.redirect("/html"));
  app.get("/read", (req, res) => res.json({ cookies: req.cookies, agent: req.get("user-agent"), ip: req.ip }));
  const base = start(app);
  const html = await fetch(`${base}/html`);
  expect(html.headers.get("content-type")).toContain("text/html");
  expect(await (await fetch(`${base}/send`)).json()).toEqual({ ok: true });
  const teapot = await fetch(`${base}/teapot`);
  expect([teapot.status, teapot.headers.get("x-brew"), await teapot.text()]).toEqual([418, "tea", "short and stout"]);
  const cookie = await fetch(`${base}/cookie`);
  expect(cookie.headers.getSetCookie()).toEqual(["flavour=dark%20chocolate; Path=/; HttpOnly; SameSite=Lax", "size=big; Path=/; SameSite=Lax"]);
  const go = await fetch(`${base}/go`, { redirect: "manual" });
  expect([go.status, go.headers.get("location")]).toEqual([302, "/html"]);
  const read = await (await fetch(`${base}/read`, { headers: { Cookie: "a=1; b=caf%C3%A9", "User-Agent": "tester" } })).json();
  expect(read).toEqual({ cookies: { a: "1", b: "café" }, agent: "tester", ip: "127.0.0.1" });
});

test("a throw, a rejection or next(err) gives 500 and reaches the error hook; the server keeps serving", async () => {
  const app = bunwire();
  const errors: string[] = [];
  app.onError((error) => errors.push((error as Error).message));
  app.get("/throw", () => {
    throw new Error("sync boom");
  });
  app.get("/reject", async () => {
    throw new Error("async boom");
  });
  app.get("/next", (_req, _res, next) => next(new Error("passed boom")));
  app.get("/ok", (_req, res) => res.text("ok"));
  const base = start(app);
  for (const path of ["/throw", "/reject", "/next"]) {
    const response = await fetch(base + path);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("Internal Server Error");
  }
  expect(errors).toEqual(["sync boom", "async boom", "passed boom"]);
  expect(await (await fetch(`${base}/ok`)).text()).toBe("ok");
});

test("error middleware (four parameters) can answer a failure", async () => {
  const app = bunwire();
  app.get("/fail", () => {
    throw new Error("nope");
  });
  // Four parameters, as in Express: the arity is what marks error middleware.
  const answerFailure: ErrorMiddleware = (error, _req, res, _next) => res.status(503).json({ error: (error as Error).message });
  app.use(answerFailure);
  const base = start(app);
  const response = await fetch(`${base}/fail`);
  expect([response.status, await response.json()]).toEqual([503, { error: "nope" }]);
});

test("unknown route: 404; malformed escape or NUL in a param: 400; plain HTTP on a WebSocket path: 426", async () => {
  const app = bunwire();
  app.get("/items/:id", (req, res) => res.text(req.params.id));
  app.ws("/live", { message() {} });
  const base = start(app);
  expect((await fetch(`${base}/missing`)).status).toBe(404);
  expect((await fetch(`${base}/items/%E0%A4%A`)).status).toBe(400);
  const nul = await fetch(`${base}/items/a%00b`);
  expect([nul.status, await nul.text()]).toEqual([400, 'a NUL byte (%00) in a route param of "/items/a%00b"']);
  const live = await fetch(`${base}/live`);
  expect([live.status, live.headers.get("upgrade")]).toEqual([426, "websocket"]);
});

test("listen returns Bun's Server synchronously, listen(0) picks a port, the callback gets the server", async () => {
  const app = bunwire();
  let called: unknown;
  const server = app.listen(0, (s) => (called = s));
  apps.push(app);
  expect(server.port).toBeGreaterThan(0);
  expect(app.server).toBe(server);
  expect(called).toBe(server);
});

test("printRoutes prints one line per route with the method padded to 8 columns", () => {
  const app = bunwire();
  app.get("/", (_req, res) => res.text("Hello"));
  app.post("/items", (_req, res) => res.text("ok"));
  app.ws("/chat", { message(ws, m) { ws.send(m); } });
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    expect(app.printRoutes()).toBe("GET     /\nPOST    /items\nWS      /chat");
  } finally {
    console.log = log;
  }
  expect(lines).toEqual(["GET     /\nPOST    /items\nWS      /chat"]);
});

test("cookies: quoted values unquoted, a malformed escape kept as sent, the first of a repeated name wins", async () => {
  const app = bunwire();
  app.get("/", (req, res) => res.json(req.cookies));
  const base = start(app);
  const cookies = await (await fetch(base, { headers: { Cookie: 'x="quoted"; bad=%E0%A4%A; x=second;  spaced = yes ; novalue' } })).json();
  expect(cookies).toEqual({ x: "quoted", bad: "%E0%A4%A", spaced: "yes" });
});

test("headers set by middleware ride on res.respond, a mounted Router's answer, the 404 and the 426 without losing their type", async () => {
  const { Router } = await import("bunwire/router");
  const app = bunwire();
  app.use((_req, res, next) => {
    res.set("x-mw", "1").cookie("a", "1");
    next();
  });
  const shared = new Response(null, { status: 204 });
  app.get("/respond", (_req, res) => res.respond(new Response("hello")));
  app.get("/typed", (_req, res) => res.respond(new Response("{}", { headers: { "content-type": "application/json", "set-cookie": "b=2" } })));
  app.get("/shared", (_req, res) => {
    if (_req.query.who !== undefined) res.cookie("who", String(_req.query.who));
    res.respond(shared);
  });
  const router = new Router();
  router.get("/router", () => new Response("hi"));
  app.use(router);
  app.ws("/ws", {});
  const base = start(app);
  for (const path of ["/respond", "/router", "/nope", "/ws"]) {
    const answer = await fetch(`${base}${path}`);
    expect({ path, type: answer.headers.get("content-type"), mw: answer.headers.get("x-mw") }).toEqual({ path, type: "text/plain;charset=utf-8", mw: "1" });
  }
  const respond = await fetch(`${base}/respond`);
  expect(respond.headers.get("content-length")).toBe("5");
  expect(await respond.text()).toBe("hello");
  const typed = await fetch(`${base}/typed`);
  expect(typed.headers.get("content-type")).toBe("application/json");
  expect(typed.headers.getSetCookie().map((line) => line.split(";")[0])).toEqual(["b=2", "a=1"]);
  // A body-less Response returned to two clients: the second does not get the first one's cookie.
  expect((await fetch(`${base}/shared?who=ada`)).headers.getSetCookie().some((line) => line.startsWith("who=ada"))).toBe(true);
  expect((await fetch(`${base}/shared`)).headers.getSetCookie().some((line) => line.startsWith("who="))).toBe(false);
});

test("a handler that returns a Response (Fetch style, sync or async) answers with it, headers middleware set included", async () => {
  const app = bunwire();
  app.use((_req, res, next) => {
    res.set("x-mw", "1");
    next();
  });
  app.get("/sync", () => new Response("sync", { status: 201 }));
  app.get("/async", async () => {
    await Bun.sleep(1);
    return Response.json({ ok: true });
  });
  app.ws("/live", () => new Response("no entry", { status: 403 }), {});
  const base = start(app);
  const sync = await fetch(`${base}/sync`);
  expect([sync.status, await sync.text(), sync.headers.get("x-mw")]).toEqual([201, "sync", "1"]);
  const later = await fetch(`${base}/async`);
  expect([later.status, await later.json(), later.headers.get("x-mw")]).toEqual([200, { ok: true }, "1"]);
  const refused = await fetch(`${base}/live`, { headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } });
  expect([refused.status, await refused.text()]).toEqual([403, "no entry"]);
});

test("printRoutes lists an httpRouter's routes below its prefix, nested routers and routes added after mounting included", () => {
  const app = bunwire();
  const books = httpRouter();
  const reviews = httpRouter();
  books.get("/", (_req, res) => res.json([]));
  books.use("/:id/reviews", reviews);
  app.use("/api/books", books);
  app.ws("/live", {});
  books.post("/", (_req, res) => res.status(201).end());
  reviews.get("/", (_req, res) => res.json([]));
  const log = console.log;
  console.log = () => {};
  try {
    expect(app.printRoutes().split("\n")).toEqual(["GET     /api/books", "GET     /api/books/:id/reviews", "POST    /api/books", "WS      /live"]);
  } finally {
    console.log = log;
  }
});
