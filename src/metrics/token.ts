// Tokens guarding the inspector (and, when you set one, the metrics endpoint). Compared in constant time; a browser
// signs in once with a form and then holds an HttpOnly, SameSite=Strict cookie scoped to the inspector's path whose
// value is an HMAC of the token (the same on every instance, so any instance behind a load balancer accepts it).

import { createHmac, createHash, timingSafeEqual } from "node:crypto";
import { BunwireError } from "../engine/errors.ts";

export const MIN_TOKEN_LENGTH = 16;
export const COOKIE_NAME = "bunwire_inspector";

export function checkToken(token: unknown, where: string): asserts token is string {
  if (typeof token !== "string" || token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new BunwireError("INVALID_OPTION", `${where} must be a string of at least ${MIN_TOKEN_LENGTH} characters without spaces (a random secret: openssl rand -hex 24)`);
  }
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Constant time whatever the lengths: both sides are hashed first. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** `Authorization: Bearer <token>` matches. */
export function bearerMatches(req: Request, token: string): boolean {
  const header = req.headers.get("authorization");
  if (header === null || !/^bearer\s/i.test(header)) return false;
  return sameSecret(header.slice(7).trim(), token);
}

/** The inspector's session cookie value for `token`. */
export function cookieValue(token: string): string {
  return createHmac("sha256", token).update("bunwire inspector session").digest("base64url");
}

function cookieOf(req: Request, name: string): string | undefined {
  const header = req.headers.get("cookie");
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A bearer token or the session cookie. */
export function authorized(req: Request, token: string, cookie: string): boolean {
  if (bearerMatches(req, token)) return true;
  const held = cookieOf(req, COOKIE_NAME);
  return held !== undefined && sameSecret(held, cookie);
}

/** Set-Cookie for a signed-in browser: only sent back to `path`, never readable by scripts, never cross-site. */
export function sessionCookie(cookie: string, path: string, secure: boolean): string {
  return `${COOKIE_NAME}=${cookie}; Path=${path}; HttpOnly; SameSite=Strict; Max-Age=43200${secure ? "; Secure" : ""}`;
}
