// `ws.data.req` after the upgrade (issue 16): every documented field still answers in `open`, `message` and `close`,
// from what the request kept, while Bun's upgrade `Request` and its native `Headers` are let go, for awkward urls too
// and with `keepHeaders`; what middleware set before the upgrade (session, user, locals, baseUrl inside a mounted
// sub-App) reaches the handlers, and what it parsed is not kept as a copy. The request is 8 fields (the Fetch Request
// and the kept string share one, the path and its packed offset one, the body state lives in the memo, and
// `session`/`user`/`baseUrl` are own properties only once set): the HTTP body helpers are checked here too.
import { expect, test } from "bun:test";
import { heapStats } from "bun:jsc";
import { bunwire, BunwireError, connectionOf, httpRouter, MemoryStore, session, type BunWebSocket, type BunwireRequest } from "bunwire";
import { useApps } from "../support/apps.ts";
import type { TestSocket } from "../support/socket.ts";

const { start, open } = useApps();

const AGENT = "Mozilla/5.0 (X11; Linux x86_64) bunwire-test";
const LANGUAGE = "en-GB,en;q=0.9";
const COOKIE = "theme=dark; lang=fr%20FR";

/** What locates a request: method, path forms, mount and params. */
function urlFields(req: BunwireRequest<any>) {
  return {
    method: req.method,
    path: req.path,
    url: req.url,
    originalUrl: req.originalUrl,
    baseUrl: req.baseUrl,
    params: { ...req.params },
    query: req.query,
  };
}

function fields(req: BunwireRequest<any>) {
  return {
    ...urlFields(req),
    cookies: req.cookies,
    session: req.session?.user,
    userAgent: req.get("user-agent"),
    userAgentUpper: req.header("User-Agent"),
    language: req.headers["accept-language"],
    languageGet: req.headers.get("Accept-Language"),
    hasOrigin: req.headers.has("origin"),
    cookieHeader: req.get("cookie"),
    missing: req.get("x-missing") ?? null,
    ip: req.ip,
    ips: req.ips,
    hostname: req.hostname,
    protocol: req.protocol,
    secure: req.secure,
    xhr: req.xhr,
    rawUrl: req.raw.url,
    rawAgent: req.raw.headers.get("user-agent"),
    rawMethod: req.raw.method,
  };
}


test("ws.data.req answers every documented field in open and in message, after the upgrade", async () => {
  const store = new MemoryStore();
  const app = bunwire();
  app.use(session({ secret: "s", store, saveUninitialized: true }));
  app.use((req, _res, next) => {
    if (req.session !== undefined) req.session.user = "ada";
    next();
  });
  app.ws("/rooms/:room", {
    open(ws: BunWebSocket<any>) {
      ws.send(JSON.stringify({ at: "open", ...fields(ws.data.req) }));
    },
    message(ws: BunWebSocket<any>) {
      ws.send(JSON.stringify({ at: "message", ...fields(ws.data.req) }));
    },
  });
  const { port } = start(app);
  const headers = { "User-Agent": AGENT, "Accept-Language": LANGUAGE, Origin: `http://127.0.0.1:${port}`, Cookie: COOKIE };
  const socket = await open(`ws://127.0.0.1:${port}/rooms/caf%C3%A9?page=2&tag=a&tag=b`, headers);
  const expected = {
    method: "GET",
    path: "/rooms/caf%C3%A9",
    url: "/rooms/caf%C3%A9?page=2&tag=a&tag=b",
    originalUrl: "/rooms/caf%C3%A9?page=2&tag=a&tag=b",
    baseUrl: "",
    params: { room: "café" },
    query: { page: "2", tag: ["a", "b"] },
    cookies: { theme: "dark", lang: "fr FR" },
    session: "ada",
    userAgent: AGENT,
    userAgentUpper: AGENT,
    language: LANGUAGE,
    languageGet: LANGUAGE,
    hasOrigin: true,
    cookieHeader: COOKIE,
    missing: null,
    ip: "127.0.0.1",
    ips: [],
    hostname: "127.0.0.1",
    protocol: "http",
    secure: false,
    xhr: false,
    rawUrl: `http://127.0.0.1:${port}/rooms/caf%C3%A9?page=2&tag=a&tag=b`,
    rawAgent: AGENT,
    rawMethod: "GET",
  };
  expect(await socket.json()).toEqual({ at: "open", ...expected });
  socket.send("again");
  expect(await socket.json()).toEqual({ at: "message", ...expected });
});

