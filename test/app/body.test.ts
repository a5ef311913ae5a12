// Bodies: read only when a matching route is about to run (or a handler asks), never past the body limit (413
// PAYLOAD_TOO_LARGE from Content-Length before any read, or while a chunked body streams), parse errors reach
// error middleware as 400, repeated form fields are arrays, multipart through Bun's FormData (files as File).
import { expect, test } from "bun:test";
import { bunwire, httpRouter, type App, type ErrorMiddleware } from "bunwire";
import { useApps } from "../support/apps.ts";
import { chunk, rawRequest } from "./raw-http.ts";

const apps = useApps();
function start(app: App): { base: string; port: number } {
  const { http, port } = apps.start(app);
  return { base: http, port };
}
const post = (url: string, body: BodyInit, type = "application/json") => fetch(url, { method: "POST", body, headers: { "Content-Type": type } });

test("a POST to a path no route matches is answered 404 without reading its body", async () => {
  const app = bunwire();
  app.post("/upload", (req, res) => res.json({ size: JSON.stringify(req.body).length }));
  const { port } = start(app);
  // 100 MB announced, 10 bytes sent: a server that read the body would never answer.
  const response = await rawRequest(port, "POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000", ["0123456789"]);
  expect(response.status).toBe(404);
});

test("use middleware that refuses (auth) answers without the body being read", async () => {
  const app = bunwire();
  app.use((req, res, next) => (req.get("authorization") === "Bearer ok" ? next() : res.status(401).text("who are you")));
  app.post("/upload", (req, res) => res.json(req.body));
  const { port } = start(app);
  const response = await rawRequest(port, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500000", ['{"a":']);
  expect([response.status, response.body]).toEqual([401, "who are you"]);
});

test("a Content-Length over the limit is refused with 413 before any byte is read", async () => {
  const app = bunwire({ bodyLimit: 1000 });
  let ran = false;
  app.post("/upload", (_req, res) => {
    ran = true;
    res.text("read");
  });
  const { port } = start(app);
  const response = await rawRequest(port, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1001");
  expect(response.status).toBe(413);
  expect(response.body).toContain("larger than the limit of 1000 bytes");
  expect(ran).toBe(false);
});

test("a chunked body is refused with 413 as soon as it passes the limit, before it ends", async () => {
  const app = bunwire({ bodyLimit: 1000 });
  app.post("/upload", (req, res) => res.text(`got ${String(req.body).length}`));
  const { port } = start(app);
  const head = "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked";
  // 1200 bytes sent, no terminating chunk: only a server that counts while streaming can answer.
  const response = await rawRequest(port, head, [chunk("a".repeat(600)), chunk("b".repeat(600))]);
  expect(response.status).toBe(413);
  // Under the limit a chunked body is read whole.
  const ok = await rawRequest(port, head, [chunk("a".repeat(500)), chunk("b".repeat(400)), "0\r\n\r\n"]);
  expect([ok.status, ok.body]).toEqual([200, "got 900"]);
});

test("per-route and per-router limits override the App's; 413 reaches error middleware with its code", async () => {
  const app = bunwire({ bodyLimit: 100 });
  app.post("/small", { bodyLimit: 10 }, (req, res) => res.json(req.body));
  app.post("/big", { bodyLimit: 10_000 }, (req, res) => res.json({ length: (req.body as string).length }));
  app.post("/default", (req, res) => res.json({ length: (req.body as string).length }));
  const uploads = httpRouter({ bodyLimit: 5_000 });
  uploads.post("/file", (req, res) => res.json({ length: (req.body as string).length }));
  app.use("/uploads", uploads);
  const seen: unknown[] = [];
  const record: ErrorMiddleware = (error, _req, res, _next) => {
    const { code, status } = error as { code: string; status: number };
    seen.push(code);
    res.status(status).json({ error: code });
  };
  app.use(record);
  const { base } = start(app);
  expect((await post(`${base}/small`, "x".repeat(11), "text/plain")).status).toBe(413);
  expect(await (await post(`${base}/big`, "x".repeat(5_000), "text/plain")).json()).toEqual({ length: 5_000 });
  const refused = await post(`${base}/default`, "x".repeat(101), "text/plain");
  expect([refused.status, await refused.json()]).toEqual([413, { error: "PAYLOAD_TOO_LARGE" }]);
  expect(await (await post(`${base}/default`, "x".repeat(100), "text/plain")).json()).toEqual({ length: 100 });
  expect(await (await post(`${base}/uploads/file`, "x".repeat(4_000), "text/plain")).json()).toEqual({ length: 4_000 });
  expect(seen).toEqual(["PAYLOAD_TOO_LARGE", "PAYLOAD_TOO_LARGE"]);
});

test("malformed JSON reaches error middleware as a 400 INVALID_BODY; without one the default answer is 400", async () => {
  const app = bunwire();
  app.post("/shaped", (req, res) => res.json(req.body));
  app.use("/shaped", ((error, _req, res, _next) => {
    const { status, code } = error as { status: number; code: string };
    res.status(status).json({ error: code });
  }) satisfies ErrorMiddleware);
  app.post("/plain", (req, res) => res.json(req.body));
  const { base } = start(app);
  const shaped = await post(`${base}/shaped`, "{oops");
  expect([shaped.status, await shaped.json()]).toEqual([400, { error: "INVALID_BODY" }]);
  const plain = await post(`${base}/plain`, "{oops");
  expect(plain.status).toBe(400);
  expect(await plain.text()).toContain("not valid JSON");
});

test("repeated urlencoded and multipart fields become arrays; files arrive as File", async () => {
  const app = bunwire();
  app.post("/form", (req, res) => res.json(req.body));
  app.post("/upload", async (req, res) => {
    const file = req.body.avatar as File;
    res.json({ tags: req.body.tags, name: req.body.name, file: [file instanceof File, file.name, await file.text()] });
  });
  const { base } = start(app);
  expect(await (await post(`${base}/form`, "tag=a&tag=b&one=1", "application/x-www-form-urlencoded")).json()).toEqual({ tag: ["a", "b"], one: "1" });
  const form = new FormData();
  form.append("name", "ada");
  form.append("tags", "x");
  form.append("tags", "y");
  form.append("avatar", new File(["picture bytes"], "me.png", { type: "image/png" }));
  const uploaded = await fetch(`${base}/upload`, { method: "POST", body: form });
  expect(await uploaded.json()).toEqual({ tags: ["x", "y"], name: "ada", file: [true, "me.png", "picture bytes"] });
});

test("multipart bodies count against the limit; malformed multipart is a 400", async () => {
  const app = bunwire({ bodyLimit: 2_000 });
  app.post("/upload", (req, res) => res.json(Object.keys(req.body)));
  const { base } = start(app);
  const form = new FormData();
  form.append("file", new File(["z".repeat(5_000)], "big.bin"));
  expect((await fetch(`${base}/upload`, { method: "POST", body: form })).status).toBe(413);
  expect((await post(`${base}/upload`, "not multipart", "multipart/form-data; boundary=XYZ")).status).toBe(400);
});

test("use middleware sees no body until it asks: req.readBody(), req.json(), req.text(), req.formData()", async () => {
  const app = bunwire();
  const seen: unknown[] = [];
  app.use("/peek", async (req, _res, next) => {
    seen.push(req.body);
    seen.push(await req.readBody());
    next();
  });
  app.post("/peek", (req, res) => res.json({ body: req.body }));
  app.post("/raw", async (req, res) => res.json({ json: await req.json(), text: await req.text(), bytes: (await req.bytes()).length }));
  app.post("/fd", async (req, res) => res.json({ a: (await req.formData()).getAll("a") }));
  app.post("/preset", (req, _res, next) => {
    req.body = { preset: true };
    next();
  });
  app.post("/preset", (req, res) => res.json(req.body));
  const { base } = start(app);
  expect(await (await post(`${base}/peek`, '{"n":1}')).json()).toEqual({ body: { n: 1 } });
  expect(seen).toEqual([undefined, { n: 1 }]);
  expect(await (await post(`${base}/raw`, '{"n":2}', "application/octet-stream")).json()).toEqual({ json: { n: 2 }, text: '{"n":2}', bytes: 7 });
  expect(await (await post(`${base}/fd`, "a=1&a=2", "application/x-www-form-urlencoded")).json()).toEqual({ a: ["1", "2"] });
  // A body set by middleware is kept: the App does not parse over it.
  expect(await (await post(`${base}/preset`, '{"from":"client"}')).json()).toEqual({ preset: true });
});

test("bodyLimit options are checked: a negative or non-number limit is INVALID_OPTION", () => {
  expect(() => bunwire({ bodyLimit: -1 })).toThrow("bodyLimit");
  expect(() => bunwire().post("/x", { bodyLimit: Number.NaN }, (_req, res) => res.end())).toThrow("bodyLimit");
  expect(() => httpRouter({ bodyLimit: "big" as unknown as number })).toThrow("bodyLimit");
});
