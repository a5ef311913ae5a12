// `serveStatic(dir)` and the path check `res.sendFile(path, { root })` shares: a request path may only name a file
// inside the root. `..` (raw or percent-encoded), NUL bytes, dotfiles (unless allowed) and symlinks that lead out
// of the root are refused; the decoded path is joined under the root and its real path checked again.

import { realpath } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { BunwireError } from "../engine/index.ts";
import type { Stats } from "node:fs";
import type { Middleware } from "./middleware-chain.ts";
import type { BunwireResponse } from "./response.ts";
import { answerWithFile, fileNotFound, statOrUndefined, type FileOptions } from "./send-file.ts";

export interface StaticOptions extends FileOptions {
  /** The file served for a directory (default "index.html"; `false` for none). */
  index?: string | string[] | false;
  /** Dotfiles (`.env`, `.git/`): "ignore" as if missing (default), "deny" with 403, or "allow". */
  dotfiles?: "ignore" | "deny" | "allow";
  /** Extensions tried when the path has no file (`["html"]` serves /about from about.html). */
  extensions?: string[];
  /** A directory asked for without its trailing slash is redirected (301) to it (default true). */
  redirect?: boolean;
  /** A missing file passes to the next handler (default true); `false` answers 404 itself. */
  fallthrough?: boolean;
  /** Last word on the headers of each file answered. */
  setHeaders?: (res: BunwireResponse, path: string, stats: Stats) => void;
}

export function forbidden(message: string): BunwireError {
  return new BunwireError("PATH_FORBIDDEN", message, { status: 403 });
}

/** A URL path percent-decoded once (so `%2e%2e` is seen as `..`); MALFORMED_URI (400) on a bad escape or NUL. */
export function decodePath(urlPath: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    throw new BunwireError("MALFORMED_URI", `malformed URL escape in "${urlPath}"`, { status: 400 });
  }
  if (decoded.includes("\0")) throw new BunwireError("MALFORMED_URI", "a NUL byte in the path", { status: 400 });
  return decoded;
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Where a decoded path points under `root` (absolute), or "dotfile" when it names one that is not served. */
export function resolveUnder(root: string, path: string, dotfiles: StaticOptions["dotfiles"] = "ignore"): string | "dotfile" {
  const segments = path.split(/[/\\]/);
  if (segments.includes("..")) throw forbidden(`"${path}" climbs out of the root`);
  if (dotfiles !== "allow" && segments.some((segment) => segment.startsWith(".") && segment !== ".")) {
    if (dotfiles === "deny") throw forbidden(`"${path}" names a dotfile`);
    return "dotfile";
  }
  // join, not resolve: an absolute path ("/etc/passwd", "//etc/passwd") lands under the root, never at /etc.
  const full = join(root, path);
  if (!inside(root, full)) throw forbidden(`"${path}" is outside the root`);
  return full;
}

/** `path`'s real location when it is inside `realRoot`, undefined when missing; 403 when a symlink leads out. */
export async function realPathInside(realRoot: string, path: string): Promise<string | undefined> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return undefined;
  }
  if (!inside(realRoot, real)) throw forbidden("a symlink leads out of the root");
  return real;
}

/** The real path of a root directory (itself when it does not exist yet). */
export function realRootOf(root: string): Promise<string> {
  return realpath(root).catch(() => root);
}

export function serveStatic(dir: string, options: StaticOptions = {}): Middleware {
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