test("an open socket's ws.data.req does not keep the upgrade Request alive", async () => {
  const app = bunwire();
  let upgrade: WeakRef<Request> | undefined;
  const kept: BunwireRequest<any>[] = [];
  app.ws(
    "/live",
    (req, _res, next) => {
      upgrade = new WeakRef(req.raw);
      next();
    },
    {
      open(ws: BunWebSocket<any>) {
        kept.push(ws.data.req);
        ws.send("open");
      },
      message(ws: BunWebSocket<any>) {
        ws.send(ws.data.req.get("x-agent") ?? "none");
      },
    },
  );
  const { port } = start(app);
  const socket = await open(`ws://127.0.0.1:${port}/live`, { "X-Agent": "kept" });
  expect(String(await socket.next())).toBe("open");
  // the socket is open and its req is held here: only the Request Bun built may be collected
  for (let i = 0; i < 5 && upgrade!.deref() !== undefined; i++) {
    Bun.gc(true);
    await Bun.sleep(0);
  }
  expect(upgrade!.deref()).toBeUndefined();
  expect(kept).toHaveLength(1);
  socket.send("who");
  expect(String(await socket.next())).toBe("kept");
});

test("open App sockets hold no Request or Headers objects", async () => {
  const app = bunwire();
  app.ws("/idle", { open: (ws: BunWebSocket<any>) => ws.send(ws.data.req.get("user-agent") ?? "") });
  const { port } = start(app);
  Bun.gc(true);
  const before = heapStats().objectTypeCounts;
  for (let i = 0; i < 20; i++) {
    const socket = await open(`ws://127.0.0.1:${port}/idle`, { "User-Agent": `agent-${i}` });
    expect(String(await socket.next())).toBe(`agent-${i}`);
  }
  Bun.gc(true);
  const after = heapStats().objectTypeCounts;
  // the test's 20 client WebSockets are in this process too; 20 server-side Requests would show as + 20
  expect((after.Request ?? 0) - (before.Request ?? 0)).toBeLessThan(10);
  expect((after.Headers ?? 0) - (before.Headers ?? 0)).toBeLessThan(10);
});

test("clients with the same user agent but other headers each read their own headers on ws.data.req", async () => {
  const app = bunwire();
  app.ws("/h", {
    message: (ws: BunWebSocket<any>) => {
      const req = ws.data.req;
      ws.send(JSON.stringify({ language: req.get("accept-language") ?? null, extra: req.get("x-extra") ?? null, cookie: req.get("cookie") ?? null, names: Object.keys(req.headers).filter((n) => n.startsWith("x-") || n === "accept-language").sort() }));
    },
  });
  const { port } = start(app);
  const variants: Record<string, string>[] = [
    { "User-Agent": AGENT, "Accept-Language": "fr", Cookie: "a=1" },
    { "User-Agent": AGENT, "Accept-Language": "de", Cookie: "a=2" },
    { "User-Agent": AGENT, "Accept-Language": "de", "X-Extra": "yes", Cookie: "a=3" },
    { "User-Agent": AGENT, "Accept-Language": "fr", Cookie: "a=4" },
    { "User-Agent": AGENT },
  ];
  const seen = [];
  for (const headers of variants) {
    const socket = await open(`ws://127.0.0.1:${port}/h`, headers);
    socket.send("?");
    seen.push(await socket.json());
  }
  expect(seen).toEqual([
    { language: "fr", extra: null, cookie: "a=1", names: ["accept-language"] },
    { language: "de", extra: null, cookie: "a=2", names: ["accept-language"] },
    { language: "de", extra: "yes", cookie: "a=3", names: ["accept-language", "x-extra"] },
    { language: "fr", extra: null, cookie: "a=4", names: ["accept-language"] },
    { language: null, extra: null, cookie: null, names: [] },
  ]);
});

test("with trustProxy, ws.data.req.ip is the X-Forwarded-For client; without it, the socket's peer", async () => {
  const results: Record<string, string> = {};
  for (const trustProxy of [true, false]) {
    const app = bunwire({ trustProxy });
    app.ws("/ip", { message: (ws: BunWebSocket<any>) => void ws.send(ws.data.req.ip) });
    const { port } = start(app);
    const socket = await open(`ws://127.0.0.1:${port}/ip`, { "X-Forwarded-For": "203.0.113.7, 10.0.0.1" });
    socket.send("?");
    results[String(trustProxy)] = String(await socket.next());
  }
  expect(results).toEqual({ true: "203.0.113.7", false: "127.0.0.1" });
});

/** A read's value ("(absent)" for undefined, which JSON would drop), or the BunwireError code it threw. */
function attempt(read: () => unknown): unknown {
  try {
    const value = read();
    return value === undefined ? "(absent)" : value;
  } catch (error) {
    return error instanceof BunwireError ? `throws ${error.code}` : `throws ${String(error)}`;
  }
}


