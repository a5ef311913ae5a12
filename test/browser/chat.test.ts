// Two real Chromium pages chat through the browser bundle of bunwire/client. The server is stopped and
// restarted on the same port mid-conversation; the pages reconnect by themselves, rejoin the room with their
// last offsets, and every message typed during the outage arrives once, in order. Alice speaks JSON and Bob
// MessagePack (negotiated per connection): same room, same API.
// Needs Debian's chromium at /usr/bin/chromium (`apt-get install -y chromium`); skipped with a message without it.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "bun";
import { z } from "zod";
import { defineProtocol, MemoryHistory } from "../../src/protocol/index.ts";
import { buildClient } from "../../scripts/build-client.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[bunwire] SKIPPED browser tests: ${CHROMIUM} not found (apt-get install -y chromium)`);

const chat = defineProtocol({
  client: { say: z.object({ room: z.string(), text: z.string().min(1).max(500) }) },
  server: { said: z.object({ from: z.string(), text: z.string() }) },
});

const PAGE = `<!doctype html><meta charset="utf-8"><title>bunwire chat</title>
<p>state: <b id="state">connecting</b></p><ul id="log"></ul>
<form id="form"><input id="text" autocomplete="off"><button>send</button></form>
<script type="module">
  import { connect } from "/client.js";
  import { msgpack } from "/client-msgpack.js";
  const query = new URLSearchParams(location.search);
  const name = query.get("name");
  const codec = query.get("codec") === "msgpack" ? msgpack : undefined;
  const client = connect("/chat?name=" + name, { codec, reconnect: { initialDelay: 50, maxDelay: 250 }, heartbeat: { interval: 1000, timeout: 2000 } });
  window.client = client;
  const log = document.getElementById("log");
  client.onState((state) => { document.getElementById("state").textContent = state; });
  client.on("said", (m) => { const li = document.createElement("li"); li.textContent = m.from + ": " + m.text; log.append(li); });
  document.getElementById("form").onsubmit = (event) => {
    event.preventDefault();
    const input = document.getElementById("text");
    client.emit("say", { room: "lobby", text: input.value });
    input.value = "";
  };
  client.join("lobby").then(() => { document.body.dataset.joined = "yes"; });
</script>`;

let bundlePath = "";
let msgpackBundlePath = "";
let bundleDir = "";
let profileDir = "";
const history = new MemoryHistory();
let server: Server<{ name: string }> | undefined;
let port = 0;
const binaryFramesFrom = new Map<string, number>();

function start(): void {
  const websocket = chat.handle<{ name: string }>(
    { say: (ws, { room, text }) => void chat.publish(server!, room, "said", { from: ws.data.name, text }) },
    { rooms: true, history },
  );
  server = Bun.serve<{ name: string }>({
    port,
    hostname: "127.0.0.1",
    fetch(req, srv) {
      const url = new URL(req.url);
      if (url.pathname === "/chat") {
        return srv.upgrade(req, { data: { name: url.searchParams.get("name") ?? "?" } }) ? undefined : new Response("upgrade failed", { status: 400 });
      }
      if (url.pathname === "/client.js") return new Response(Bun.file(bundlePath), { headers: { "content-type": "text/javascript" } });
      if (url.pathname === "/client-msgpack.js") return new Response(Bun.file(msgpackBundlePath), { headers: { "content-type": "text/javascript" } });
      return new Response(PAGE, { headers: { "content-type": "text/html" } });
    },
    websocket: {
      ...websocket,
      message(ws, message) {
        if (typeof message !== "string") binaryFramesFrom.set(ws.data.name, (binaryFramesFrom.get(ws.data.name) ?? 0) + 1);
        return websocket.message(ws, message);
      },
    },
  });
  port = server.port!;
}

type Page = import("playwright-core").Page;
type Context = import("playwright-core").BrowserContext;
let context: Context | undefined;

beforeAll(async () => {
  if (!hasChromium) return;
  bundleDir = mkdtempSync(join(tmpdir(), "bunwire-bundle-"));
  bundlePath = (await buildClient(join(bundleDir, "client.js"))).path;
  msgpackBundlePath = (await buildClient(join(bundleDir, "client-msgpack.js"), "msgpack")).path;
  profileDir = mkdtempSync(join(tmpdir(), "bunwire-chromium-"));
  const { chromium } = await import("playwright-core");
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  start();
}, 60_000);

afterAll(async () => {
  await context?.close();
  await server?.stop(true);
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

async function say(page: Page, text: string): Promise<void> {
  await page.fill("#text", text);
  await page.press("#text", "Enter");
}

async function logOf(page: Page): Promise<string[]> {
  return page.$$eval("#log li", (items) => items.map((item) => item.textContent ?? ""));
}

async function waitForLog(page: Page, count: number): Promise<string[]> {
  await page.waitForFunction((n) => document.querySelectorAll("#log li").length >= n, count, { timeout: 15_000 });
  return logOf(page);
}

test.skipIf(!hasChromium)("two pages chat across a server restart; outage messages arrive once, in order", async () => {
  const alice = await context!.newPage();
  const bob = await context!.newPage();
  await alice.goto(`http://127.0.0.1:${port}/?name=alice`);
  await bob.goto(`http://127.0.0.1:${port}/?name=bob&codec=msgpack`);
  for (const page of [alice, bob]) await page.waitForSelector("body[data-joined=yes]", { timeout: 15_000 });
  expect(await alice.evaluate(() => (window as unknown as { client: { subprotocol: string } }).client.subprotocol)).toBe("bunwire.v1.json");
  expect(await bob.evaluate(() => (window as unknown as { client: { subprotocol: string } }).client.subprotocol)).toBe("bunwire.v1.msgpack");

  await say(alice, "hello");
  await waitForLog(bob, 1);
  await say(bob, "hi alice");
  expect(await waitForLog(alice, 2)).toEqual(["alice: hello", "bob: hi alice"]);
  expect(await waitForLog(bob, 2)).toEqual(["alice: hello", "bob: hi alice"]);

  await server!.stop(true);
  for (const page of [alice, bob]) await page.waitForSelector("#state:text('reconnecting')", { timeout: 15_000 });
  // Typed while the server is down: queued by each page's client.
  await say(alice, "are you there?");
  await say(alice, "server is down");
  await say(bob, "still here");
  await say(bob, "me too");
  start();

  for (const page of [alice, bob]) {
    const log = await waitForLog(page, 6);
    expect(log.length).toBe(6);
    expect(new Set(log).size).toBe(6); // once each
    expect(log.slice(0, 2)).toEqual(["alice: hello", "bob: hi alice"]);
    const outage = log.slice(2);
    expect(outage.filter((line) => line.startsWith("alice:"))).toEqual(["alice: are you there?", "alice: server is down"]);
    expect(outage.filter((line) => line.startsWith("bob:"))).toEqual(["bob: still here", "bob: me too"]);
    expect(await page.textContent("#state")).toBe("open");
  }
  expect(binaryFramesFrom.get("alice")).toBeUndefined();
  expect(binaryFramesFrom.get("bob")).toBeGreaterThanOrEqual(4); // $join and says, as MessagePack
  // Live again after the restart.
  await say(bob, "back");
  expect((await waitForLog(alice, 7))[6]).toBe("bob: back");
}, 60_000);
