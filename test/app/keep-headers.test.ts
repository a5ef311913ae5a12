// `app.ws(path, { keepHeaders })` (issue 16): a route keeps only the upgrade headers its handlers read after the
// upgrade, so an idle socket does not hold its browser's cookie line. Middleware still sees every header; reading
// one that was not kept throws HEADER_NOT_KEPT, naming the header and the route.
import { expect, test } from "bun:test";
import { heapStats } from "bun:jsc";
import { z } from "zod";
import { bunwire, BunwireError, defineProtocol, MemoryStore, session, type App, type BunWebSocket, type BunwireRequest } from "bunwire";
import { connect } from "bunwire/client";
import { SharedHeaderBlocks } from "../../src/app/header-block.ts";
import { readKeepHeaders } from "../../src/app/kept-headers.ts";
import { BunwireRequest as AppRequest, type RequestSettings } from "../../src/app/request.ts";
import { NO_PARAMS } from "../../src/engine/path-pattern.ts";
import { useApps } from "../support/apps.ts";
import type { TestSocket } from "../support/socket.ts";

const apps = useApps();

const AGENT = "Mozilla/5.0 (X11; Linux x86_64) bunwire-test";
const COOKIE = "theme=dark; sid=s%3Aabc.signature";

/** What a handler reads of `req`, each read's value or the code it threw. */
function read(req: BunwireRequest<any>, what: () => unknown): unknown {
  try {
    return what();
  } catch (error) {
    return error instanceof BunwireError ? `${error.code}: ${error.message}` : String(error);
  }
}

function reads(req: BunwireRequest<any>) {
  return {
    agent: read(req, () => req.get("User-Agent")),
    cookie: read(req, () => req.get("cookie")),
    cookies: read(req, () => req.cookies),
    headers: read(req, () => ({ ...req.headers })),
    session: read(req, () => req.session?.user),
    params: read(req, () => ({ ...req.params })),
    query: read(req, () => req.query),
    path: read(req, () => req.path),
    ip: read(req, () => req.ip),
  };
}

async function open(app: App, path: string, headers: Record<string, string> = {}): Promise<TestSocket> {
  const { port } = apps.start(app);
  return apps.open(`ws://127.0.0.1:${port}${path}`, { "User-Agent": AGENT, Cookie: COOKIE, Origin: `http://127.0.0.1:${port}`, ...headers });
}

test("a route keeps only the headers it lists: the others throw HEADER_NOT_KEPT after the upgrade, middleware saw them all", async () => {
  const app = bunwire();
  const store = new MemoryStore();
  app.use(session({ secret: "s", store, saveUninitialized: true }));
  let cookieInMiddleware: string | undefined;
  app.ws(
    "/rooms/:room",
    (req, _res, next) => {
      cookieInMiddleware = req.get("cookie");
      req.session.user = "ada";
      next();
    },
    {
      keepHeaders: ["User-Agent"],
      open(ws: BunWebSocket<any>) {
        ws.send(JSON.stringify(reads(ws.data.req)));
      },
    },
  );
  const socket = await open(app, "/rooms/lobby?page=2");
  const seen = (await socket.json()) as Record<string, unknown>;
  expect(cookieInMiddleware).toBe(COOKIE);
  expect(seen.agent).toBe(AGENT);
  expect(seen.headers).toEqual({ "user-agent": AGENT });
  expect(seen.session).toBe("ada");
  expect(seen.params).toEqual({ room: "lobby" });
  expect(seen.query).toEqual({ page: "2" });
  expect(seen.path).toBe("/rooms/lobby");
  expect(seen.ip).toBe("127.0.0.1");
  for (const failed of [seen.cookie, seen.cookies]) {
    expect(failed).toStartWith("HEADER_NOT_KEPT: ");
    expect(failed).toContain('"cookie"');
    expect(failed).toContain('app.ws("/rooms/:room", { keepHeaders: ["user-agent"] })');
  }
});

test("keepHeaders: false keeps none; true and the default keep all", async () => {
  const app = bunwire();
  const report = { open: (ws: BunWebSocket<any>) => void ws.send(JSON.stringify(reads(ws.data.req))) };
  app.ws("/none", { keepHeaders: false, ...report });
  app.ws("/all", { keepHeaders: true, ...report });
  app.ws("/default", report);
  const { port } = apps.start(app);
  const headers = { "User-Agent": AGENT, Cookie: COOKIE, Origin: `http://127.0.0.1:${port}` };
  const seen = async (path: string) => {
    const socket = await apps.open(`ws://127.0.0.1:${port}${path}`, headers);
    return (await socket.json()) as Record<string, unknown>;
  };
  const none = await seen("/none");
  expect(none.agent).toStartWith("HEADER_NOT_KEPT: ");
  expect(none.agent).toContain("keepHeaders: false");
  expect(none.headers).toEqual({});
  expect(none.ip).toBe("127.0.0.1");
  for (const path of ["/all", "/default"]) {
    const all = await seen(path);
    expect(all.agent).toBe(AGENT);
    expect(all.cookie).toBe(COOKIE);
    expect(all.cookies).toEqual({ theme: "dark", sid: "s:abc.signature" });
  }
});

