// serveStatic and res.sendFile: content types, ETag/Last-Modified with 304, Range (206/416), index files and the
// directory redirect, dotfiles refused, and every path traversal refused: `..`, `%2e%2e`, encoded slashes,
// absolute paths, a NUL byte and symlinks out of the root. Each attack targets a real file outside the root.
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bunwire, serveStatic, type StaticOptions } from "bunwire";
import { useApps } from "../support/apps.ts";
import { rawRequest } from "./raw-http.ts";

let dir: string;
let root: string;
const SECRET = "top secret outside the root";
const MODIFIED = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bunwire-static-"));
  root = join(dir, "public");
  mkdirSync(join(root, "docs"), { recursive: true });
  mkdirSync(join(root, ".git"));
  writeFileSync(join(dir, "secret.txt"), SECRET);
  writeFileSync(join(root, "index.html"), "<h1>home</h1>");
  writeFileSync(join(root, "hello.txt"), "hello, static world");
  writeFileSync(join(root, "style.css"), "body{}");
  writeFileSync(join(root, "data.json"), '{"a":1}');
  writeFileSync(join(root, "about.html"), "about us");
  writeFileSync(join(root, "digits.txt"), "0123456789");
  writeFileSync(join(root, "docs", "index.html"), "docs home");
  writeFileSync(join(root, ".env"), "PASSWORD=1");
  writeFileSync(join(root, ".git", "config"), "[core]");
  symlinkSync(join(dir, "secret.txt"), join(root, "leak.txt"));
  symlinkSync(dir, join(root, "parent"));
  symlinkSync(join(root, "hello.txt"), join(root, "alias.txt"));
  utimesSync(join(root, "hello.txt"), MODIFIED, MODIFIED);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const apps = useApps();
const reported: unknown[] = [];
afterEach(() => {
  reported.length = 0;
});
function start(options?: StaticOptions, prefix = "/static"): { base: string; port: number } {
  const app = bunwire();
  app.onError((error) => reported.push(error));
  app.use(prefix, serveStatic(root, options));
  app.get("/file/:name", (req, res) => res.sendFile(req.params.name, { root }));
  app.get("/q", (req, res) => res.sendFile(String(req.query.f), { root }));
  app.get("/absolute", (_req, res) => res.sendFile(join(root, "data.json")));
  app.get("/relative", (_req, res) => res.sendFile("data.json"));
  app.get("/download", (_req, res) => res.download(join(root, "hello.txt"), "greeting.txt"));
  const { http, port } = apps.start(app);
  return { base: `${http}${prefix === "/" ? "" : prefix}`, port };
}

test("files are served with their content type, Content-Length, ETag, Last-Modified and Cache-Control", async () => {
  const { base } = start({ maxAge: 3_600_000 });
  const hello = await fetch(`${base}/hello.txt`);
  expect(await hello.text()).toBe("hello, static world");
  expect(hello.headers.get("content-type")).toStartWith("text/plain");
  expect(hello.headers.get("content-length")).toBe("19");
  expect(hello.headers.get("last-modified")).toBe(MODIFIED.toUTCString());
  expect(hello.headers.get("etag")).toMatch(/^W\/"13-[0-9a-f]+"$/);
  expect(hello.headers.get("cache-control")).toBe("public, max-age=3600");
  expect(hello.headers.get("accept-ranges")).toBe("bytes");
  expect((await fetch(`${base}/style.css`)).headers.get("content-type")).toStartWith("text/css");
  expect((await fetch(`${base}/data.json`)).headers.get("content-type")).toStartWith("application/json");
  const head = await fetch(`${base}/hello.txt`, { method: "HEAD" });
  expect([head.status, head.headers.get("content-length"), await head.text()]).toEqual([200, "19", ""]);
});

