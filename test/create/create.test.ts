// `npm create bunwire` as a user runs it, from the packed tarballs, in a folder outside the repository: the project
// it writes type-checks (TypeScript 7, what it installs), its own `bun test` passes, and its server serves the page
// and a typed chat. node_modules is made without npm here (see generated.ts), to keep `npm test` quick;
// test-stress/create.stress.ts runs the whole `npm install && npm test && npm start`.
// Needs npm (or it says why it skipped).

import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { npmVersion, ROOT, run } from "../package/project.ts";
import { chatRoundTrip, generate, linkNodeModules, startServer, type Generated } from "./generated.ts";

const skip = (await npmVersion()) === undefined;
if (skip) console.warn("test/create/create.test.ts skipped: npm is not on PATH");
let made: Generated;

beforeAll(async () => {
  if (skip) return;
  made = await generate({ separator: false }); // `... create-bunwire my-app --bunwire <tarball>`, no `--`
  await linkNodeModules(made.project, made.bunwire.tarball);
}, 180_000);

afterAll(async () => {
  if (made !== undefined) await rm(made.workspace, { recursive: true, force: true });
});

test.skipIf(skip)("the create-bunwire tarball holds its CLI and the template, and the CLI writes a project", () => {
  const files = made.createBunwire.files;
  expect(files).toContain("dist/cli.js");
  expect(files).toContain("template/_gitignore");
  expect(files.filter((file) => !/^(dist\/\w+\.js|template\/.+|README\.md|LICENSE|package\.json)$/.test(file))).toEqual([]);

  expect(made.created.stdout).toContain("cd my-app\n  npm install\n  npm start");
  const manifest = JSON.parse(readFileSync(join(made.project, "package.json"), "utf8")) as Record<string, Record<string, string>>;
  expect(manifest.name as unknown).toBe("my-app");
  expect(manifest.dependencies!.bunwire).toBe(`file:${made.bunwire.tarball}`);
  expect(manifest.scripts).toEqual({ start: "bun src/server.ts", dev: "bun --watch src/server.ts", test: "tsc --noEmit && bun test" });
  for (const file of [".gitignore", "tsconfig.json", "README.md", "src/protocol.ts", "src/app.ts", "src/server.ts", "src/page.ts", "public/index.html", "test/chat.test.ts"]) {
    expect(existsSync(join(made.project, file))).toBe(true);
  }
  expect(existsSync(join(made.project, "_gitignore"))).toBe(false);
});

test.skipIf(skip)("the project's code type-checks under TypeScript 7, and its own test passes", async () => {
  // --skipLibCheck: the libraries' own .d.ts (bunwire's, zod, bun-types, the DOM) are what consumer.test.ts checks
  // with skipLibCheck false under 5.9 and 7, at several seconds each; create.stress.ts runs the project's own
  // `npm test`, whose tsconfig keeps skipLibCheck false, and TypeScript 5.9 on it.
  const tsc = await run(["node", join(ROOT, "node_modules/typescript7/bin/tsc"), "--noEmit", "--skipLibCheck", "-p", "tsconfig.json"], made.project);
  expect(`exit ${tsc.code}\n${tsc.stdout}${tsc.stderr}`).toBe("exit 0\n");

  const tested = await run([process.execPath, "test"], made.project);
  expect(tested.code).toBe(0);
  expect(tested.stderr).toContain("2 pass");
  expect(tested.stderr).toContain("0 fail");
}, 60_000);

test.skipIf(skip)("its server (what npm start runs) serves the page, the bundled script and the typed chat", async () => {
  const { server, port } = await startServer(made.project);
  try {
    const seen = await chatRoundTrip(port);
    expect(seen.page).toContain('<script type="module" src="/page.js">');
    expect(seen.script.headers.get("content-type")).toContain("javascript");
    expect(seen.ack).toEqual({ at: expect.any(Number) });
    expect(seen.heard).toEqual({ from: "Ada", text: "hello from the test", at: seen.ack.at });
  } finally {
    server.kill();
    await server.exited;
  }
}, 60_000);
