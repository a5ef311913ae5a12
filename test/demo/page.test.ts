// The `npm start` demo page in real Chromium, as people use it: a name form in the page (never `prompt()`), one
// person per tab (sessionStorage: a reload keeps you, a new tab is someone else), your own messages shown as yours,
// and a server restart: an offline banner, the presence list greyed as stale, then a "Reconnected" notice and a
// list the server refreshed. No request of the page fails (the favicon included).
// Needs Debian's chromium at /usr/bin/chromium (`apt-get install -y chromium`); skipped with a message without it.

import { afterAll, beforeAll, expect, test } from "bun:test";
import type { App } from "bunwire";
import { createDemo } from "../../demo/app.ts";
import { chromiumOrSkip, launchChromium, type BrowserContext } from "../support/chromium.ts";

type Page = import("playwright-core").Page;

const hasChromium = chromiumOrSkip("demo page test");
const WAIT = { timeout: 15_000 };
let browser: { context: BrowserContext; close(): Promise<void> } | undefined;
let app: App | undefined;
let port = 0;
/** What must stay empty: dialogs opened (a prompt()), failed responses, uncaught page errors. */
const problems: string[] = [];
let ada: Page;
let bob: Page;

async function startDemo(): Promise<void> {
  app = await createDemo();
  port = app.listen({ port, hostname: "127.0.0.1", quiet: true }).port!;
}

beforeAll(async () => {
  if (!hasChromium) return;
  await startDemo();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function openTab(): Promise<Page> {
  const page = await browser!.context.newPage();
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await page.goto(`http://127.0.0.1:${port}/?room=lobby`);
  return page;
}

async function joinAs(page: Page, name: string): Promise<void> {
  await page.waitForSelector("#join", { state: "visible", ...WAIT });
  await page.fill("#name", name);
  await page.press("#name", "Enter");
  await page.waitForSelector("#state.open", WAIT);
}

function presentOf(page: Page): Promise<string[]> {
  return page.$$eval("#present li", (items) => items.map((li) => li.textContent ?? ""));
}

async function waitForPresent(page: Page, names: string[]): Promise<void> {
  await page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll("#present li")].map((li) => li.textContent)) === want, JSON.stringify(names), WAIT);
}

async function say(page: Page, text: string): Promise<void> {
  await page.fill("#text", text);
  await page.press("#text", "Enter");
  await page.waitForSelector(`#log li.mine:has-text("${text}") .tick.delivered`, WAIT);
}

test.skipIf(!hasChromium)("the name form: a bad name is explained in the page, a good one joins, a reload keeps the tab's person", async () => {
  ada = await openTab();
  await ada.waitForSelector("#join", { state: "visible", ...WAIT });
  expect(await ada.isDisabled("#text")).toBe(true);
  await ada.fill("#name", "<b>!</b>");
  await ada.press("#name", "Enter");
  await ada.waitForSelector("#name-error:has-text('1 to 24 letters')", WAIT);
  expect(await ada.isVisible("#join")).toBe(true);

  await joinAs(ada, "Ada");
  expect(await ada.isVisible("#join")).toBe(false);
  expect(await ada.textContent("#me")).toBe("as Ada");
  await waitForPresent(ada, ["Ada (you)"]);

  const id = await ada.evaluate(() => sessionStorage.getItem("bunwire-demo:id"));
  expect(id).toMatch(/^[0-9a-f]{16}$/);
  await ada.reload();
  await ada.waitForSelector("#state.open", WAIT);
  expect(await ada.isVisible("#join")).toBe(false);
  expect(await ada.textContent("#me")).toBe("as Ada");
  expect(await ada.evaluate(() => sessionStorage.getItem("bunwire-demo:id"))).toBe(id);
  await waitForPresent(ada, ["Ada (you)"]); // the reloaded tab is the same person, not a second Ada
}, 60_000);

test.skipIf(!hasChromium)("two tabs are two people: a second tab asks its own name, and each sees its own messages as its own", async () => {
  bob = await openTab(); // same browser profile: localStorage is shared, sessionStorage is not
  await joinAs(bob, "Bob");
  await waitForPresent(ada, ["Ada (you)", "Bob"]);
  await waitForPresent(bob, ["Ada", "Bob (you)"]);
  await ada.waitForSelector("#log li.notice:has-text('Bob joined')", WAIT);

  await ada.type("#text", "hi");
  await bob.waitForSelector("#typing:has-text('Ada is typing…')", WAIT);
  await say(ada, "hi Bob");
  await bob.waitForSelector("#log li:not(.mine):not(.notice):has-text('hi Bob')", WAIT);
  await say(bob, "hi Ada");
  await ada.waitForSelector("#log li:not(.mine):not(.notice):has-text('hi Ada')", WAIT);

  const bubbles = (page: Page) => page.$$eval("#log li:not(.notice)", (items) => items.map((li) => `${li.className === "mine" ? "mine" : "theirs"} ${li.querySelector(".from")?.textContent}: ${li.querySelector(".text")?.textContent}`));
  expect(await bubbles(ada)).toEqual(["mine Ada (you): hi Bob", "theirs Bob: hi Ada"]);
  expect(await bubbles(bob)).toEqual(["theirs Ada: hi Bob", "mine Bob (you): hi Ada"]);
}, 60_000);

test.skipIf(!hasChromium)("a server restart: offline banner and stale presence, then a Reconnected notice and a refreshed list", async () => {
  await app!.close();
  for (const page of [ada, bob]) {
    await page.waitForSelector("#banner.offline:has-text('reconnecting')", WAIT);
    await page.waitForSelector("#present.stale", WAIT);
    expect(await page.isVisible("#presence-note")).toBe(true);
  }
  expect(await presentOf(ada)).toEqual(["Ada (you)", "Bob"]); // the last list, shown as stale
  await bob.close(); // Bob leaves while the server is down: only a fresh list can know

  await startDemo(); // a new process would do the same: same port, empty memory
  await ada.waitForSelector("#banner.reconnected:has-text('Reconnected')", WAIT);
  await ada.waitForSelector("#log li.notice:has-text('reconnected')", WAIT);
  await ada.waitForSelector("#present:not(.stale)", WAIT);
  await waitForPresent(ada, ["Ada (you)"]);
  expect(await ada.isVisible("#presence-note")).toBe(false);
  await say(ada, "back again");

  expect(problems).toEqual([]);
}, 60_000);