test("a conditional GET with a matching ETag or a recent If-Modified-Since gets 304 without a body", async () => {
  const { base } = start();
  const first = await fetch(`${base}/hello.txt`);
  const etag = first.headers.get("etag")!;
  const byTag = await fetch(`${base}/hello.txt`, { headers: { "If-None-Match": etag } });
  expect([byTag.status, await byTag.text(), byTag.headers.get("etag")]).toEqual([304, "", etag]);
  const byDate = await fetch(`${base}/hello.txt`, { headers: { "If-Modified-Since": MODIFIED.toUTCString() } });
  expect(byDate.status).toBe(304);
  const older = await fetch(`${base}/hello.txt`, { headers: { "If-Modified-Since": new Date(MODIFIED.getTime() - 60_000).toUTCString() } });
  expect(older.status).toBe(200);
  const otherTag = await fetch(`${base}/hello.txt`, { headers: { "If-None-Match": 'W/"other"' } });
  expect(otherTag.status).toBe(200);
});

test("Range requests: 206 with Content-Range for a range, an open end and a suffix; 416 when unsatisfiable", async () => {
  const { base } = start();
  const range = (value: string, extra: Record<string, string> = {}) => fetch(`${base}/digits.txt`, { headers: { Range: value, ...extra } });
  const middle = await range("bytes=2-5");
  expect([middle.status, middle.headers.get("content-range"), await middle.text()]).toEqual([206, "bytes 2-5/10", "2345"]);
  const open = await range("bytes=7-");
  expect([open.status, await open.text()]).toEqual([206, "789"]);
  const suffix = await range("bytes=-3");
  expect([suffix.status, suffix.headers.get("content-range"), await suffix.text()]).toEqual([206, "bytes 7-9/10", "789"]);
  const beyond = await range("bytes=20-30");
  expect([beyond.status, beyond.headers.get("content-range")]).toEqual([416, "bytes */10"]);
  // A stale If-Range means "send it all".
  const stale = await range("bytes=0-1", { "If-Range": 'W/"stale"' });
  expect([stale.status, await stale.text()]).toEqual([200, "0123456789"]);
});

test("a directory serves its index file; without the trailing slash it is redirected to it", async () => {
  const { base } = start();
  expect(await (await fetch(`${base}/`)).text()).toBe("<h1>home</h1>");
  expect(await (await fetch(`${base}/docs/`)).text()).toBe("docs home");
  const redirect = await fetch(`${base}/docs?x=1`, { redirect: "manual" });
  expect([redirect.status, redirect.headers.get("location")]).toEqual([301, "/static/docs/?x=1"]);
  // A doubled leading slash must not become a protocol-relative redirect to another host.
  const { port } = start(undefined, "/");
  const doubled = await rawRequest(port, "GET //docs HTTP/1.1\r\nHost: x");
  expect([doubled.status, doubled.headers.get("location")]).toEqual([301, "/docs/"]);
  const { base: plain } = start({ index: false, extensions: ["html"] });
  expect((await fetch(`${plain}/docs/`)).status).toBe(404);
  expect(await (await fetch(`${plain}/about`)).text()).toBe("about us");
});

test("dotfiles are not served: ignored as missing by default, 403 with dotfiles: 'deny'", async () => {
  const { base } = start();
  expect((await fetch(`${base}/.env`)).status).toBe(404);
  expect((await fetch(`${base}/.git/config`)).status).toBe(404);
  expect((await fetch(`${base}/%2eenv`)).status).toBe(404);
  const { base: deny } = start({ dotfiles: "deny" });
  expect((await fetch(`${deny}/.env`)).status).toBe(403);
});

