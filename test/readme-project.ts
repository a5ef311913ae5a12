// A user's project made of the docs' code blocks (test/readme-blocks.ts) with the packed bunwire installed: the
// tarball unpacked into node_modules beside links to this repository's own packages (zod, pino, ioredis, ..., at
// the lockfile's versions: no npm install, so `npm test` stays quick). Used by test/readme.test.ts and
// test-stress/readme.stress.ts.

import { mkdirSync, mkdtempSync, readdirSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { linkNodeModules } from "./create/generated.ts";
import { packedBunwire, ROOT, run, start, waitFor } from "./package/project.ts";
import { blocksOf, layout, listens, type Block, type DocFile } from "./readme-blocks.ts";

/** README.md and every docs/*.md. */
export const DOCS = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((file) => file.endsWith(".md")).sort().map((file) => `docs/${file}`)];

export const BLOCKS: Block[] = DOCS.flatMap((doc) => blocksOf(ROOT, doc));
export const FILES: DocFile[] = DOCS.flatMap((doc) => {
  const own = BLOCKS.filter((block) => block.doc === doc);
  return own.length === 0 ? [] : layout(own);
});

/** The README's quick start tsconfig: the project's type-check extends it, as a user's project would use it. */
const QUICK_START_TSCONFIG = FILES.find((file) => file.block.doc === "README.md" && file.block.name === "tsconfig.json" && file.path.includes("quick-start"));

export interface DocsProject {
  dir: string;
  /** `path:line` in the docs for a file of the project. */
  origin(path: string): string;
}

/** Writes every block into a fresh folder under os.tmpdir() and installs the packed bunwire there. */
export async function makeProject(): Promise<DocsProject> {
  if (QUICK_START_TSCONFIG === undefined) throw new Error("README.md: the quick start has no ```jsonc block named // tsconfig.json");
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "bunwire-readme-")));
  const packed = await packedBunwire();
  await linkNodeModules(dir, packed.tarball);
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "bunwire-docs", private: true, type: "module" }, null, 2)}\n`);
  const folders = new Set<string>();
  for (const file of FILES) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.code);
    folders.add(file.path.split("/").slice(0, 2).join("/"));
  }
  // The whole project is checked with the quick start's tsconfig, plus what some docs need on top of it: JSX for
  // the React block. Each section folder gets a tsconfig for Bun to run its blocks with (decorators included).
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ extends: `./${QUICK_START_TSCONFIG.path}`, compilerOptions: { jsx: "react-jsx", noEmit: true }, include: [...new Set(FILES.map((file) => file.path.split("/")[0]!))] }, null, 2),
  );
  for (const folder of folders) {
    if (FILES.some((file) => file.path === `${folder}/tsconfig.json`)) continue;
    writeFileSync(join(dir, folder, "tsconfig.json"), JSON.stringify({ extends: relative(join(dir, folder), join(dir, "tsconfig.json")) }));
  }
  const where = new Map(FILES.map((file) => [file.path, file.block]));
  return {
    dir,
    origin(path) {
      const block = where.get(path);
      return block === undefined ? path : `${block.doc}:${block.line}`;
    },
  };
}

/** `tsc --noEmit` (TypeScript 5.9, the repository's) over every block; its output with each file's doc and line. */
export async function typeCheck(project: DocsProject): Promise<{ code: number; output: string }> {
  const result = await run(["node", join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], project.dir);
  const output = (result.stdout + result.stderr).replace(/^([^\s(]+\.tsx?)\((\d+),(\d+)\)/gm, (_all, path: string, line: string, column: string) => {
    const block = FILES.find((file) => file.path === path)?.block;
    // The block's code starts on the line after its fence.
    return block === undefined ? `${path}(${line},${column})` : `${block.doc}:${block.line + Number(line)}:${column} (${path})`;
  });
  return { code: result.code, output };
}

/** The blocks that start a server, each once (in its own section). */
export function serverFiles(doc?: string): DocFile[] {
  return FILES.filter((file) => !file.inherited && listens(file.block) && (doc === undefined || file.block.doc === doc));
}

export interface Running {
  port: number;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * Runs one block with Bun in its section's folder, PORT=0 (every server block reads `process.env.PORT`) and the
 * given environment (REDIS_URL); resolves once it prints `bunwire listening on`, fails with what it printed if it
 * exits or stays silent for `timeoutMs`.
 */
export async function startBlock(project: DocsProject, file: DocFile, env: Record<string, string> = {}, timeoutMs = 20_000): Promise<Running> {
  const cwd = join(project.dir, dirname(file.path));
  const child = start([process.execPath, join(project.dir, file.path)], cwd, { PORT: "0", NODE_ENV: "production", ...env });
  const [stdout, rest] = child.stdout.tee();
  let printed = "";
  void (async () => {
    const reader = rest.getReader();
    const decoder = new TextDecoder();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) printed += decoder.decode(chunk.value, { stream: true });
  })();
  const stderr = new Response(child.stderr).text();
  let timer: Timer | undefined;
  try {
    const silent = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${project.origin(file.path)} printed no "bunwire listening on" within ${timeoutMs} ms:\n${printed}`)), timeoutMs);
    });
    const [, port] = await Promise.race([waitFor(stdout, /bunwire listening on https?:\/\/[^\s]+:(\d+)/, project.origin(file.path)), silent]);
    return {
      port: Number(port),
      output: () => printed,
      async stop() {
        child.kill();
        await child.exited;
      },
    };
  } catch (error) {
    child.kill();
    await child.exited;
    throw new Error(`${(error as Error).message}\nstderr:\n${await stderr}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a block to its end (a client) with the environment given; resolves with what it printed. */
export async function runBlock(project: DocsProject, file: DocFile, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = start([process.execPath, join(project.dir, file.path)], join(project.dir, dirname(file.path)), env);
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}