/** What a user reads of a request, as JSON (only the headers both fetch and WebSocket clients send alike). */
function snapshot(req: BunwireRequest<any>) {
  return {
    ...urlFields(req),
    agent: attempt(() => req.get("user-agent")),
    agentHeader: attempt(() => req.header("User-Agent")),
    custom: attempt(() => req.get("x-custom")),
    customInObject: attempt(() => req.headers["x-custom"]),
    customViaGet: attempt(() => req.headers.get("X-Custom")),
    cookies: attempt(() => req.cookies),
    theme: attempt(() => req.cookies.theme),
    cookieHeader: attempt(() => req.get("cookie")),
    hostname: attempt(() => req.hostname),
    protocol: req.protocol,
    ip: req.ip,
    rawUrl: req.raw.url,
    rawMethod: req.raw.method,
    rawAgent: req.raw.headers.get("user-agent"),
    body: req.body ?? null,
  };
}

test("ws.data.req answers path, urls, query, params, headers, cookies, address and a rebuilt raw in open, message and close", async () => {
  const app = bunwire();
  const closed = Promise.withResolvers<unknown>();
  app.ws("/items/:id", {
    async open(ws: BunWebSocket<any>) {
      const req = ws.data.req as BunwireRequest<{ id: string }>;
      const first = req.raw;
      const read = await req.readBody();
      ws.send(JSON.stringify({
        at: "open",
        ...snapshot(req),
        sameRaw: req.raw === first,
        readBody: read ?? "undefined",
        bodyAfterRead: req.body ?? "undefined",
        bodyLimit: req.bodyLimit,
        headersObject: { ...req.headers },
      }));
    },
    message(ws: BunWebSocket<any>) {
      ws.send(JSON.stringify({ at: "message", ...snapshot(ws.data.req) }));
    },
    close(ws: BunWebSocket<any>) {
      closed.resolve({ at: "close", ...snapshot(ws.data.req) });
    },
  });
  const { ws, port } = start(app);
  const socket = await open(`${ws}/items/caf%C3%A9?q=1&tag=a&tag=b`, { "User-Agent": AGENT, "X-Custom": "yes", Cookie: COOKIE });
  const expected = {
    method: "GET",
    path: "/items/caf%C3%A9",
    url: "/items/caf%C3%A9?q=1&tag=a&tag=b",
    originalUrl: "/items/caf%C3%A9?q=1&tag=a&tag=b",
    baseUrl: "",
    params: { id: "café" },
    query: { q: "1", tag: ["a", "b"] },
    agent: AGENT,
    agentHeader: AGENT,
    custom: "yes",
    customInObject: "yes",
    customViaGet: "yes",
    cookies: { theme: "dark", lang: "fr FR" },
    theme: "dark",
    cookieHeader: COOKIE,
    hostname: "127.0.0.1",
    protocol: "http",
    ip: "127.0.0.1",
    rawUrl: `http://127.0.0.1:${port}/items/caf%C3%A9?q=1&tag=a&tag=b`,
    rawMethod: "GET",
    rawAgent: AGENT,
    body: null,
  };
  const opened = await socket.json();
  expect(opened).toMatchObject({ at: "open", ...expected, sameRaw: true, readBody: "undefined", bodyAfterRead: "undefined", bodyLimit: 1024 * 1024 });
  // req.headers lists the client's headers (the handshake's nonce is spent and not kept)
  expect(opened.headersObject).toMatchObject({ "user-agent": AGENT, "x-custom": "yes", cookie: COOKIE, host: `127.0.0.1:${port}`, upgrade: "websocket" });
  expect(opened.headersObject["sec-websocket-key"]).toBeUndefined();
  socket.send("again");
  expect(await socket.json()).toEqual({ at: "message", ...expected });
  await socket.close();
  expect(await closed.promise).toEqual({ at: "close", ...expected });
});

