// What every bench server agrees on: the middleware scenario's credentials and session store. The session cookie
// is signed (HMAC-SHA256, as bunwire's session() signs it), so every server verifies it: the same job everywhere.
// The values live in contract.json so the Node servers (contract-node.mjs) read the very same ones.

import { createHmac, timingSafeEqual } from "node:crypto";
import contract from "./contract.json" with { type: "json" };

export const AUTH_HEADER: string = contract.authHeader;
export const SESSION_COOKIE: string = contract.sessionCookie;
export const SESSION_ID: string = contract.sessionId;
export const SESSION_SECRET: string = contract.sessionSecret;
export const sessions = new Map<string, { user: string }>([[SESSION_ID, { user: "bench" }]]);

const sign = (id: string) => createHmac("sha256", SESSION_SECRET).update(id).digest("base64url");

/** The cookie value a client holds: `<id>.<signature>`. */
export const SIGNED_SESSION = `${SESSION_ID}.${sign(SESSION_ID)}`;

/** The session a signed cookie value names: verify the signature (constant time), then look the id up. */
export function sessionOf(value: string | undefined): { user: string } | undefined {
  if (value === undefined) return undefined;
  const dot = value.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const id = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(sign(id));
  return given.length === expected.length && timingSafeEqual(given, expected) ? sessions.get(id) : undefined;
}

/** The session of a Cookie header's signed session cookie, found without a cookie parser (as raw Bun would). */
export function sessionFromCookie(cookie: string | null): { user: string } | undefined {
  if (!cookie) return undefined;
  const at = cookie.indexOf(SESSION_COOKIE + "=");
  if (at < 0) return undefined;
  const start = at + SESSION_COOKIE.length + 1;
  const end = cookie.indexOf(";", start);
  return sessionOf(cookie.slice(start, end < 0 ? undefined : end));
}

/** Headers the generator sends on /up-mw (an extra cookie, so the parser has work to do). */
export const MW_HEADERS: Record<string, string> = { Authorization: AUTH_HEADER, Cookie: `theme=dark; ${SESSION_COOKIE}=${SIGNED_SESSION}` };
