// The README run as a stranger runs it (`npm run test:stress`, since real installs take a while; test/readme.test.ts
// covers the quick part in `npm test`):
// - every server block of the README starts with PORT=0 and answers HTTP;
// - "Install" and "Quick start" step by step: both packages packed next to an empty folder, the quick start's own
//   ```sh lines run there as written (`npm init -y`, `npm install ../bunwire-0.1.0.tgz zod`, ...), its files
//   written, then `npx tsc --noEmit`, `npx bun server.ts` and `npx bun client.ts` as its "Run it" block says.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CREATE_BUNWIRE } from "../test/create/generated.ts";
import { npmVersion, pack, run, start, waitFor } from "../test/package/project.ts";
import { BLOCKS, FILES, makeProject, serverFiles, startBlock, type DocsProject } from "../test/readme-project.ts";
import { RedisServer } from "../test/support/redis-server.ts";

const skipped = (await npmVersion()) === undefined ? "npm is not on PATH" : "";
if (skipped) console.warn(`test-stress/readme.stress.ts skipped: ${skipped}`);

let project: DocsProject | undefined;
let redis: RedisServer | undefined;
const folders: string[] = [];

beforeAll(async () => {
  if (skipped) return;
  [project, redis] = await Promise.all([makeProject(), RedisServer.start()]);
}, 300_000);

afterAll(async () => {
  await redis?.stop();
  await Promise.all([project?.dir, ...folders].filter((dir) => dir !== undefined).map((dir) => rm(dir, { recursive: true, force: true })));
});

test.skipIf(skipped !== "")("every server block of the README starts with PORT=0 and answers HTTP", async () => {
  // The environment the README's blocks read: a real Redis, and the secrets they take from the environment.
  const env = { REDIS_URL: redis!.url, SESSION_SECRET: "a long random string for the README test", INSPECTOR_TOKEN: "readme-inspector-token-0123456789" };
  const files = serverFiles("README.md");
  expect(files.length).toBeGreaterThan(12);
  const answers: string[] = [];
  for (const file of files) {
    const server = await startBlock(project!, file, env);
    try {
      const answer = await fetch(`http://127.0.0.1:${server.port}/`, { signal: AbortSignal.timeout(10_000) });
      await answer.arrayBuffer();
      answers.push(`${file.block.doc}:${file.block.line} answered ${answer.status}`);
    } finally {
      await server.stop();
    }
  }
  for (const answer of answers) expect(answer).toMatch(/answered [2-4]\d\d$/);
}, 300_000);

/** The lines of the quick start's ```sh blocks: the install block, and the "Run it" block. */
function quickStartCommands(): string[][] {
  return BLOCKS.filter((block) => block.doc === "README.md" && block.section === "Quick start" && block.lang === "sh").map((block) =>
    block.code
      .split("\n")
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .filter((line) => line !== ""),
  );
}

test.skipIf(skipped !== "")("Install and Quick start, as written: the steps install, type-check, serve and chat", async () => {
  const [installLines, runLines] = quickStartCommands();
  expect(installLines).toEqual(["npm init -y", "npm install ../bunwire-0.1.0.tgz zod", "npm install -D bun @types/bun typescript"]);
  expect(runLines).toEqual(["npx bun server.ts", "npx bun client.ts", "npx tsc --noEmit"]);

  // The tarballs beside an empty folder, as "Install" leaves them.
  const workspace = realpathSync(mkdtempSync(join(tmpdir(), "bunwire-quick-start-")));
  folders.push(workspace);
  await Promise.all([pack(workspace), pack(workspace, CREATE_BUNWIRE)]);
  const app = join(workspace, "my-chat");
  mkdirSync(app);
  for (const line of installLines!) {
    const step = await run(["sh", "-c", line], app);
    expect(`${line}: exit ${step.code}${step.code === 0 ? "" : `\n${step.stdout}\n${step.stderr}`}`).toBe(`${line}: exit 0`);
  }
  for (const file of FILES.filter((f) => f.block.doc === "README.md" && f.block.section === "Quick start" && !f.inherited && f.block.name !== undefined)) {
    writeFileSync(join(app, file.block.name!), file.code);
  }

  const tsc = await run(["sh", "-c", runLines![2]!], app);
  expect(`exit ${tsc.code}\n${tsc.stdout}${tsc.stderr}`).toBe("exit 0\n");

  // In a session of its own, so that stopping it reaches npx and the bun it started, as Ctrl-C does in a terminal.
  const server = start(["setsid", "sh", "-c", runLines![0]!], app, { PORT: "0" });
  try {
    const [, port] = await waitFor(server.stdout, /bunwire listening on https?:\/\/[^\s]+:(\d+)/, runLines![0]!);
    const client = await run(["sh", "-c", `PORT=${port} ${runLines![1]!}`], app);
    expect(client.stdout).toMatch(/^ada: hello\ndelivered at \S+\n$/);
    expect(client.code).toBe(0);
  } finally {
    process.kill(-server.pid, "SIGINT");
    await server.exited;
  }
}, 600_000);
