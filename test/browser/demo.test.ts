// The `npm start` demo in real Chromium: two pages in one room see each other join, see who is typing, and
// chat; the sender's message gets its delivered tick from the server's acknowledgement.
// Needs Debian's chromium at /usr/bin/chromium (`apt-get install -y chromium`); skipped with a message without it.

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { App } from "bunwire";
import { createDemo } from "../../demo/app.ts";
import { chromiumOrSkip, launchChromium, type BrowserContext } from "../support/chromium.ts";

const hasChromium = chromiumOrSkip("demo browser test");
let browser: { context: BrowserContext; close(): Promise<void> } | undefined;
let context: BrowserContext | undefined;
let app: App | undefined;
let base = "";

beforeAll(async () => {
  if (!hasChromium) return;
  app = await createDemo();
  base = `http://127.0.0.1:${app.listen(0, "127.0.0.1").port}`;
  browser = await launchChromium();
  context = browser.context;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

test.skipIf(!hasChromium)("two pages chat in the demo: presence, typing, delivered ticks", async () => {
  const ada = await context!.newPage();
  const bob = await context!.newPage();
  await ada.goto(`${base}/?room=lobby&name=Ada`);
  await ada.waitForSelector("#state.open", { timeout: 15_000 });
  await bob.goto(`${base}/?room=lobby&name=Bob`);
  await bob.waitForSelector("#state.open", { timeout: 15_000 });

  await ada.waitForFunction(() => document.querySelector("#log")?.textContent?.includes("Bob joined"), undefined, { timeout: 5000 });
  expect(await ada.$$eval("#present li", (items) => items.map((li) => li.textContent))).toEqual(["Ada", "Bob"]);

  await ada.type("#text", "hi");
  await bob.waitForFunction(() => document.querySelector("#typing")?.textContent === "Ada is typing…", undefined, { timeout: 5000 });

  await ada.press("#text", "Enter");
  await ada.waitForSelector("#log li.mine .tick.delivered", { timeout: 5000 });
  expect(await ada.textContent("#log li.mine")).toBe("Adahi✓ delivered");
  await bob.waitForFunction(() => [...document.querySelectorAll("#log li:not(.notice)")].some((li) => li.textContent === "Adahi"), undefined, { timeout: 5000 });
  await bob.waitForFunction(() => document.querySelector("#typing")?.textContent === "", undefined, { timeout: 5000 });

  await bob.close();
  await ada.waitForFunction(() => document.querySelector("#log")?.textContent?.includes("Bob left"), undefined, { timeout: 5000 });
  expect(await ada.$$eval("#present li", (items) => items.map((li) => li.textContent))).toEqual(["Ada"]);
}, 60_000);