test("with keepHeaders the kept header answers after the upgrade and any other throws HEADER_NOT_KEPT; urls and query do not depend on it", async () => {
  const app = bunwire();
  app.ws("/kept/:id", {
    keepHeaders: ["user-agent"],
    open(ws: BunWebSocket<any>) {
      const req = ws.data.req as BunwireRequest<any>;
      ws.send(JSON.stringify({
        ...snapshot(req),
        headersObject: { ...req.headers },
        rawHeaders: [...req.raw.headers.keys()],
        cookieRead: attempt(() => req.cookie("theme")),
      }));
    },
  });
  const { ws, port } = start(app);
  const socket = await open(`${ws}/kept/7?x=1`, { "User-Agent": AGENT, "X-Custom": "yes", Cookie: COOKIE });
  expect(await socket.json()).toEqual({
    method: "GET",
    path: "/kept/7",
    url: "/kept/7?x=1",
    originalUrl: "/kept/7?x=1",
    baseUrl: "",
    params: { id: "7" },
    query: { x: "1" },
    agent: AGENT,
    agentHeader: AGENT,
    custom: "throws HEADER_NOT_KEPT",
    customInObject: "(absent)", // req.headers lists the kept headers only
    customViaGet: null,
    cookies: "throws HEADER_NOT_KEPT",
    theme: "throws HEADER_NOT_KEPT",
    cookieHeader: "throws HEADER_NOT_KEPT",
    hostname: "throws HEADER_NOT_KEPT",
    protocol: "http",
    ip: "127.0.0.1",
    rawUrl: `http://127.0.0.1:${port}/kept/7?x=1`,
    rawMethod: "GET",
    rawAgent: AGENT,
    body: null,
    headersObject: { "user-agent": AGENT },
    rawHeaders: ["user-agent"],
    cookieRead: "throws HEADER_NOT_KEPT",
  });
});

test("awkward urls (percent escapes, a path twice, %0A in the query, a lone ?, a few KB) read the same on ws.data.req as over HTTP", async () => {
  const app = bunwire();
  const describe = (req: BunwireRequest<any>) => ({ ...snapshot(req), rawUrl: req.raw.url.replace(/^http:\/\/[^/]+/, "") });
  for (const path of ["/", "/a/:b", "/files/:name", "/q", "/long/:segment"]) {
    app.get(path, (req, res) => res.json(describe(req)));
    app.ws(path, { open: (ws: BunWebSocket<any>) => void ws.send(JSON.stringify(describe(ws.data.req))) });
  }
  const { http, ws } = start(app);
  const long = "x".repeat(3000);
  const targets = [
    "/",
    "/?x=/",
    "/a/a",
    "/a/a/",
    "/a/a?a=/a/a",
    "/files/caf%C3%A9%20au%20lait%2Fx",
    "/files/%2561?%25=%26",
    "/q?evil=%0Acookie:%20stolen&crlf=a%0D%0Ab",
    "/q?",
    "/q?&&",
    `/long/${long}?${"k=" + "v".repeat(3000)}&tail=1`,
  ];
  const headers = { "User-Agent": AGENT, "X-Custom": "yes", Cookie: COOKIE };
  for (const target of targets) {
    const overHttp = await (await fetch(`${http}${target}`, { headers })).json();
    const socket = await open(`${ws}${target}`, headers);
    const onSocket = await socket.json();
    expect({ target, ...onSocket }).toEqual({ target, ...overHttp });
  }
  // and what they are, read on the socket
  const check = async (target: string) => open(`${ws}${target}`, headers).then((socket) => socket.json());
  expect(await check("/a/a?a=/a/a")).toMatchObject({ path: "/a/a", originalUrl: "/a/a?a=/a/a", params: { b: "a" }, query: { a: "/a/a" } });
  expect(await check("/files/caf%C3%A9%20au%20lait%2Fx")).toMatchObject({ path: "/files/caf%C3%A9%20au%20lait%2Fx", params: { name: "café au lait/x" } });
  const crlf = await check("/q?evil=%0Acookie:%20stolen&crlf=a%0D%0Ab");
  expect(crlf).toMatchObject({ path: "/q", query: { evil: "\ncookie: stolen", crlf: "a\r\nb" }, cookieHeader: COOKIE, cookies: { theme: "dark", lang: "fr FR" }, custom: "yes" });
  expect(await check("/q?")).toMatchObject({ path: "/q", query: {} });
  expect(await check("/a/a/")).toMatchObject({ path: "/a/a/", params: { b: "a" } });
  expect(await check("/?x=/")).toMatchObject({ path: "/", url: "/?x=/", query: { x: "/" } });
  const longRead = await check(`/long/${long}?k=${"v".repeat(3000)}&tail=1`);
  expect(longRead).toMatchObject({ path: `/long/${long}`, params: { segment: long }, query: { k: "v".repeat(3000), tail: "1" }, agent: AGENT, custom: "yes" });
});

