// Issue 12 item 5 end to end, as a person on a fresh machine does it: from the packed tarballs, in a folder outside
// the repository, `npm exec --package <create-bunwire tarball> create-bunwire my-app -- --bunwire <bunwire tarball>`,
// then `npm install && npm test`, TypeScript 5.9 on the same tsconfig, and `npm start`: the page in Chromium (two
// people chat), a typed client's round trip, and Ctrl-C stopping it. `npm run test:stress` (installs take
// a while); test/create/create.test.ts covers the quick part in `npm test`.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { chromiumOrSkip, launchChromium } from "../test/support/chromium.ts";
import { chatRoundTrip, generate, startServer, type Generated } from "../test/create/generated.ts";
import { install, npmVersion, Offline, ROOT, run } from "../test/package/project.ts";

let made: Generated | undefined;
let skipped = (await npmVersion()) === undefined ? "npm is not on PATH" : "";

beforeAll(async () => {
  if (skipped) return;
  made = await generate({ separator: true });
  try {
    await install(made.project, []); // what the user types: npm install, with the package.json create-bunwire wrote
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    skipped = error.message;
  }
}, 600_000);

afterAll(async () => {
  if (made !== undefined) await rm(made.workspace, { recursive: true, force: true });
});

test("npm install && npm test pass in the generated project; TypeScript 5.9 accepts its tsconfig too", async () => {
  if (skipped) return console.warn(`create.stress.ts skipped: ${skipped}`);
  const tested = await run(["npm", "test"], made!.project);
  expect(`exit ${tested.code}`).toBe("exit 0");
  expect(tested.stderr).toContain("2 pass");
  const tsc5 = await run(["node", join(ROOT, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "tsconfig.json"], made!.project);
  expect(`exit ${tsc5.code}\n${tsc5.stdout}${tsc5.stderr}`).toBe("exit 0\n");
}, 300_000);

/** Whether every process of the group `pgid` has exited, within a few seconds. */
async function groupGone(pgid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return true; // ESRCH: no process left in the group
    }
    await Bun.sleep(50);
  }
  return false;
}

test("npm start serves a working typed chat: two people in Chromium, a typed client, Ctrl-C stops it", async () => {
  if (skipped) return console.warn(`create.stress.ts skipped: ${skipped}`);
  // In a session of its own, so that a Ctrl-C reaches npm, its shell and bun at once, as in a terminal.
  const { server, port } = await startServer(made!.project, ["setsid", "npm", "start"]);
  try {
    const seen = await chatRoundTrip(port);
    expect(seen.ack).toEqual({ at: expect.any(Number) });
    expect(seen.heard).toEqual({ from: "Ada", text: "hello from the test", at: seen.ack.at });

    if (chromiumOrSkip("the generated page in Chromium")) {
      const browser = await launchChromium();
      try {
        const [ada, bob] = [await browser.context.newPage(), await browser.context.newPage()];
        for (const [page, name] of [[ada, "Ada"], [bob, "Bob"]] as const) {
          await page.goto(`http://127.0.0.1:${port}/`);
          await page.fill("#name", name);
          await page.press("#name", "Enter");
          await page.waitForSelector("#state:text('open')", { timeout: 15_000 });
        }
        await ada.fill("#text", "hi Bob");
        await ada.press("#text", "Enter");
        await ada.waitForSelector("#log li.mine:not(.sending)", { timeout: 10_000 });
        await bob.waitForSelector("#log li.theirs:text('Ada: hi Bob')", { timeout: 10_000 });
      } finally {
        await browser.close();
      }
    }
  } finally {
    process.kill(-server.pid, "SIGINT"); // Ctrl-C: the app's closeOnSignals() closes its sockets and exits
    await server.exited;
    expect(await groupGone(server.pid)).toBe(true); // nothing left running: bun exited too
  }
}, 120_000);
