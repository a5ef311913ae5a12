// The code blocks of README.md and docs/*.md as files of a project: test/readme.test.ts type-checks all of them
// against the packed package and runs the README's servers, so the docs cannot drift from the code.
//
// How a block becomes a file (the conventions a doc writer follows):
// - ```ts and ```tsx blocks are files; ```sh, ```json, ```yaml, ```js and plain ``` blocks are not (fragments on
//   purpose), except a ```jsonc block that names itself (the quick start's `// tsconfig.json`).
// - A block whose first line is a comment naming a path (`// server.ts`, `// app/ws/room/[id]/route.ts: ...`) is
//   that file, so other blocks import it (`import { chat } from "./chat.protocol.ts"`); other blocks get a name of
//   their own (`block-<line>.ts`).
// - Each `## ` section of a doc is a folder. It holds its own blocks, and the named files of the doc's earlier
//   sections that they import (its own definition of a name wins), so a later section may import a file shown
//   earlier (`import { chatServer } from "./chat.server.ts"`).
// - `<!-- not run -->` on the line before a block: type-checked, never started.

import { readFileSync } from "node:fs";
import { basename, join, posix } from "node:path";

export interface Block {
  /** The markdown file, relative to the repository (`README.md`, `docs/PROTOCOL.md`). */
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  /** The `## ` section the block is in ("" before the first). */
  section: string;
  /** The path the block names in its first line, if it does. */
  name: string | undefined;
  notRun: boolean;
}

const FENCE = /^(\s*)```\s*([\w-]*)\s*$/;
const NAMED = /^\/\/\s*((?:[\w.@()[\]-]+\/)*[\w.@()[\]-]+\.(?:tsx?|jsonc?))(?=$|[\s:,;])/;
const CODE_LANGS = new Set(["ts", "tsx"]);

/** Every fenced block of one markdown file. */
export function blocksOf(root: string, doc: string): Block[] {
  const lines = readFileSync(join(root, doc), "utf8").split("\n");
  const blocks: Block[] = [];
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.startsWith("## ")) section = text.slice(3).trim();
    const open = text.match(FENCE);
    if (open === null) continue;
    const [, indent = "", lang = ""] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++) body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!);
    if (j === lines.length) throw new Error(`${doc}:${i + 1}: a code block that never closes`);
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === "") before--;
    const code = `${body.join("\n")}\n`;
    blocks.push({ doc, line: i + 1, lang, code, section, name: code.match(NAMED)?.[1], notRun: before >= 0 && lines[before]!.trim() === "<!-- not run -->" });
    i = j;
  }
  return blocks;
}

export interface DocFile {
  /** Path inside the project (`readme/04-quick-start/server.ts`). */
  path: string;
  code: string;
  block: Block;
  /** A named file of an earlier section, copied into this one. */
  inherited: boolean;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "top";
}

/** Whether a block is one the project holds: a ts/tsx block, or a named tsconfig-like jsonc block. */
export function isFile(block: Block): boolean {
  return CODE_LANGS.has(block.lang) || (block.lang === "jsonc" && block.name !== undefined);
}

/** The relative paths a file imports (`./chat.protocol.ts`), resolved against its own path. */
function importsOf(path: string, code: string): string[] {
  const found: string[] = [];
  for (const match of code.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) found.push(posix.join(posix.dirname(path), match[1]!));
  return found;
}

/**
 * The project's files for one doc's blocks: a folder per section holding its own blocks, and the named files of
 * earlier sections that its files import (directly or through each other; its own definition of a name wins).
 */
export function layout(blocks: Block[]): DocFile[] {
  const files: DocFile[] = [];
  const sections: string[] = [];
  for (const block of blocks) if (!sections.includes(block.section)) sections.push(block.section);
  const named = new Map<string, Block>();
  sections.forEach((section, index) => {
    const doc = blocks[0]!.doc;
    const folder = posix.join(slug(basename(doc, ".md")), `${String(index).padStart(2, "0")}-${slug(section)}`);
    const own = blocks.filter((block) => block.section === section && isFile(block));
    const seen = new Map<string, Block>();
    for (const block of own) {
      if (block.name === undefined) continue;
      const twin = seen.get(block.name);
      if (twin !== undefined) throw new Error(`${doc}:${block.line}: "${block.name}" is already the block at line ${twin.line} of this section: name one of them differently`);
      seen.set(block.name, block);
    }
    const here: DocFile[] = own.map((block) => ({ path: posix.join(folder, block.name ?? `block-${block.line}.${block.lang}`), code: block.code, block, inherited: false }));
    // Earlier sections' files, as far as this section imports them.
    const wanted = here.flatMap((file) => importsOf(file.path, file.code));
    while (wanted.length > 0) {
      const path = wanted.pop()!;
      if (here.some((file) => file.path === path)) continue;
      const block = named.get(posix.relative(folder, path));
      if (block === undefined) continue;
      const file = { path, code: block.code, block, inherited: true };
      here.push(file);
      wanted.push(...importsOf(path, block.code));
    }
    files.push(...here);
    for (const [name, block] of seen) named.set(name, block);
  });
  return files;
}

/** A server block: it listens (and is not marked `<!-- not run -->`). */
export function listens(block: Block): boolean {
  return CODE_LANGS.has(block.lang) && !block.notRun && /\.(listen|serve)\(/.test(block.code);
}
