// session(): signed cookie, store, available on ws.data.req.session; tampered cookies are no session.
import { expect, test } from "bun:test";
import { bunwire, MemoryStore, session, type BunWebSocket, type SessionStore } from "bunwire";
import { useApps } from "../support/apps.ts";
import { rawHandshake, TestSocket, upgradeAttempt } from "../support/socket.ts";

const { start } = useApps();

function chatApp(store: SessionStore = new MemoryStore()) {
  const app = bunwire();
  app.use(session({ secret: "test-secret", store }));
  app.post("/login", (req, res) => {
    req.session.userId = (req.body as { user: string }).user;
    res.json({ ok: true });
  });
  app.get("/whoami", (req, res) => res.json({ userId: req.session.userId ?? null }));
  app.ws("/protected", (req, res, next) => {
    if (!req.session.userId) return res.status(401).json({ error: "Unauthorized" });
    next();
  }, {
    open(ws: BunWebSocket) {
      ws.send(`welcome ${String(ws.data.req.session.userId)}`);
    },
  });
  const { http, ws } = start(app);
  return { http, ws, store, app };
}

async function login(http: string, user: string): Promise<string> {
  const response = await fetch(`${http}/login`, { method: "POST", body: JSON.stringify({ user }), headers: { "Content-Type": "application/json" } });
  const cookie = response.headers.getSetCookie()[0]!;
  expect(cookie).toMatch(/^bunwire\.sid=[\w-]+\.[\w-]+; Path=\/; Max-Age=86400; HttpOnly; SameSite=Lax$/);
  return cookie.split(";")[0]!;
}

test("a session set over HTTP authenticates a WebSocket upgrade; the socket sees req.session", async () => {
  const { http, ws } = chatApp();
  const cookie = await login(http, "ada");
  expect(await (await fetch(`${http}/whoami`, { headers: { Cookie: cookie } })).json()).toEqual({ userId: "ada" });
  const socket = await TestSocket.open(`${ws}/protected`, { headers: { Cookie: cookie } });
  expect(await socket.next()).toBe("welcome ada");
  socket.ws.close();
});

test("without a session the upgrade is refused with 401, with no cookie and nothing stored", async () => {
  const store = new MemoryStore();
  const { ws } = chatApp(store);
  const refused = await upgradeAttempt(`${ws}/protected`);
  expect(refused.status).toBe(401);
  expect(refused.headers.getSetCookie()).toEqual([]);
  expect(store.size).toBe(0);
});

test("a new session is stored, and its cookie set, only once something is put in it (saveUninitialized: false)", async () => {
  const { http, store } = chatApp();
  for (let i = 0; i < 50; i++) {
    const response = await fetch(`${http}/whoami`);
    expect(await response.json()).toEqual({ userId: null });
    expect(response.headers.getSetCookie()).toEqual([]);
  }
  expect((store as MemoryStore).size).toBe(0);
  await login(http, "ada");
  expect((store as MemoryStore).size).toBe(1);
});

test("saveUninitialized: true stores every new session and sets its cookie at once", async () => {
  const store = new MemoryStore();
  const app = bunwire();
  app.use(session({ secret: "s", store, saveUninitialized: true }));
  app.get("/", (_req, res) => res.text("hi"));
  const response = await fetch(`${start(app).http}/`);
  expect(response.headers.getSetCookie()[0]).toStartWith("bunwire.sid=");
  expect(store.size).toBe(1);
});

test("a session destroyed by the handler is not saved again by the response", async () => {
  const { http, store, app } = chatApp();
  app.post("/logout", async (req, res) => {
    await req.session.destroy();
    res.json({ ok: true });
  });
  const cookie = await login(http, "ada");
  expect((store as MemoryStore).size).toBe(1);
  await fetch(`${http}/logout`, { method: "POST", headers: { Cookie: cookie } });
  expect((store as MemoryStore).size).toBe(0);
  expect(await (await fetch(`${http}/whoami`, { headers: { Cookie: cookie } })).json()).toEqual({ userId: null });
});

test("a tampered cookie is no session, also once the real one has been verified (and its signature kept)", async () => {
  const { http, ws } = chatApp();
  const cookie = await login(http, "ada");
  expect(await (await fetch(`${http}/whoami`, { headers: { Cookie: cookie } })).json()).toEqual({ userId: "ada" });
  const [name, value] = cookie.split("=") as [string, string];
  const [id, signature] = value.split(".") as [string, string];
  const forgedSignature = `${name}=${id}.${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`;
  const otherId = `${name}=${id.slice(0, -1)}${id.endsWith("A") ? "B" : "A"}.${signature}`;
  for (const forged of [forgedSignature, otherId, `${name}=${id}`]) {
    expect(await (await fetch(`${http}/whoami`, { headers: { Cookie: forged } })).json()).toEqual({ userId: null });
    expect((await upgradeAttempt(`${ws}/protected`, { Cookie: forged })).status).toBe(401);
  }
  expect(await (await fetch(`${http}/whoami`, { headers: { Cookie: cookie } })).json()).toEqual({ userId: "ada" });
});

test("a fresh session that upgrade middleware writes to is stored and its cookie carried onto the 101", async () => {
  const store = new MemoryStore();
  const app = bunwire();
  app.use(session({ secret: "s", store }));
  app.ws("/open", (req, _res, next) => {
    req.session.guest = true;
    next();
  }, { message() {} });
  app.ws("/untouched", { message() {} });
  const { port } = start(app);
  const untouched = await rawHandshake(`ws://127.0.0.1:${port}/untouched`);
  expect([untouched.status, untouched.header("set-cookie"), store.size]).toEqual([101, undefined, 0]);
  const head = await rawHandshake(`ws://127.0.0.1:${port}/open`);
  expect(head.status).toBe(101);
  expect(head.header("set-cookie")).toStartWith("bunwire.sid=");
  expect(store.size).toBe(1);
});

test("the store keeps sessions until they expire; destroy() removes one", async () => {
  const store = new MemoryStore();
  store.set("a", { n: 1 }, 60_000);
  store.set("b", { n: 2 }, -1);
  expect(store.get("a")).toEqual({ n: 1 });
  expect(store.get("b")).toBeUndefined();
  store.destroy("a");
  expect(store.get("a")).toBeUndefined();
});

test("session() requires a secret", () => {
  expect(() => session({ secret: "" })).toThrow("secret");
});

test("an asynchronous store works the same (sessions saved and read through promises)", async () => {
  const memory = new MemoryStore();
  const writes: string[] = [];
  const asyncStore = {
    get: async (id: string) => memory.get(id),
    set: async (id: string, data: Record<string, unknown>, maxAge: number) => {
      writes.push(id);
      memory.set(id, data, maxAge);
    },
    destroy: async (id: string) => memory.destroy(id),
  };
  const { http, ws } = chatApp(asyncStore);
  const cookie = await login(http, "grace");
  const socket = await TestSocket.open(`${ws}/protected`, { headers: { Cookie: cookie } });
  expect(await socket.next()).toBe("welcome grace");
  socket.ws.close();
  expect(writes.length).toBeGreaterThanOrEqual(2);
});
