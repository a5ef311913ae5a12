// `ws.data.req` after the upgrade (issue 16): every documented field still answers in `open` and `message`, from
// what the request kept, while Bun's upgrade `Request` and its native `Headers` are let go.
import { afterEach, expect, test } from "bun:test";
import { heapStats } from "bun:jsc";
import { bunwire, MemoryStore, session, type App, type BunWebSocket, type BunwireRequest } from "bunwire";
import { TestSocket } from "../support/socket.ts";

const apps: App[] = [];
const sockets: TestSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) await socket.close();
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function fields(req: BunwireRequest<any>) {
  return {
    method: req.method,
    path: req.path,
    url: req.url,
    originalUrl: req.originalUrl,
    baseUrl: req.baseUrl,
    params: { ...req.params },
    query: req.query,
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

const AGENT = "Mozilla/5.0 (X11; Linux x86_64) bunwire-test";
const LANGUAGE = "en-GB,en;q=0.9";

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
  apps.push(app);
  const port = app.listen(0, "127.0.0.1").port;
  const headers = { "User-Agent": AGENT, "Accept-Language": LANGUAGE, Origin: `http://127.0.0.1:${port}`, Cookie: "theme=dark; lang=fr%20FR" };
  const socket = await TestSocket.open(`ws://127.0.0.1:${port}/rooms/caf%C3%A9?page=2&tag=a&tag=b`, { headers });
  sockets.push(socket);
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
    cookieHeader: "theme=dark; lang=fr%20FR",
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
  apps.push(app);
  const port = app.listen(0, "127.0.0.1").port;
  const socket = await TestSocket.open(`ws://127.0.0.1:${port}/live`, { headers: { "X-Agent": "kept" } });
  sockets.push(socket);
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
  apps.push(app);
  const port = app.listen(0, "127.0.0.1").port;
  Bun.gc(true);
  const before = heapStats().objectTypeCounts;
  const opened: TestSocket[] = [];
  for (let i = 0; i < 20; i++) {
    const socket = await TestSocket.open(`ws://127.0.0.1:${port}/idle`, { headers: { "User-Agent": `agent-${i}` } });
    expect(String(await socket.next())).toBe(`agent-${i}`);
    opened.push(socket);
  }
  sockets.push(...opened);
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
  apps.push(app);
  const port = app.listen(0, "127.0.0.1").port;
  const variants: Record<string, string>[] = [
    { "User-Agent": AGENT, "Accept-Language": "fr", Cookie: "a=1" },
    { "User-Agent": AGENT, "Accept-Language": "de", Cookie: "a=2" },
    { "User-Agent": AGENT, "Accept-Language": "de", "X-Extra": "yes", Cookie: "a=3" },
    { "User-Agent": AGENT, "Accept-Language": "fr", Cookie: "a=4" },
    { "User-Agent": AGENT },
  ];
  const seen = [];
  for (const headers of variants) {
    const socket = await TestSocket.open(`ws://127.0.0.1:${port}/h`, { headers });
    sockets.push(socket);
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
    apps.push(app);
    const port = app.listen(0, "127.0.0.1").port;
    const socket = await TestSocket.open(`ws://127.0.0.1:${port}/ip`, { headers: { "X-Forwarded-For": "203.0.113.7, 10.0.0.1" } });
    sockets.push(socket);
    socket.send("?");
    results[String(trustProxy)] = String(await socket.next());
  }
  expect(results).toEqual({ true: "203.0.113.7", false: "127.0.0.1" });
});