test("a WebSocket route of a sub-App mounted on /api: baseUrl is /api in its middleware, \"\" with the full path in the handlers", async () => {
  const app = bunwire();
  const api = bunwire();
  const before: unknown[] = [];
  api.use((req, _res, next) => {
    before.push({ where: "api use", baseUrl: req.baseUrl, path: req.path, url: req.url, originalUrl: req.originalUrl });
    next();
  });
  api.ws("/feed/:id", {
    upgrade(req) {
      before.push({ where: "upgrade", baseUrl: req.baseUrl, path: req.path });
      return undefined;
    },
    open(ws: BunWebSocket<any>) {
      const req = ws.data.req as BunwireRequest<any>;
      ws.send(JSON.stringify({ baseUrl: req.baseUrl, path: req.path, url: req.url, originalUrl: req.originalUrl, params: { ...req.params }, routePath: ws.data.routePath }));
    },
    message(ws: BunWebSocket<any>) {
      ws.send(JSON.stringify({ baseUrl: ws.data.req.baseUrl, path: ws.data.req.path }));
    },
  });
  // the path of the mount appearing again below it
  api.ws("/api", { open: (ws: BunWebSocket<any>) => void ws.send(JSON.stringify({ baseUrl: ws.data.req.baseUrl, path: ws.data.req.path, url: ws.data.req.url })) });
  app.use("/api", api);
  const { ws } = start(app);

  const socket = await open(`${ws}/api/feed/7?x=1`);
  expect(await socket.json()).toEqual({ baseUrl: "", path: "/api/feed/7", url: "/api/feed/7?x=1", originalUrl: "/api/feed/7?x=1", params: { id: "7" }, routePath: "/feed/:id" });
  socket.send("again");
  expect(await socket.json()).toEqual({ baseUrl: "", path: "/api/feed/7" });
  expect(before).toEqual([
    { where: "api use", baseUrl: "/api", path: "/feed/7", url: "/feed/7?x=1", originalUrl: "/api/feed/7?x=1" },
    { where: "upgrade", baseUrl: "", path: "/api/feed/7" },
  ]);

  const twice = await open(`${ws}/api/api?y=2`);
  expect(await twice.json()).toEqual({ baseUrl: "", path: "/api/api", url: "/api/api?y=2" });
  expect(before.at(-1)).toEqual({ where: "api use", baseUrl: "/api", path: "/api", url: "/api?y=2", originalUrl: "/api/api?y=2" });
});

test("an httpRouter's middleware on /api sees baseUrl /api before the upgrade; the socket's req is relative to the root again", async () => {
  const app = bunwire();
  const guard = httpRouter();
  const seen: unknown[] = [];
  guard.use((req, _res, next) => {
    seen.push({ baseUrl: req.baseUrl, path: req.path, url: req.url });
    next();
  });
  app.use("/api", guard);
  app.use((req, _res, next) => {
    seen.push({ after: req.baseUrl });
    next();
  });
  app.ws("/api/live", { open: (ws: BunWebSocket<any>) => void ws.send(JSON.stringify({ baseUrl: ws.data.req.baseUrl, path: ws.data.req.path, url: ws.data.req.url })) });
  const { ws } = start(app);
  const socket = await open(`${ws}/api/live?z=3`);
  expect(await socket.json()).toEqual({ baseUrl: "", path: "/api/live", url: "/api/live?z=3" });
  expect(seen).toEqual([{ baseUrl: "/api", path: "/live", url: "/live?z=3" }, { after: "" }]);
});

test("session, user and res.locals set by middleware before the upgrade reach ws.data.req and ws.data; a bare route has none", async () => {
  const app = bunwire();
  const store = new MemoryStore();
  app.use(session({ secret: "shape-secret", store }));
  app.post("/login", (req, res) => {
    req.session.name = String(req.body.name);
    res.json({ ok: true });
  });
  app.ws(
    "/room/:room",
    (req, res, next) => {
      if (req.session.name === undefined) return res.status(401).text("log in");
      req.user = { id: String(req.session.name), role: "admin" };
      res.locals.room = req.params.room;
      res.locals.joinedAt = 42;
      next();
    },
    {
      open(ws: BunWebSocket<any>) {
        const req = ws.data.req as BunwireRequest<any>;
        ws.send(JSON.stringify({
          sessionName: req.session.name,
          sessionId: typeof req.session.id,
          user: req.user,
          connectionUser: connectionOf(ws)?.user?.id,
          room: ws.data.room,
          joinedAt: ws.data.joinedAt,
          params: ws.data.params,
          baseUrl: req.baseUrl,
        }));
      },
      async message(ws: BunWebSocket<any>, message) {
        // the session is still live: a handler may write to it and save
        const req = ws.data.req as BunwireRequest<any>;
        req.session.last = String(message);
        await req.session.save();
        ws.send(JSON.stringify({ last: req.session.last, stored: (await store.get(req.session.id))?.last }));
      },
    },
  );
  app.ws("/bare", {
    open(ws: BunWebSocket<any>) {
      const req = ws.data.req as BunwireRequest<any>;
      ws.send(JSON.stringify({ user: req.user ?? "none", baseUrl: req.baseUrl, keys: Object.keys(ws.data).sort(), json: JSON.stringify(req), spread: Object.keys({ ...req }).sort() }));
    },
  });
  const { http, ws } = start(app);
  const login = await fetch(`${http}/login`, { method: "POST", body: JSON.stringify({ name: "ada" }), headers: { "Content-Type": "application/json" } });
  const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;

  const socket = await open(`${ws}/room/lobby`, { Cookie: cookie });
  expect(await socket.json()).toEqual({ sessionName: "ada", sessionId: "string", user: { id: "ada", role: "admin" }, connectionUser: "ada", room: "lobby", joinedAt: 42, params: { room: "lobby" }, baseUrl: "" });
  socket.send("hello");
  expect(await socket.json()).toEqual({ last: "hello", stored: "hello" });

  // a route without its own middleware: session() ran (app.use), but no user and no locals were set
  const bare = await open(`${ws}/bare`);
  const read = await bare.json();
  expect(read.user).toBe("none");
  expect(read.baseUrl).toBe("");
  expect(read.keys).toEqual(["handlers", "params", "req", "routePath"]);
  // a request serialises and spreads without throwing, exposing only plain data
  expect(JSON.parse(read.json)).toMatchObject({ method: "GET", params: {} });
  expect(read.spread).toContain("method");
});

