// httpRouter(): Express's Router mounted with app.use(prefix, router): baseUrl/path/url inside it, its own use
// middleware and error middleware, nesting, mergeParams, param(), route(), next("route"), live after mounting,
// 405 inside it; and a sub-App mounted the same way.
import { expect, test } from "bun:test";
import { bunwire, httpRouter, HttpRouter, type App, type BunwireRequest, type ErrorMiddleware } from "bunwire";
import { useApps } from "../support/apps.ts";

const apps = useApps();
const start = (app: App): string => apps.start(app).http;
const where = (req: BunwireRequest<object>) => ({ baseUrl: req.baseUrl, path: req.path, url: req.url, originalUrl: req.originalUrl, params: req.params });

test("a router mounted on a prefix sees baseUrl, path and url relative to it; its middleware stays under it", async () => {
  const app = bunwire();
  const api = httpRouter();
  const seen: string[] = [];
  api.use((req, _res, next) => {
    seen.push(`api ${req.baseUrl} ${req.path}`);
    next();
  });
  api.get("/users/:id", (req, res) => res.json(where(req)));
  app.use("/api", api);
  app.get("/outside", (req, res) => res.json(where(req)));
  expect(api).toBeInstanceOf(HttpRouter);
  const base = start(app);
  expect(await (await fetch(`${base}/api/users/7?full=1`)).json()).toEqual({ baseUrl: "/api", path: "/users/7", url: "/users/7?full=1", originalUrl: "/api/users/7?full=1", params: { id: "7" } });
  expect(await (await fetch(`${base}/outside`)).json()).toEqual({ baseUrl: "", path: "/outside", url: "/outside", originalUrl: "/outside", params: {} });
  expect(seen).toEqual(["api /api /users/7"]);
});

test("a router mounted on / and the app's own middleware see baseUrl \"\" and no params, request after request", async () => {
  const app = bunwire();
  const root = httpRouter();
  const seen: Array<[string, string, object]> = [];
  app.use((req, _res, next) => {
    seen.push(["app", req.baseUrl, req.params]);
    next();
  });
  root.use((req, _res, next) => {
    seen.push(["root", req.baseUrl, req.params]);
    next();
  });
  root.get("/page", (req, res) => res.json(where(req)));
  app.use("/api", httpRouter().get("/page", (req, res) => res.json(where(req))));
  app.use(root);
  const base = start(app);
  // A request through a router mounted on a prefix in between must not leak its baseUrl into the next one.
  for (const url of ["/page", "/api/page", "/page"]) await fetch(base + url);
  expect(await (await fetch(`${base}/page?x=1`)).json()).toEqual({ baseUrl: "", path: "/page", url: "/page?x=1", originalUrl: "/page?x=1", params: {} });
  expect(seen.filter(([who]) => who === "root")).toEqual(Array(3).fill(["root", "", {}]));
  expect(seen.filter(([who]) => who === "app")).toEqual(Array(4).fill(["app", "", {}]));
});

test("routes and middleware added after a path was requested answer the next request to it, in the app and in a mounted router", async () => {
  const app = bunwire();
  const api = httpRouter();
  app.use("/api", api);
  app.get("/ping", (_req, res) => res.text("pong"));
  const base = start(app);
  const answer = async (path: string) => {
    const response = await fetch(base + path);
    return `${response.status} ${await response.text()}`;
  };
  expect([await answer("/ping"), await answer("/ping"), await answer("/api/late")]).toEqual(["200 pong", "200 pong", "404 Cannot GET /api/late"]);
  api.get("/late", (_req, res) => res.text("late"));
  app.use((_req, res, next) => {
    res.set("X-Later", "1");
    next();
  });
  app.get("/ping", (_req, res) => res.text("never: the first /ping route answers"));
  expect(await answer("/api/late")).toBe("200 late");
  // The middleware added last runs only for paths no earlier layer answered: here, none.
  expect((await fetch(`${base}/ping`)).headers.get("X-Later")).toBeNull();
  app.get("/ping2", (_req, res) => res.text("pong2"));
  const late = await fetch(`${base}/ping2`);
  expect([late.status, late.headers.get("X-Later"), await late.text()]).toEqual([200, "1", "pong2"]);
});

test("a handler that rewrites req.params does not change what the next request to the same path sees", async () => {
  const app = bunwire();
  app.get("/users/:id", (req, res) => {
    const seen = req.params.id;
    (req.params as Record<string, string>).id = "rewritten";
    res.text(seen);
  });
  const base = start(app);
  const first = await (await fetch(`${base}/users/7`)).text();
  expect([first, await (await fetch(`${base}/users/7`)).text()]).toEqual(["7", "7"]);
});

