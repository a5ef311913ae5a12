// A real page reload in Chromium (issue 14, item 9): with `persistOffsets: true` the page keeps each joined topic's
// position in sessionStorage, so after the tab navigates away and back, its `join` replays what was published
// while it was gone; without it the page starts over at the topic's current position.
// Needs Debian's chromium at /usr/bin/chromium; skipped with a message without it.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { buildClient } from "../../scripts/build-client.ts";
import { bunwire } from "../../src/index.ts";
import { defineProtocol, MemoryHistory } from "../../src/protocol/index.ts";
import { chromiumOrSkip, launchChromium, type BrowserContext } from "../support/chromium.ts";

const news = defineProtocol({ name: "news", client: {}, server: { posted: z.object({ n: z.number() }) } });

const PAGE = `<!doctype html><meta charset="utf-8"><title>news</title>
<script type="module">
  import { connect } from "/client.js";
  const persist = new URLSearchParams(location.search).get("persist") === "1";
  const client = connect("/news", { persistOffsets: persist, heartbeat: false });
  window.seen = [];
  client.on("posted", (m) => window.seen.push(m.n));
  client.join("news").then((result) => { window.joined = result; });
</script>`;

const canRun = chromiumOrSkip("the page reload test");
const dir = mkdtempSync(join(tmpdir(), "bunwire-reload-"));
const app = bunwire({ development: false });
let browser: { context: BrowserContext; close(): Promise<void> } | undefined;
let origin = "";

beforeAll(async () => {
  if (!canRun) return;
  const bundle = (await buildClient(join(dir, "client.js"))).path;
  app.get("/", (_req, res) => res.type("html").send(PAGE));
  app.get("/client.js", (_req, res) => res.type("js").send(Bun.file(bundle)));
  app.ws("/news", news.handle({}, { rooms: true, history: new MemoryHistory() }));
  origin = `http://127.0.0.1:${app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (n: number) => news.publish(app, "news", "posted", { n });

test.skipIf(!canRun)("after a reload the page recovers what it missed with persistOffsets, and starts over without", async () => {
  for (const persist of ["1", "0"]) {
    const page = await browser!.context.newPage();
    const topicSeen = () => page.evaluate(() => (window as unknown as { seen: number[] }).seen);
    await page.goto(`${origin}/?persist=${persist}`);
    await page.waitForFunction(() => (window as unknown as { joined?: object }).joined !== undefined);
    await post(1);
    await post(2);
    await page.waitForFunction(() => (window as unknown as { seen: number[] }).seen.length === 2);
    await page.goto("about:blank"); // the page unloads: its socket closes
    await post(3);
    await post(4);
    await page.goBack();
    await page.waitForFunction(() => (window as unknown as { joined?: object }).joined !== undefined);
    const joined = await page.evaluate(() => (window as unknown as { joined: { recovered: boolean; missed: number } }).joined);
    if (persist === "1") {
      expect(joined).toMatchObject({ recovered: true, missed: 2 });
      expect(await topicSeen()).toEqual([3, 4]);
    } else {
      expect(joined).toMatchObject({ recovered: true, missed: 0 });
      expect(await topicSeen()).toEqual([]);
    }
    await page.close();
  }
}, 60_000);
