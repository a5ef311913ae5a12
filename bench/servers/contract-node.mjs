// contract.ts for the Node servers (plain .mjs): the same credentials, signed session cookie and check.

import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";

export const contract = JSON.parse(readFileSync(new URL("./contract.json", import.meta.url), "utf8"));
const sessions = new Map([[contract.sessionId, { user: "bench" }]]);
const sign = (id) => createHmac("sha256", contract.sessionSecret).update(id).digest("base64url");

/** The session named by the signed `sid` cookie in a Cookie header, or undefined. */
export function sessionFrom(cookie) {
  for (const part of (cookie ?? "").split(";")) {
    const at = part.indexOf("=");
    if (part.slice(0, at).trim() !== contract.sessionCookie) continue;
    const value = part.slice(at + 1).trim();
    const dot = value.lastIndexOf(".");
    if (dot <= 0) return undefined;
    const id = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1));
    const expected = Buffer.from(sign(id));
    return given.length === expected.length && timingSafeEqual(given, expected) ? sessions.get(id) : undefined;
  }
  return undefined;
}