test("path traversal is refused in every spelling, and never reveals the file outside the root", async () => {
  const { port } = start();
  // Bun's URL parser already collapses whole `..` and `%2e%2e` segments (→ /secret.txt, which no route serves: 404);
  // what reaches bunwire with a `..` inside (encoded slashes and backslashes) is refused with 403.
  const attempts: Array<[target: string, status: number]> = [
    ["/static/../secret.txt", 404],
    ["/static/docs/../../secret.txt", 404],
    ["/static/%2e%2e/secret.txt", 404],
    ["/static/%2E%2E/secret.txt", 404],
    ["/static/..%2fsecret.txt", 403],
    ["/static/%2e%2e%2fsecret.txt", 403],
    ["/static/docs/..%2f..%2fsecret.txt", 403],
    ["/static/docs/..%5c..%5csecret.txt", 403],
    ["/q?f=../secret.txt", 403],
    ["/q?f=docs/../../secret.txt", 403],
    // Decoded once only: this names a file called "%2e%2e", which does not exist.
    ["/static/%252e%252e/secret.txt", 404],
  ];
  const seen: Array<[string, number]> = [];
  for (const [target] of attempts) {
    const response = await rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: x`);
    expect({ target, leaked: response.body.includes(SECRET) }).toEqual({ target, leaked: false });
    seen.push([target, response.status]);
  }
  expect(seen).toEqual(attempts);
});

test("absolute paths, encoded slashes and NUL bytes stay inside the root or are refused", async () => {
  const { port } = start();
  for (const target of [`/static/${join(dir, "secret.txt")}`, `/static//${join(dir, "secret.txt")}`, `/static/%2F${encodeURIComponent(join(dir, "secret.txt").slice(1))}`]) {
    const response = await rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: x`);
    expect({ target, status: response.status, leaked: response.body.includes(SECRET) }).toEqual({ target, status: 404, leaked: false });
  }
  const nul = await rawRequest(port, "GET /static/hello.txt%00.html HTTP/1.1\r\nHost: x");
  expect(nul.status).toBe(400);
});

test("symlinks that lead out of the root are refused with 403; one inside the root is served", async () => {
  const { base } = start();
  const leak = await fetch(`${base}/leak.txt`);
  expect([leak.status, (await leak.text()).includes(SECRET)]).toEqual([403, false]);
  const throughDirectory = await fetch(`${base}/parent/secret.txt`);
  expect([throughDirectory.status, (await throughDirectory.text()).includes(SECRET)]).toEqual([403, false]);
  expect(await (await fetch(`${base}/alias.txt`)).text()).toBe("hello, static world");
});

test("a missing file falls through to the next handler; fallthrough: false answers 404; other methods pass on", async () => {
  const app = bunwire();
  app.use(serveStatic(root));
  app.get("/dynamic", (_req, res) => res.text("from a route"));
  app.post("/hello.txt", (_req, res) => res.text("posted"));
  app.use("/strict", serveStatic(root, { fallthrough: false }));
  const base = apps.start(app).http;
  expect(await (await fetch(`${base}/dynamic`)).text()).toBe("from a route");
  expect(await (await fetch(`${base}/hello.txt`, { method: "POST" })).text()).toBe("posted");
  expect((await fetch(`${base}/strict/missing.txt`)).status).toBe(404);
  expect(() => serveStatic("")).toThrow("non-empty");
});

test("res.sendFile: absolute paths, a root it cannot leave, 404 for a missing file, a clear error for a relative path", async () => {
  const { port } = start();
  const base = `http://127.0.0.1:${port}`;
  const absolute = await fetch(`${base}/absolute`);
  expect([absolute.headers.get("content-type")?.startsWith("application/json"), await absolute.text()]).toEqual([true, '{"a":1}']);
  expect(await (await fetch(`${base}/file/hello.txt`)).text()).toBe("hello, static world");
  expect((await fetch(`${base}/file/missing.txt`)).status).toBe(404);
  expect((await fetch(`${base}/file/.env`)).status).toBe(404);
  const climb = await rawRequest(port, "GET /file/..%2fsecret.txt HTTP/1.1\r\nHost: x");
  expect([climb.status, climb.body.includes(SECRET)]).toEqual([403, false]);
  expect((await fetch(`${base}/file/leak.txt`)).status).toBe(403);
  expect((await fetch(`${base}/relative`)).status).toBe(500);
  expect(reported).toEqual([expect.objectContaining({ code: "INVALID_OPTION" })]);
  const download = await fetch(`${base}/download`);
  expect(download.headers.get("content-disposition")).toStartWith('attachment; filename="greeting.txt"');
  expect(await download.text()).toBe("hello, static world");
});