test("HTTP bodies: JSON and urlencoded into req.body, readBody twice, json()/text() on demand, middleware's req.body wins", async () => {
  const app = bunwire({ bodyLimit: 1000 });
  app.post("/json", async (req, res) => {
    const first = await req.readBody();
    const again = await req.readBody();
    res.json({ body: req.body, same: first === again && again === req.body, bodyLimit: req.bodyLimit });
  });
  app.post("/form", (req, res) => res.json({ body: req.body }));
  app.post("/raw", async (req, res) => {
    const text = await req.text();
    const json = await req.json();
    res.json({ text, json, body: req.body });
  });
  app.post("/concurrent", async (req, res) => {
    const [a, b] = await Promise.all([req.readBody(), req.readBody()]);
    res.json({ a, same: a === b });
  });
  // use middleware may set the body itself; the route keeps it instead of parsing the bytes
  app.use("/preset", (req, _res, next) => {
    req.body = { from: "middleware" };
    next();
  });
  app.post("/preset", async (req, res) => res.json({ body: req.body, read: await req.readBody(), text: await req.text() }));
  // a body set while readBody() is still reading the bytes also wins (in `use` middleware nothing was read yet)
  app.use("/late", async (req, res) => {
    const pending = req.readBody();
    req.body = "set meanwhile";
    res.json({ read: await pending, body: req.body, text: await req.text() });
  });
  const { http } = start(app);
  const post = (path: string, body: string, type = "application/json") => fetch(`${http}${path}`, { method: "POST", body, headers: { "Content-Type": type } });

  expect(await (await post("/json", '{"a":1,"b":[2,3]}')).json()).toEqual({ body: { a: 1, b: [2, 3] }, same: true, bodyLimit: 1000 });
  expect(await (await post("/form", "a=1&b=two&b=three&c=%0A", "application/x-www-form-urlencoded")).json()).toEqual({ body: { a: "1", b: ["two", "three"], c: "\n" } });
  expect(await (await post("/raw", '{"n":5}', "text/plain")).json()).toEqual({ text: '{"n":5}', json: { n: 5 }, body: '{"n":5}' });
  expect(await (await post("/concurrent", '{"c":true}')).json()).toEqual({ a: { c: true }, same: true });
  expect(await (await post("/preset", '{"from":"client"}')).json()).toEqual({ body: { from: "middleware" }, read: { from: "middleware" }, text: '{"from":"client"}' });
  expect(await (await post("/late", '{"from":"client"}')).json()).toEqual({ read: "set meanwhile", body: "set meanwhile", text: '{"from":"client"}' });
  const tooBig = await post("/json", JSON.stringify({ big: "x".repeat(1200) }));
  expect(tooBig.status).toBe(413);
});

