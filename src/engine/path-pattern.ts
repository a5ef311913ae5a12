// Route patterns: `/chat/:room`, `/files/*`, `/users/:id?`. Compiled once at registration into a RegExp;
// params are URL-decoded on match (`caf%C3%A9` → `café`), and a malformed escape is a 400, not a crash.

import { BunwireError } from "./errors.ts";

export type Params = Record<string, string>;

export interface PathPattern {
  readonly path: string;
  /** Static patterns match by string equality: the route table keeps them in a Map. */
  readonly isStatic: boolean;
  readonly keys: readonly string[];
  /** Params on a match, `null` when the path does not match. Throws MALFORMED_URI (400) on a bad escape or a NUL. */
  match(pathname: string): Params | null;
}

/** The params of a match without any: one frozen object, shared (a route without params keeps no object per socket). */
export const NO_PARAMS: Params = Object.freeze({}) as Params;

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

function decodeParam(value: string, pathname: string): string {
  if (value.indexOf("%") === -1) return value;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    throw new BunwireError("MALFORMED_URI", `malformed URL escape in "${pathname}"`, { status: 400 });
  }
  // A NUL cut short by C code (file paths, Redis keys, a topic name) would name something else than the client sent.
  if (decoded.includes("\0")) throw new BunwireError("MALFORMED_URI", `a NUL byte (%00) in a route param of "${pathname}"`, { status: 400 });
  return decoded;
}

/** Removes a trailing slash (but keeps "/"), so `/chat/` and `/chat` are one route. */
export function normalizePath(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/**
 * Compiles a pattern. With `prefix: true` it also matches every path below it (`app.use("/api", ...)`).
 */
export function compilePattern(path: string, options: { prefix?: boolean } = {}): PathPattern {
  if (!path.startsWith("/") && path !== "*") throw new BunwireError("INVALID_ROUTE", `route path "${path}" must start with "/"`);
  const normalized = normalizePath(path === "*" ? "/*" : path);
  const keys: string[] = [];
  let source = "";
  for (const segment of normalized.split("/").slice(1)) {
    if (segment === "*") {
      keys.push("*");
      source += "(?:/(.*))?";
    } else if (segment.startsWith(":")) {
      const optional = segment.endsWith("?");
      const key = segment.slice(1, optional ? -1 : undefined);
      if (!/^[A-Za-z_$][\w$]*$/.test(key)) throw new BunwireError("INVALID_ROUTE", `invalid param name "${segment}" in route "${path}"`);
      if (keys.includes(key)) throw new BunwireError("INVALID_ROUTE", `param ":${key}" appears twice in route "${path}"`);
      keys.push(key);
      source += optional ? "(?:/([^/]+))?" : "/([^/]+)";
    } else {
      // Express's older pattern syntax (`/ab?cd`, `/mid*end`, `/:id(\\d+)`) would match only its own text here.
      if (/[*?()]/.test(segment)) throw new BunwireError("INVALID_ROUTE", `route "${path}": "${segment}" uses pattern syntax bunwire does not read; paths take literal segments, :param, :param? and a whole * segment`);
      source += segment === "" ? "" : `/${escapeRegExp(segment)}`;
    }
  }
  const isStatic = keys.length === 0 && !options.prefix;
  const regexp = new RegExp(`^${source}${options.prefix ? "(?:/.*)?" : "/?"}$`);

  return {
    path: normalized,
    isStatic,
    keys,
    match(pathname) {
      if (isStatic) return normalizePath(pathname) === normalized ? NO_PARAMS : null;
      const found = regexp.exec(pathname);
      if (found === null) return null;
      if (keys.length === 0) return NO_PARAMS;
      const params: Params = {};
      for (let i = 0; i < keys.length; i++) {
        const value = found[i + 1];
        if (value !== undefined) params[keys[i]!] = decodeParam(value, pathname);
      }
      return params;
    },
  };
}

/** The path of a request URL without parsing it into a `URL` (hot on every request). */
export function pathnameOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  const hash = url.indexOf("#", start);
  const end = query === -1 ? hash : hash === -1 ? query : Math.min(query, hash);
  return end === -1 ? url.slice(start) : url.slice(start, end);
}