test("behind a trusted proxy the forwarding headers are kept with any list, so req.ip still names the client", async () => {
  const app = bunwire({ trustProxy: true });
  app.ws("/proxied", { keepHeaders: [], open: (ws: BunWebSocket<any>) => void ws.send(JSON.stringify(reads(ws.data.req))) });
  const socket = await open(app, "/proxied", { "X-Forwarded-For": "203.0.113.7, 10.0.0.1" });
  const seen = (await socket.json()) as Record<string, unknown>;
  expect(seen.ip).toBe("203.0.113.7");
  expect(seen.agent).toStartWith("HEADER_NOT_KEPT: ");
});

test("a typed protocol's handlers spread with keepHeaders read the kept headers; the others fail the request by name", async () => {
  const whoami = defineProtocol({ name: "whoami", client: { host: z.object({}), cookie: z.object({}) }, server: {}, acks: { host: z.string(), cookie: z.string() } });
  const app = bunwire();
  const handlers = whoami.handle({
    host: (ws: BunWebSocket<any>) => ws.data.req.get("host") ?? "none",
    cookie: (ws: BunWebSocket<any>) => ws.data.req.get("cookie") ?? "none",
  });
  app.ws("/who", { ...handlers, keepHeaders: ["host"] });
  const { port } = apps.start(app);
  const client = connect<typeof whoami>(`ws://127.0.0.1:${port}/who`, { heartbeat: false });
  try {
    await client.whenOpen();
    expect(await client.request("host", {})).toBe(`127.0.0.1:${port}`);
    const failed = await client.request("cookie", {}).then(
      () => undefined,
      (error: unknown) => error as { code?: string },
    );
    expect(failed?.code).toBe("HEADER_NOT_KEPT"); // a BunwireError thrown in a handler reaches the client by its code
  } finally {
    client.close();
  }
});

test("a keepHeaders that is not a list of header names is refused when the route is registered", () => {
  const app = bunwire();
  for (const bad of ["cookie", [""], ["user agent"], [42], { cookie: true }]) {
    expect(() => app.ws("/bad", { keepHeaders: bad as never, open() {} })).toThrow(expect.objectContaining({ code: "INVALID_HANDLER" }));
  }
});

test("a request detached with keepHeaders retains fewer bytes than one keeping every header (the cookie goes)", () => {
  const settings: RequestSettings = { trustProxy: false, bodyLimit: 1 << 20, headerBlocks: new SharedHeaderBlocks() };
  const keep = readKeepHeaders(["user-agent"], "/idle");
  const cookie = (i: number) => `theme=dark; _ga=GA1.1.17${i}.1732950000; sid=s%3A${i.toString(36).padStart(8, "0")}Qm9yZWFsaXMtYmVuY2gtc2Vzc2lvbg.xq7Jd0v2yKp0ZC9qW1m3v5dX8f0`;
  const detached = (i: number, slim: boolean) => {
    const req = new AppRequest(new Request(`http://127.0.0.1:3000/idle?n=${i}`, { headers: { "User-Agent": AGENT, Cookie: cookie(i), "Sec-WebSocket-Key": `key-${i}==` } }), undefined, "/idle", NO_PARAMS, settings);
    req.detach(slim ? keep : undefined);
    return req;
  };
  const N = 5_000;
  const perRequest = (slim: boolean) => {
    for (let i = 0; i < N; i++) detached(i, slim); // tier detach() up, then measure what N live ones keep
    Bun.gc(true);
    const before = heapStats().heapSize;
    const kept = Array.from({ length: N }, (_, i) => detached(N + i, slim));
    Bun.gc(true);
    const bytes = (heapStats().heapSize - before) / N;
    expect(kept[N - 1]!.get("user-agent")).toBe(AGENT);
    return bytes;
  };
  const all = perRequest(false);
  const slim = perRequest(true);
  // The cookie line alone is ~120 characters: the slim request keeps at least 80 bytes less of it.
  expect(all - slim).toBeGreaterThan(80);
});

test("the handshake's nonce (Sec-WebSocket-Key) is spent with the upgrade: middleware reads it, the socket's request does not keep it unless a route names it", async () => {
  const app = bunwire();
  let inMiddleware: string | undefined;
  app.use((req, _res, next) => {
    inMiddleware = req.get("sec-websocket-key");
    next();
  });
  const report = (ws: BunWebSocket<any>) => {
    const req = ws.data.req;
    ws.send(JSON.stringify({ key: read(req, () => req.get("Sec-WebSocket-Key")), listed: "sec-websocket-key" in req.headers, agent: req.get("user-agent") }));
  };
  app.ws("/default", { open: report });
  app.ws("/named", { keepHeaders: ["user-agent", "sec-websocket-key"], open: report });
  const socket = await open(app, "/default");
  const spent = (await socket.json()) as { key: string; listed: boolean; agent: string };
  expect(inMiddleware).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  expect(spent.key).toStartWith('HEADER_NOT_KEPT: the "sec-websocket-key" header is the handshake\'s nonce');
  expect([spent.listed, spent.agent]).toEqual([false, AGENT]);
  const port = new URL(socket.ws.url).port;
  const named = await apps.open(`ws://127.0.0.1:${port}/named`, { "User-Agent": AGENT });
  const kept = (await named.json()) as { key: string; listed: boolean };
  expect(kept.key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  expect(kept.listed).toBe(true);
});
