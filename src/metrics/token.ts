// Tokens guarding the inspector (and, when you set one, the metrics endpoint). Compared in constant time; a browser
// signs in once with a form and then holds an HttpOnly, SameSite=Strict cookie scoped to the inspector's path whose
// value is its expiry and an HMAC of it keyed by the token: any instance behind a load balancer checks it without
// shared state, and a copied cookie stops working when it expires, not only when the token changes.

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

/** How long a sign-in lasts: the cookie's Max-Age, and the expiry signed into its value. */
export const SESSION_SECONDS = 12 * 60 * 60;

function signature(token: string, expires: number): string {
  return createHmac("sha256", token).update(`bunwire inspector session until ${expires}`).digest("base64url");
}

/** A new session cookie value for `token`: `<expiry in epoch seconds>.<signature>`. */
export function cookieValue(token: string, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + SESSION_SECONDS;
  return `${expires}.${signature(token, expires)}`;
}

/** A cookie value this token signed and whose expiry has not passed. */
export function validCookie(value: string, token: string, now = Date.now()): boolean {
  const dot = value.indexOf(".");
  const expires = Number(value.slice(0, dot));
  if (dot === -1 || !Number.isInteger(expires) || expires * 1000 <= now) return false;
  return sameSecret(value.slice(dot + 1), signature(token, expires));
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

/** A bearer token or a session cookie still valid. */
export function authorized(req: Request, token: string): boolean {
  if (bearerMatches(req, token)) return true;
  const held = cookieOf(req, COOKIE_NAME);
  return held !== undefined && validCookie(held, token);
}

/** Set-Cookie for a signed-in browser: only sent back to `path`, never readable by scripts, never cross-site. */
export function sessionCookie(cookie: string, path: string, secure: boolean): string {
  return `${COOKIE_NAME}=${cookie}; Path=${path}; HttpOnly; SameSite=Strict; Max-Age=${SESSION_SECONDS}${secure ? "; Secure" : ""}`;
}
