// Writes a new project: the template folder copied as is (`_gitignore` becomes `.gitignore`, since npm never
// packs a file named .gitignore), and a package.json whose `bunwire` dependency is the registry version or a
// local tarball.

import { cpSync, existsSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateError } from "./errors.ts";
import { DEPENDENCIES, DEV_DEPENDENCIES } from "./versions.ts";

export const TEMPLATE = fileURLToPath(new URL("../template", import.meta.url));

export interface ScaffoldOptions {
  /** The folder to create (relative to `cwd`); its last segment names the package. */
  directory: string;
  /** `bunwire`'s dependency spec: a version range, or a path to a packed tarball (or a checkout). */
  bunwire: string;
  cwd: string;
}

export interface Scaffolded {
  directory: string;
  name: string;
  bunwire: string;
}

export function scaffold(options: ScaffoldOptions): Scaffolded {
  const directory = resolve(options.cwd, options.directory);
  const name = packageName(basename(directory));
  if (existsSync(directory) && (!statSync(directory).isDirectory() || readdirSync(directory).length > 0)) {
    throw new CreateError("TARGET_NOT_EMPTY", `${options.directory} already exists and is not an empty folder: pick another name`);
  }
  const bunwire = bunwireSpec(options.bunwire, options.cwd);

  cpSync(TEMPLATE, directory, { recursive: true });
  renameSync(join(directory, "_gitignore"), join(directory, ".gitignore"));
  const manifest = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: {
      start: "bun src/server.ts",
      dev: "bun --watch src/server.ts",
      test: "tsc --noEmit && bun test",
    },
    dependencies: { bunwire, ...DEPENDENCIES },
    devDependencies: { ...DEV_DEPENDENCIES },
  };
  writeFileSync(join(directory, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return { directory, name, bunwire };
}

/** npm's rules for a package name, from the folder's name: lowercase, URL-safe, at most 214 characters. */
function packageName(folder: string): string {
  const name = folder.toLowerCase();
  if (!/^[a-z0-9][a-z0-9._~-]*$/.test(name) || name.length > 214 || name === "node_modules") {
    throw new CreateError("INVALID_NAME", `"${folder}" cannot name an npm package: use letters, digits, - . _ ~ (starting with a letter or digit)`);
  }
  return name;
}

/**
 * A path (it contains a slash or ends in .tgz) becomes `file:<absolute path>`, so the project installs from
 * anywhere; a spec with a protocol (`github:`, `https:`, `file:`) is npm's to read; anything else is a registry range.
 */
function bunwireSpec(spec: string, cwd: string): string {
  if (/^[a-z+]{2,}:/.test(spec)) return spec;
  const looksLikePath = spec.includes("/") || spec.includes("\\") || spec.endsWith(".tgz") || spec === "." || spec === "..";
  if (!looksLikePath) {
    if (!/^[\w.^~<>=*| -]+$/.test(spec) || spec.trim() === "") throw new CreateError("INVALID_ARGUMENT", `--bunwire ${spec}: expected a version range (0.1.0, ^0.1.0) or a path to a tarball`);
    return spec;
  }
  const path = isAbsolute(spec) ? spec : resolve(cwd, spec);
  if (!existsSync(path)) throw new CreateError("BUNWIRE_NOT_FOUND", `--bunwire ${spec}: no such file (make one with \`npm pack\` in a bunwire checkout)`);
  return `file:${path}`;
}