test("a route's own bodyLimit: req.bodyLimit reports it, bodies past it are 413, and a body set by middleware keeps the limit", async () => {
  const app = bunwire({ bodyLimit: 1000 });
  app.use("/small", (req, _res, next) => {
    if (req.get("x-preset") === "1") req.body = { preset: true };
    next();
  });
  app.post("/small", { bodyLimit: 20 }, async (req, res) => res.json({ body: req.body, bodyLimit: req.bodyLimit, read: await req.readBody() }));
  app.post("/big", { bodyLimit: 5000 }, (req, res) => res.json({ size: String(req.body.big).length, bodyLimit: req.bodyLimit }));
  app.get("/limit", (req, res) => res.json({ bodyLimit: req.bodyLimit, body: req.body ?? null }));
  const { http } = start(app);
  const post = (path: string, body: string, headers: Record<string, string> = {}) => fetch(`${http}${path}`, { method: "POST", body, headers: { "Content-Type": "application/json", ...headers } });

  expect(await (await post("/small", '{"a":1}')).json()).toEqual({ body: { a: 1 }, bodyLimit: 20, read: { a: 1 } });
  expect((await post("/small", JSON.stringify({ a: "x".repeat(30) }))).status).toBe(413);
  expect(await (await post("/small", '{"a":1}', { "X-Preset": "1" })).json()).toEqual({ body: { preset: true }, bodyLimit: 20, read: { preset: true } });
  expect(await (await post("/big", JSON.stringify({ big: "x".repeat(3000) }))).json()).toEqual({ size: 3000, bodyLimit: 5000 });
  expect(await (await fetch(`${http}/limit`)).json()).toEqual({ bodyLimit: 1000, body: null });
});

test("HTTP baseUrl: set inside a mounted router, \"\" again after it; session and user absent until set; requests serialise", async () => {
  const app = bunwire();
  const seen: unknown[] = [];
  const api = httpRouter();
  api.use((req, _res, next) => {
    seen.push({ in: "router use", baseUrl: req.baseUrl, path: req.path });
    next();
  });
  api.get("/users/:id", (req, res) => res.json({ baseUrl: req.baseUrl, path: req.path, url: req.url, originalUrl: req.originalUrl, params: req.params }));
  app.use("/api", api);
  app.use((req, _res, next) => {
    seen.push({ in: "app use", baseUrl: req.baseUrl, path: req.path });
    next();
  });
  app.get("/api/other", (req, res) => {
    req.user = "ada";
    res.json({ baseUrl: req.baseUrl, path: req.path, user: req.user, json: JSON.parse(JSON.stringify(req)), spread: Object.keys({ ...req }).sort() });
  });
  app.get("/plain", (req, res) => res.json({ baseUrl: req.baseUrl, session: req.session ?? null, user: req.user ?? null, json: JSON.parse(JSON.stringify(req)) }));
  const { http } = start(app);

  expect(await (await fetch(`${http}/api/users/7?full=1`)).json()).toEqual({ baseUrl: "/api", path: "/users/7", url: "/users/7?full=1", originalUrl: "/api/users/7?full=1", params: { id: "7" } });
  expect(seen.splice(0)).toEqual([{ in: "router use", baseUrl: "/api", path: "/users/7" }]);

  const other = await (await fetch(`${http}/api/other`)).json();
  expect(other).toMatchObject({ baseUrl: "", path: "/api/other", user: "ada" });
  expect(other.json).toMatchObject({ method: "GET", user: "ada" });
  expect(other.spread).toContain("user");
  // the router ran first (baseUrl /api), then the App's middleware saw "" again
  expect(seen.splice(0)).toEqual([{ in: "router use", baseUrl: "/api", path: "/other" }, { in: "app use", baseUrl: "", path: "/api/other" }]);

  // a request no router or middleware touched reads baseUrl "" and no session or user, and still serialises
  expect(await (await fetch(`${http}/plain`)).json()).toEqual({ baseUrl: "", session: null, user: null, json: { method: "GET", params: {} } });
});

test("what middleware read before the upgrade (query, cookies, headers, raw, an empty body) reads the same in the handlers", async () => {
  const app = bunwire();
  const before: unknown[] = [];
  app.ws(
    "/pre/:id",
    async (req, _res, next) => {
      // generic middleware: reads everything, even the (empty) body of the GET
      before.push({ ...snapshot(req), readBody: (await req.readBody()) ?? "(absent)", rawUrl: req.raw.url });
      next();
    },
    {
      async open(ws: BunWebSocket<any>) {
        const req = ws.data.req as BunwireRequest<any>;
        ws.send(JSON.stringify({ ...snapshot(req), readBody: (await req.readBody()) ?? "(absent)", rawUrl: req.raw.url }));
      },
    },
  );
  const { ws } = start(app);
  const socket = await open(`${ws}/pre/9?a=1&a=2`, { "User-Agent": AGENT, "X-Custom": "yes", Cookie: COOKIE });
  const after = await socket.json();
  expect(after).toEqual(JSON.parse(JSON.stringify(before[0])));
  expect(after).toMatchObject({ path: "/pre/9", query: { a: ["1", "2"] }, params: { id: "9" }, theme: "dark", custom: "yes", readBody: "(absent)" });
});

