// Cookies both ways: the `Cookie` request header parsed by hand, and `Set-Cookie` values written with Express's
// units (`maxAge` in milliseconds), which Bun's own `Bun.Cookie` (seconds) then serializes.

import { BOOLEAN, oneOf, rule, TEXT, type Rule } from "../engine/option-values.ts";

/** Options of `res.cookie()`, in Express's units. */
export interface CookieOptions {
  /** Lifetime in **milliseconds**, as in Express (written as `Max-Age` in seconds, rounded down). */
  maxAge?: number;
  /** An absolute expiry: a Date, or milliseconds since the epoch. */
  expires?: Date | number;
  /** Default "/". */
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  /** Default "lax" (Bun's default; Express sends none). */
  sameSite?: "strict" | "lax" | "none";
  partitioned?: boolean;
}

/** What `res.cookie()` and `session({ cookie })` accept. */
export const COOKIE_RULES = {
  maxAge: rule("a number of milliseconds", (value) => typeof value === "number" && !Number.isNaN(value)),
  expires: rule("a Date or milliseconds since the epoch", (value) => value instanceof Date || typeof value === "number"),
  path: TEXT,
  domain: TEXT,
  secure: BOOLEAN,
  httpOnly: BOOLEAN,
  sameSite: oneOf("strict", "lax", "none"),
  partitioned: BOOLEAN,
} as const satisfies Record<keyof CookieOptions, Rule>;

/** One `Set-Cookie` value. The value is percent-encoded as Express's default `encodeURIComponent` does. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  const { maxAge, expires, ...rest } = options;
  return new Bun.Cookie(name, value, {
    path: "/",
    ...rest,
    // Bun.Cookie counts Max-Age in seconds and reads a numeric `expires` as seconds: convert from Express's ms.
    ...(maxAge === undefined ? {} : { maxAge: Math.floor(maxAge / 1000) }),
    ...(expires === undefined ? {} : { expires: expires instanceof Date ? expires : new Date(expires) }),
  }).serialize();
}

function decode(value: string): string {
  if (value.indexOf("%") === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Walks `a=1; b=2` by hand (no CookieMap, no iterator per request): `visit(start, eq, end)` for each `name=value`
 * pair, the name between `start` and `eq`, the value between `eq + 1` and `end`, until `visit` returns true.
 */
function eachPair(header: string, visit: (start: number, eq: number, end: number) => boolean | void): void {
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(";", start);
    if (end === -1) end = header.length;
    const eq = header.indexOf("=", start);
    if (eq !== -1 && eq < end && visit(start, eq, end) === true) return;
    start = end + 1;
  }
}

/** A pair's value: trimmed, its quotes dropped, decoded. */
function valueAt(header: string, eq: number, end: number): string {
  let value = header.slice(eq + 1, end).trim();
  if (value.length >= 2 && value.charCodeAt(0) === 34 && value.charCodeAt(value.length - 1) === 34) value = value.slice(1, -1);
  return decode(value);
}

/** One cookie of a Cookie header, read as `parseCookies` reads it, without building the others (undefined: absent). */
export function findCookie(header: string, name: string): string | undefined {
  let found: string | undefined;
  eachPair(header, (start, eq, end) => {
    // Compare in place first: most cookies are not the one asked for, and their names need no copy.
    let from = start;
    while (from < eq && (header.charCodeAt(from) === 32 || header.charCodeAt(from) === 9)) from++;
    if (!header.startsWith(name, from) || header.slice(from + name.length, eq).trim() !== "") return false;
    found = valueAt(header, eq, end);
    return true;
  });
  return found;
}

/** `a=1; b=2` into `cookies` (the first of a repeated name wins). */
export function parseCookies(header: string, cookies: Record<string, string>): void {
  eachPair(header, (start, eq, end) => {
    const name = header.slice(start, eq).trim();
    if (name !== "" && !Object.hasOwn(cookies, name)) cookies[name] = valueAt(header, eq, end);
  });
}
