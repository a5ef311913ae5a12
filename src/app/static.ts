// `serveStatic(dir)`: files under a root for GET and HEAD, with index files, extensions, directory redirects and
// fall-through to the next handler; every path goes through the check in static-paths.ts first.

import { join, resolve } from "node:path";
import { checkOptionNames, optionKeys } from "../engine/option-names.ts";
import { BunwireError } from "../engine/index.ts";
import type { Stats } from "node:fs";
import type { Middleware } from "./middleware-chain.ts";
import type { BunwireResponse } from "./response.ts";
import { checkOptionValues, either, FUNCTION, NAME, NAME_LIST, oneOf, BOOLEAN } from "../engine/option-values.ts";
import { answerWithFile, DOTFILES, FILE_RULES, fileNotFound, statOrUndefined, type FileOptions } from "./send-file.ts";
import { decodePath, realPathInside, realRootOf, resolveUnder, type Dotfiles } from "./static-paths.ts";

export interface StaticOptions extends FileOptions {
  /** The file served for a directory (default "index.html"; `false` for none). */
  index?: string | string[] | false;
  /** Dotfiles (`.env`, `.git/`): "ignore" as if missing (default), "deny" with 403, or "allow". */
  dotfiles?: Dotfiles;
  /** Extensions tried when the path has no file (`["html"]` serves /about from about.html). */
  extensions?: string[];
  /** A directory asked for without its trailing slash is redirected (301) to it (default true). */
  redirect?: boolean;
  /** A missing file passes to the next handler (default true); `false` answers 404 itself. */
  fallthrough?: boolean;
  /** Last word on the headers of each file answered. */
  setHeaders?: (res: BunwireResponse, path: string, stats: Stats) => void;
}

const STATIC_KEYS = optionKeys<StaticOptions>({
  index: true,
  dotfiles: true,
  extensions: true,
  redirect: true,
  fallthrough: true,
  setHeaders: true,
  maxAge: true,
  immutable: true,
  etag: true,
  lastModified: true,
  acceptRanges: true,
  headers: true,
});

const STATIC_RULES = {
  ...FILE_RULES,
  index: either(NAME, NAME_LIST, oneOf(false)),
  dotfiles: DOTFILES,
  extensions: NAME_LIST,
  redirect: BOOLEAN,
  fallthrough: BOOLEAN,
  setHeaders: FUNCTION,
};

export function serveStatic(dir: string, options: StaticOptions = {}): Middleware {
  checkOptionNames(options, STATIC_KEYS, "serveStatic()");
  checkOptionValues(options, STATIC_RULES, "serveStatic()");
  if (typeof dir !== "string" || dir === "") throw new BunwireError("INVALID_OPTION", "serveStatic(dir): dir must be a non-empty path");
  const root = resolve(dir);
  const indexes = options.index === false ? [] : typeof options.index === "string" ? [options.index] : (options.index ?? ["index.html"]);
  const extensions = (options.extensions ?? []).map((extension) => (extension.startsWith(".") ? extension : `.${extension}`));
  const fallthrough = options.fallthrough !== false;
  let realRoot: Promise<string> | undefined;

  const locate = async (urlPath: string): Promise<{ path: string; stats: Stats } | undefined> => {
    const target = resolveUnder(root, decodePath(urlPath), options.dotfiles);
    if (target === "dotfile") return undefined;
    const inside = await realRoot!;
    const candidates = extensions.length === 0 || urlPath.endsWith("/") ? [target] : [target, ...extensions.map((extension) => target + extension)];
    for (const candidate of candidates) {
      const real = await realPathInside(inside, candidate);
      const stats = real === undefined ? undefined : await statOrUndefined(real);
      if (real === undefined || stats === undefined) continue;
      if (stats.isFile() || stats.isDirectory()) return { path: real, stats };
    }
    return undefined;
  };

  return async (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      if (fallthrough) return next();
      return res.status(405).set("Allow", "GET, HEAD").end();
    }
    realRoot ??= realRootOf(root);
    const urlPath = req.path;
    let found = await locate(urlPath);
    if (found?.stats.isDirectory() === true) {
      if (!urlPath.endsWith("/") && options.redirect !== false) {
        const query = req.originalUrl.indexOf("?");
        const target = req.originalUrl.slice(0, query === -1 ? undefined : query) + "/" + (query === -1 ? "" : req.originalUrl.slice(query));
        // One leading slash: "//evil.example/" would send the browser to another host.
        return res.redirect(301, target.replace(/^\/{2,}/, "/"));
      }
      const directory = found.path;
      found = undefined;
      for (const index of indexes) {
        const real = await realPathInside(await realRoot, join(directory, index));
        const stats = real === undefined ? undefined : await statOrUndefined(real);
        if (real !== undefined && stats?.isFile() === true) {
          found = { path: real, stats };
          break;
        }
      }
    }
    if (found === undefined) return fallthrough ? next() : next(fileNotFound(urlPath));
    options.setHeaders?.(res, found.path, found.stats);
    answerWithFile(req, res, found.path, found.stats, options);
  };
}
