// The HTTP scenario every server implements the same way: `GET /json` behind two middlewares. The first checks the
// Authorization header (401 without it); the second tags the response (`X-Bench: 1`) and names the user; the route
// answers this JSON, stringified per request. Anything else is 404.

import { AUTH_HEADER } from "../contract.ts";

export { AUTH_HEADER };
export const HTTP_PATH = "/json";
export const TAG_HEADER = "X-Bench";
export const USER = "bench";

/** The route's answer, built per request as a handler would. */
export function payload(user: string): { id: number; user: string; items: number[]; ok: boolean } {
  return { id: 7, user, items: [1, 2, 3], ok: true };
}

/** What a correct answer's body is, byte for byte. */
export const EXPECTED_BODY = JSON.stringify(payload(USER));
