// The path check `serveStatic(dir)` and `res.sendFile(path, { root })` share: a request path may only name a file
// inside the root. `..` (raw or percent-encoded), NUL bytes, dotfiles (unless allowed) and symlinks that lead out
// of the root are refused; the decoded path is joined under the root and its real path checked again.

import { realpath } from "node:fs/promises";
import { join, sep } from "node:path";
import { BunwireError } from "../engine/index.ts";

/** Dotfiles (`.env`, `.git/`): "ignore" as if missing, "deny" with 403, or "allow". */
export type Dotfiles = "ignore" | "deny" | "allow";

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
export function resolveUnder(root: string, path: string, dotfiles: Dotfiles = "ignore"): string | "dotfile" {
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
