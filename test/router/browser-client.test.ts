// Seed 002's browser client (examples/router/client.js) in real Chromium against the basic example's router:
// it connects to "/", is welcomed and echoed, and its button and joinRoom() send through the same socket.
// Needs Debian's chromium at /usr/bin/chromium; skipped with a message without it.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { chromiumOrSkip, launchChromium, type BrowserContext } from "../support/chromium.ts";
import { runExample, type Child } from "./support.ts";

const hasChromium = chromiumOrSkip("browser client test");
let browser: { context: BrowserContext; close(): Promise<void> } | undefined;
let context: BrowserContext | undefined;
let server: (Child & { port: number }) | undefined;

beforeAll(async () => {
  if (!hasChromium) return;
  server = await runExample("examples/router/client-page.ts");
  browser = await launchChromium();
  context = browser.context;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.kill();
});

test.skipIf(!hasChromium)("the seed's client: welcome, echo of 'Hello Server!', the send button and joinRoom", async () => {
  const page = await context!.newPage();
  const logs: string[] = [];
  const waiters: { text: string; resolve(): void }[] = [];
  page.on("console", (message) => {
    logs.push(message.text());
    for (const waiter of [...waiters]) if (message.text() === waiter.text) waiter.resolve();
  });
  const logged = (text: string) => (logs.includes(text) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ text, resolve })));
  await page.goto(`http://localhost:${server!.port}/client`);
  await logged("Connected to server");
  await logged("Message from server: Welcome to the server!");
  await logged("Message from server: Echo: Hello Server!");
  await page.fill("#message-input", "typed in the page");
  await page.click("#send-button");
  await logged("Message from server: Echo: typed in the page");
  await page.evaluate("joinRoom('gaming')");
  await logged("Message from server: Echo: /join gaming");
  expect(logs.filter((line) => line.startsWith("Message from server:"))).toEqual([
    "Message from server: Welcome to the server!",
    "Message from server: Echo: Hello Server!",
    "Message from server: Echo: typed in the page",
    "Message from server: Echo: /join gaming",
  ]);
}, 30_000);