test("nested routers, params in the mount path with mergeParams, route() and param() on a router", async () => {
  const app = bunwire();
  const users = httpRouter();
  const posts = httpRouter({ mergeParams: true });
  const loaded: string[] = [];
  posts.param("postId", (_req, res, next, value) => {
    loaded.push(value);
    res.locals.post = `post-${value}`;
    next();
  });
  posts
    .route("/:postId")
    .get((req, res) => res.json({ ...where(req), post: res.locals.post }))
    .delete((_req, res) => res.status(204).end());
  users.use("/:userId/posts", posts);
  app.use("/users", users);
  const base = start(app);
  expect(await (await fetch(`${base}/users/ada/posts/3`)).json()).toEqual({
    baseUrl: "/users/ada/posts",
    path: "/3",
    url: "/3",
    originalUrl: "/users/ada/posts/3",
    params: { userId: "ada", postId: "3" },
    post: "post-3",
  });
  expect((await fetch(`${base}/users/ada/posts/3`, { method: "DELETE" })).status).toBe(204);
  const wrong = await fetch(`${base}/users/ada/posts/3`, { method: "PATCH" });
  expect([wrong.status, wrong.headers.get("allow")]).toEqual([405, "GET, HEAD, DELETE"]);
  expect(loaded).toEqual(["3", "3"]);
});

test("without mergeParams a router sees only its own params", async () => {
  const app = bunwire();
  const items = httpRouter();
  items.get("/:itemId", (req, res) => res.json(req.params));
  app.use("/lists/:listId/items", items);
  const base = start(app);
  expect(await (await fetch(`${base}/lists/l1/items/i9`)).json()).toEqual({ itemId: "i9" });
});

test('routes added after mounting count; next("route") and error middleware work inside a router', async () => {
  const app = bunwire();
  const api = httpRouter();
  app.use("/api", api);
  api.get("/thing", (req, _res, next) => (req.query.skip ? next("route") : next()), (_req, res) => res.text("first"));
  api.get("/thing", (_req, res) => res.text("second"));
  api.get("/boom", () => {
    throw new Error("router boom");
  });
  const answer: ErrorMiddleware = (error, req, res, _next) => res.status(502).json({ error: (error as Error).message, baseUrl: req.baseUrl });
  api.use(answer);
  const base = start(app);
  expect(await (await fetch(`${base}/api/thing`)).text()).toBe("first");
  expect(await (await fetch(`${base}/api/thing?skip=1`)).text()).toBe("second");
  const boom = await fetch(`${base}/api/boom`);
  expect([boom.status, await boom.json()]).toEqual([502, { error: "router boom", baseUrl: "/api" }]);
});

test("a router's use middleware runs before an App WebSocket route under its prefix too", async () => {
  const app = bunwire();
  const guarded = httpRouter();
  guarded.use((req, res, next) => (req.get("x-key") === "ok" ? next() : res.status(401).text("key needed")));
  app.use("/live", guarded);
  app.ws("/live/feed", { message() {} });
  const base = start(app);
  const refused = await fetch(`${base}/live/feed`, { headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" } });
  expect([refused.status, await refused.text()]).toEqual([401, "key needed"]);
});

test("a sub-App mounted with app.use(prefix, subApp) is walked live with its baseUrl", async () => {
  const app = bunwire();
  const admin = bunwire();
  admin.use((req, res, next) => (req.get("x-admin") ? next() : res.status(403).text("admins only")));
  admin.get("/stats", (req, res) => res.json(where(req)));
  app.use("/admin", admin);
  admin.get("/late", (_req, res) => res.text("added after mounting"));
  const base = start(app);
  expect((await fetch(`${base}/admin/stats`)).status).toBe(403);
  expect(await (await fetch(`${base}/admin/stats`, { headers: { "X-Admin": "1" } })).json()).toEqual({ baseUrl: "/admin", path: "/stats", url: "/stats", originalUrl: "/admin/stats", params: {} });
  expect(await (await fetch(`${base}/admin/late`, { headers: { "X-Admin": "1" } })).text()).toBe("added after mounting");
});

test("bad arguments are refused with INVALID_HANDLER", () => {
  const router = httpRouter();
  expect(() => router.use("/x", 42 as never)).toThrow("expected middleware functions or an HttpRouter");
  expect(() => router.get("/x")).toThrow("no handler given");
  expect(() => router.get("/x", "nope" as never)).toThrow("must be a function");
  expect(() => router.use("/self", router)).toThrow("into itself");
  expect(() => bunwire().use("/x")).toThrow("no middleware given");
});

test("a router's error middleware takes the errors of its own routes only, as in Express; the App's takes every one", async () => {
  const app = bunwire();
  const users = httpRouter();
  users.get("/boom", () => {
    throw new Error("users boom");
  });
  const admin = httpRouter();
  admin.get("/fail", () => {
    throw new Error("admin fail");
  });
  const adminErrors: ErrorMiddleware = (error, _req, res, _next) => res.status(403).send(`admin handler: ${(error as Error).message}`);
  admin.use(adminErrors);
  app.use("/api", users);
  app.use("/api", admin);
  const appErrors: ErrorMiddleware = (error, _req, res, _next) => res.status(500).send(`app handler: ${(error as Error).message}`);
  app.use(appErrors);
  const base = start(app);
  const boom = await fetch(`${base}/api/boom`);
  expect([boom.status, await boom.text()]).toEqual([500, "app handler: users boom"]);
  const fail = await fetch(`${base}/api/fail`);
  expect([fail.status, await fail.text()]).toEqual([403, "admin handler: admin fail"]);
});