test("many sockets on one route, sharing a header block, each read their own url, params, query and cookie", async () => {
  const app = bunwire();
  app.ws("/many/:n", {
    message(ws: BunWebSocket<any>) {
      const req = ws.data.req as BunwireRequest<any>;
      ws.send(JSON.stringify({ path: req.path, originalUrl: req.originalUrl, n: req.params.n, q: req.query.q, who: req.cookies.who, agent: req.get("user-agent") }));
    },
  });
  const { ws } = start(app);
  const opened: TestSocket[] = [];
  for (let n = 0; n < 20; n++) opened.push(await open(`${ws}/many/${n}?q=${"z".repeat(n)}`, { "User-Agent": AGENT, Cookie: `who=client-${n}` }));
  // ask in reverse order, after all are open
  for (let n = 19; n >= 0; n--) {
    opened[n]!.send("?");
    expect(await opened[n]!.json()).toEqual({ path: `/many/${n}`, originalUrl: `/many/${n}?q=${"z".repeat(n)}`, n: String(n), q: "z".repeat(n), who: `client-${n}`, agent: AGENT });
  }
});

test("what middleware parsed before the upgrade is not kept as a copy: a keepHeaders route's handlers still see only the kept headers", async () => {
  const app = bunwire();
  const seenByMiddleware: unknown[] = [];
  const readAll = (req: BunwireRequest<any>, _res: unknown, next: () => void) => {
    // Express-style middleware: the whole headers object, the cookies, the query
    seenByMiddleware.push({ custom: req.headers["x-custom"], theme: req.cookies.theme, query: req.query });
    next();
  };
  app.ws("/slim", readAll, {
    keepHeaders: ["user-agent"],
    open(ws: BunWebSocket<any>) {
      const req = ws.data.req as BunwireRequest<any>;
      ws.send(JSON.stringify({ headers: { ...req.headers }, cookies: attempt(() => req.cookies), query: req.query }));
    },
  });
  app.ws("/full", readAll, {
    open(ws: BunWebSocket<any>) {
      const req = ws.data.req as BunwireRequest<any>;
      ws.send(JSON.stringify({ custom: req.headers["x-custom"], theme: req.cookies.theme, query: req.query }));
    },
  });
  const { ws } = start(app);
  const headers = { "User-Agent": AGENT, "X-Custom": "yes", Cookie: COOKIE };
  const slim = await open(`${ws}/slim?x=1`, headers);
  expect(await slim.json()).toEqual({ headers: { "user-agent": AGENT }, cookies: "throws HEADER_NOT_KEPT", query: { x: "1" } });
  const full = await open(`${ws}/full?y=2`, headers);
  expect(await full.json()).toEqual({ custom: "yes", theme: "dark", query: { y: "2" } });
  expect(seenByMiddleware).toEqual([
    { custom: "yes", theme: "dark", query: { x: "1" } },
    { custom: "yes", theme: "dark", query: { y: "2" } },
  ]);
});

test("a sub-App's WebSocket route's own middleware sees baseUrl as its mount, nested mounts and :param prefixes included", async () => {
  const app = bunwire();
  const tenant = bunwire();
  const api = bunwire();
  const seen: unknown[] = [];
  const record = (where: string) => (req: BunwireRequest<any>, _res: unknown, next: () => void) => {
    seen.push({ where, baseUrl: req.baseUrl, path: req.path, originalUrl: req.originalUrl });
    next();
  };
  api.ws("/feed/:id", record("route middleware"), { open: (ws: BunWebSocket<any>) => void ws.send(JSON.stringify({ baseUrl: ws.data.req.baseUrl, path: ws.data.req.path })) });
  tenant.use("/api", api);
  app.use("/t/:tenant", tenant);
  app.use("/api", api);
  const { ws } = start(app);

  const nested = await open(`${ws}/t/acme/api/feed/7?x=1`);
  expect(await nested.json()).toEqual({ baseUrl: "", path: "/t/acme/api/feed/7" });
  const direct = await open(`${ws}/api/feed/8`);
  expect(await direct.json()).toEqual({ baseUrl: "", path: "/api/feed/8" });
  expect(seen).toEqual([
    { where: "route middleware", baseUrl: "/t/acme/api", path: "/feed/7", originalUrl: "/t/acme/api/feed/7?x=1" },
    { where: "route middleware", baseUrl: "/api", path: "/feed/8", originalUrl: "/api/feed/8" },
  ]);
});
