// Temporary folders that outlive one test file and are removed once the whole `bun test` run ends. bunfig.toml
// preloads this module, which makes its afterAll global (Bun runs a preloaded afterAll after the last file); Bun
// fires no process "exit" event at the end of a test run, so that cannot do it.

import { afterAll } from "bun:test";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const folders: string[] = [];

/** A fresh folder under os.tmpdir(), removed after the last test file of this run. */
export function runScratch(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  folders.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});
