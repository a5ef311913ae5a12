// `await fileRoutes(dir, options)`: every `dir/ws/**/route.ts` and `dir/sockets/**/route.ts`, loaded and checked,
// as a front door to mount with `app.use(...)` or to `listen()`. Bad files are all reported at once, before
// anything serves.

import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { BunwireError, checkOptions } from "../engine/index.ts";
import { RouteFileError } from "./errors.ts";
import { FileRoutes, type FileRoutesOptions } from "./front-door.ts";
import { loadRoutes } from "./load.ts";
import { scanRoutes } from "./scan.ts";

export async function fileRoutes(dir: string, options: FileRoutesOptions = {}): Promise<FileRoutes> {
  const where = `fileRoutes("${dir}")`;
  checkOptions(options, where);
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new BunwireError("INVALID_ROUTE", `${where}: ${root} is not a directory`);
  const scanned = scanRoutes(root);
  if (scanned.routes.length === 0 && scanned.problems.length === 0) {
    throw new BunwireError("INVALID_ROUTE", `${where}: no route files found (expected ${root}/ws/<path>/route.ts or ${root}/sockets/<path>/route.ts)`);
  }
  const { loaded, problems } = await loadRoutes(scanned.routes);
  const all = [...scanned.problems, ...problems].sort((a, b) => a.file.localeCompare(b.file));
  if (all.length > 0) throw new RouteFileError(root, all);
  return new FileRoutes(loaded, options, where);
}
