// What every bench server agrees on: the middleware scenario's credentials and session store.
// The values live in contract.json so the Node servers (plain .mjs) read the very same ones.

import contract from "./contract.json" with { type: "json" };

export const AUTH_HEADER: string = contract.authHeader;
export const SESSION_COOKIE: string = contract.sessionCookie;
export const SESSION_ID: string = contract.sessionId;
export const sessions = new Map<string, { user: string }>([[SESSION_ID, { user: "bench" }]]);
/** Headers the generator sends on /up-mw (an extra cookie, so the parser has work to do). */
export const MW_HEADERS: Record<string, string> = { Authorization: AUTH_HEADER, Cookie: `theme=dark; ${SESSION_COOKIE}=${SESSION_ID}` };
