// The inspector page in Chromium against a two-instance cluster on Redis: 401 and a sign-in form without the
// token; once signed in, both instances with their connections per route, the hottest topics across the cluster,
// the refused upgrade and the failing handler with their codes, the bus, presence per room, a search for a user on
// the other instance, and the tail of a topic with secrets masked.
// Needs Debian's chromium at /usr/bin/chromium; skipped with a message without it.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { chromiumOrSkip, launchChromium } from "../support/chromium.ts";
import { INSPECTOR_TOKEN, startDemoCluster, type DemoCluster } from "./cluster.ts";

const hasChromium = chromiumOrSkip("the inspector page test");
let cluster: DemoCluster;
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;

beforeAll(async () => {
  if (!hasChromium) return;
  cluster = await startDemoCluster();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cluster?.stop();
}, 30_000);

type Page = import("playwright-core").Page;

function rows(page: Page, table: string): Promise<string[]> {
  return page.$$eval(`#${table} tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent?.trim() ?? "").join(" | ")));
}

async function rowsUntil(page: Page, table: string, predicate: (rows: string[]) => boolean): Promise<string[]> {
  for (let attempt = 0; attempt < 150; attempt++) {
    const current = await rows(page, table);
    if (predicate(current)) return current;
    await page.waitForTimeout(100); // the page polls every 2 s; nothing else to wait on from outside
  }
  return rows(page, table);
}

test.skipIf(!hasChromium)("without the token: 401 and a sign-in form; with it, the whole cluster", async () => {
  const { a, b } = cluster;
  const page = await browser!.context.newPage();
  const refused = await page.goto(`${a.http}/_bunwire/inspector`);
  expect(refused!.status()).toBe(401);
  expect(await page.textContent("form.login")).toContain("This page needs the inspector token.");

  await page.fill("#token", "a-wrong-token-0123456789");
  await Promise.all([page.waitForNavigation(), page.click("form.login button")]);
  expect(await page.textContent("form.login")).toContain("Wrong token.");
  await page.fill("#token", INSPECTOR_TOKEN);
  await Promise.all([page.waitForNavigation(), page.click("form.login button")]);
  await page.waitForSelector("body[data-state=open]");

  const idA = a.bus.instanceId.slice(0, 8);
  const idB = b.bus.instanceId.slice(0, 8);
  const instances = await rowsUntil(page, "instances", (r) => r.length === 2);
  expect(instances).toHaveLength(2);
  const rowA = instances.find((row) => row.startsWith(idA))!;
  const rowB = instances.find((row) => row.startsWith(idB))!;
  // A: ada and bob in the lobby, plus this page's own inspector connection.
  expect(rowA).toMatch(/ \| ready \| .+ \| 3 \| /);
  expect(rowA).toContain("/chat/:room 2 open");
  expect(rowA).toContain("/_bunwire/inspector/ws 1 open");
  expect(rowB).toMatch(/ \| ready \| .+ \| 2 \| /);
  expect(rowB).toContain("/chat/:room 2 open");
  expect(await page.textContent("#summary")).toBe("2 instances, 5 connections");

  expect(await rows(page, "topics")).toEqual(["lobby | 3 | 0", "kitchen | 1 | 0"]);
  expect(await rows(page, "refusals")).toEqual(["/chat/:room | 403 | ORIGIN_FORBIDDEN | 1"]);
  const [error] = await rows(page, "errors");
  expect(error).toMatch(new RegExp(` \\| ${idA} \\| /chat/:room \\| message \\| CHAT_STORE_DOWN \\| ${a.bus.instanceId}:\\d+ \\| ada \\| could not store the message \\(https://store.example/put\\?\\[redacted\\]\\)$`));
  const bus = await rows(page, "bus");
  expect(bus).toHaveLength(2);
  for (const row of bus) expect(row).toMatch(/ \| connected \| 1 \| .* \| \d+\.\d\d ms \(mean \d+\.\d\d\)$/); // the last column: round trip
  expect(await rows(page, "presence")).toEqual(["lobby | 3 | ada, bob, carol", "kitchen | 1 | dave"]);
  expect(await page.$$("#chart canvas")).not.toHaveLength(0);

  // Search a user who is on the other instance.
  await page.fill("#search-query", "carol");
  await page.click("#search-form button");
  const found = await rowsUntil(page, "search-results", (r) => r[0]?.includes("carol") === true);
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(new RegExp(`^${idB} \\| ${b.bus.instanceId}:\\d+ \\| carol \\| /chat/:room \\| .*127\\.0\\.0\\.1 \\| .* \\| lobby$`));

  // Tail the lobby: messages published on either instance appear, with secrets masked.
  await page.fill("#tail-topic", "lobby");
  await page.click("#tail-button");
  await page.waitForFunction(() => document.getElementById("tail-status")?.textContent === "tailing lobby");
  // The tap starts with the first poll on each instance; publish until both have it.
  let tail = "";
  for (let attempt = 0; attempt < 50 && !(tail.includes("from A") && tail.includes("from B")); attempt++) {
    a.app.publish("lobby", JSON.stringify({ text: "from A", password: "hunter2" }));
    b.app.publish("lobby", JSON.stringify({ text: "from B", token: "abc" }));
    await page.waitForTimeout(200);
    tail = (await page.textContent("#tail-entries")) ?? "";
  }
  expect(tail).toContain('{"text":"from A","password":"[redacted]"}');
  expect(tail).toContain('{"text":"from B","token":"[redacted]"}');
  expect(tail).not.toContain("hunter2");
  await page.close();
}, 60_000);
