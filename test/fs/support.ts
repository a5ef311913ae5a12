// File-route test helpers: route trees written to a fresh temp directory per test (bad files included, so they
// never sit in the repo where tsc would see them), and serving a tree on port 0.

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Writes `files` (relative path → source) under a new temp directory and returns its path. */
export function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "bunwire-fs-"));
  for (const [relative, source] of Object.entries(files)) {
    const file = join(root, relative);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, source);
  }
  return root;
}

export const SRC = new URL("../../src/", import.meta.url).pathname;
