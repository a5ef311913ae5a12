// A project made by create-bunwire the way a user makes one: both packages packed, `npm exec --package
// <create-bunwire tarball> create-bunwire my-app [--] --bunwire <bunwire tarball>` in a temporary folder outside the
// repository. Then either a real `npm install` (test-stress/create.stress.ts) or, for `npm test`, node_modules made
// of the unpacked bunwire tarball beside links to this repository's own packages (the same versions, no npm).

import { mkdirSync, mkdtempSync, readdirSync, realpathSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "bunwire/client";
import type { chat } from "../../packages/create-bunwire/template/src/protocol.ts";
import { pack, packedBunwire, ROOT, run, start, waitFor, type Packed, type Run } from "../package/project.ts";

export const CREATE_BUNWIRE = join(ROOT, "packages/create-bunwire");

export interface Generated {
  /** The folder holding the tarballs and the project (remove it when done). */
  workspace: string;
  project: string;
  bunwire: Packed;
  createBunwire: Packed;
  /** What `create-bunwire` printed. */
  created: Run;
}

/**
 * Packs both packages (bunwire once per test process) and runs the packed create-bunwire through `npm exec`, with
 * its options after `--` (as documented) or, as people also type it, without (npm then keeps `--bunwire` as its own
 * setting, and create-bunwire reads it from there).
 */
export async function generate(options: { name?: string; separator: boolean }): Promise<Generated> {
  const name = options.name ?? "my-app";
  const workspace = realpathSync(mkdtempSync(join(tmpdir(), "bunwire-create-")));
  const [bunwire, createBunwire] = await Promise.all([packedBunwire(), pack(workspace, CREATE_BUNWIRE)]);
  // A cache of its own: npm exec keeps each package it runs under <cache>/_npx, and this tarball is new every run.
  const cache = join(workspace, "npm-cache");
  const created = await run(
    ["npm", "exec", "--yes", "--cache", cache, "--package", createBunwire.tarball, ...(options.separator ? ["--"] : []), "create-bunwire", name, "--bunwire", bunwire.tarball],
    workspace,
  );
  if (created.code !== 0) throw new Error(`create-bunwire failed (exit ${created.code}):\n${created.stdout}\n${created.stderr}`);
  return { workspace, project: join(workspace, name), bunwire, createBunwire, created };
}

/**
 * node_modules without npm: bunwire unpacked from its tarball, and every other package linked from this
 * repository's node_modules (zod, @types/bun, TypeScript and bunwire's own dependencies, at the lockfile's versions).
 */
export async function linkNodeModules(project: string, bunwireTarball: string): Promise<void> {
  const modules = join(project, "node_modules");
  const own = join(modules, "bunwire");
  mkdirSync(own, { recursive: true });
  const untar = await run(["tar", "-xzf", bunwireTarball, "-C", own, "--strip-components=1"], project);
  if (untar.code !== 0) throw new Error(`tar -xzf ${bunwireTarball}: ${untar.stderr}`);
  const repository = join(ROOT, "node_modules");
  for (const entry of readdirSync(repository)) {
    if (entry === "bunwire" || entry === "create-bunwire" || entry.startsWith(".")) continue;
    symlinkSync(join(repository, entry), join(modules, entry));
  }
}

/** `bun src/server.ts` (what `npm start` runs) on a free port; resolves once it prints where it listens. */
export async function startServer(project: string, command: string[] = [process.execPath, "src/server.ts"]) {
  const server = start(command, project, { PORT: "0" });
  const [, port] = await waitFor(server.stdout, /bunwire listening on http:\/\/[^\s:]+:(\d+)/, command.join(" "));
  return { server, port: Number(port) };
}

/** What a user sees at the server: the page, its script, and one acknowledged `say` heard by another client. */
export async function chatRoundTrip(port: number): Promise<{ page: string; script: Response; ack: { at: number }; heard: unknown }> {
  const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
  const script = await fetch(`http://127.0.0.1:${port}/page.js`);
  await script.arrayBuffer();
  const ada = connect<typeof chat>(`ws://127.0.0.1:${port}/chat?name=Ada`, { reconnect: false });
  const bob = connect<typeof chat>(`ws://127.0.0.1:${port}/chat?name=Bob`, { reconnect: false });
  try {
    await Promise.all([ada.whenOpen(), bob.whenOpen()]);
    const heard = new Promise((resolve) => bob.on("said", resolve));
    const ack = await ada.request("say", { text: "hello from the test" }, { timeout: 5000 });
    return { page, script, ack, heard: await heard };
  } finally {
    ada.close();
    bob.close();
  }
}
