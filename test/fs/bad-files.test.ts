// Bad route files are reported at start-up, all at once, each with its path and why; nothing is served then.

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { BunwireError } from "../../src/engine/index.ts";
import { fileRoutes, RouteFileError } from "../../src/fs/index.ts";
import { writeTree } from "./support.ts";

async function problemsOf(dir: string): Promise<RouteFileError> {
  try {
    await fileRoutes(dir);
  } catch (error) {
    if (error instanceof RouteFileError) return error;
    throw error;
  }
  throw new Error("fileRoutes accepted a tree with bad files");
}

describe("bad route files", () => {
  test("one RouteFileError names every bad file and why; good files do not hide them", async () => {
    const dir = writeTree({
      "ws/good/route.ts": `export function onMessage(ws, m) { ws.send(m); }`,
      "ws/throws/route.ts": `throw new Error("config missing");`,
      "ws/syntax/route.ts": `export function onMessage(ws, m) {`,
      "ws/empty/route.ts": `export const nothing = 1;`,
      "ws/typo/route.ts": `export function onMesage() {}`,
      "ws/wrongtype/route.ts": `export const onOpen = "hello";`,
      "ws/bad:name/route.ts": `export function onOpen() {}`,
      "ws/room/[id]/route.ts": `export function onOpen() {}`,
      "ws/room/[slug]/route.ts": `export function onOpen() {}`,
      "ws/both/route.ts": `export function onOpen() {}`,
      "ws/both/route.js": `export function onOpen() {}`,
      "sockets/chat/route.ts": `export default { open() {} };`,
    });
    const error = await problemsOf(dir);
    expect(error).toBeInstanceOf(BunwireError);
    expect(error.code).toBe("INVALID_ROUTE");
    const byFile = Object.fromEntries(error.problems.map((p) => [p.file.slice(dir.length + 1), p.reason]));
    expect(Object.keys(byFile).sort()).toEqual([
      "sockets/chat/route.ts",
      "ws/bad:name/route.ts",
      "ws/both/route.ts",
      "ws/empty/route.ts",
      "ws/room/[slug]/route.ts",
      "ws/syntax/route.ts",
      "ws/throws/route.ts",
      "ws/typo/route.ts",
      "ws/wrongtype/route.ts",
    ]);
    expect(byFile["ws/throws/route.ts"]).toContain("failed to import: config missing");
    expect(byFile["ws/syntax/route.ts"]).toContain("failed to import");
    expect(byFile["ws/empty/route.ts"]).toContain("exports none of upgrade, onOpen, onMessage");
    expect(byFile["ws/typo/route.ts"]).toContain('unknown export "onMesage"');
    expect(byFile["ws/wrongtype/route.ts"]).toContain('export "onOpen" is a string, expected a function');
    expect(byFile["ws/bad:name/route.ts"]).toContain('folder "bad:name"');
    expect(byFile["ws/room/[slug]/route.ts"]).toContain("same paths as");
    expect(byFile["ws/both/route.ts"]).toContain(join(dir, "ws/both/route.js"));
    expect(byFile["sockets/chat/route.ts"]).toContain("protocol");
    // The message alone is enough to fix things: every path is in it.
    for (const file of Object.keys(byFile)) expect(error.message).toContain(join(dir, file));
  });

  test("a syntax error or a throw while loading is reported at file:line:column, each with the line and a caret", async () => {
    const dir = writeTree({
      "ws/syntax/route.ts": `export function onMessage(ws, m) {\n  ws.send(m;\n}\n`,
      "ws/throws/route.ts": `export function onOpen() {}\nconst port = Number("x");\nif (Number.isNaN(port)) throw new Error("PORT is not a number");\n`,
    });
    const error = await problemsOf(dir);
    const syntax = error.problems.find((p) => p.file.endsWith("ws/syntax/route.ts"))!;
    expect([syntax.line, syntax.column]).toEqual([2, 12]);
    expect(syntax.reason).toContain("failed to import");
    expect(syntax.reason).toContain("  ws.send(m;\n");
    const thrown = error.problems.find((p) => p.file.endsWith("ws/throws/route.ts"))!;
    expect(thrown.line).toBe(3);
    // A throw shows its source line too, read from the file, with a caret under the column the stack names.
    const throwLine = `if (Number.isNaN(port)) throw new Error("PORT is not a number");`;
    expect(thrown.reason).toContain(`\n      ${throwLine}\n      ${" ".repeat(thrown.column! - 1)}^`);
    expect(thrown.column).toBeLessThanOrEqual(throwLine.length);
    expect(error.message).toContain(`${join(dir, "ws/syntax/route.ts")}:2:12: failed to import`);
    expect(error.message).toContain(`${join(dir, "ws/throws/route.ts")}:3:`);
    expect(error.message).toContain("PORT is not a number");
  });

  test("a directory that does not exist, or holds no route files, is a clear error", async () => {
    await expect(fileRoutes("/definitely/not/here")).rejects.toThrow("is not a directory");
    await expect(fileRoutes(writeTree({ "README.md": "nothing" }))).rejects.toThrow("no route files found");
  });
});
