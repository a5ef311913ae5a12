// The identity of one connection: a user attached at admission (the decision's `user`, or the App's `req.user`),
// read back anywhere with `connectionOf(ws)`. Presence, `sendToUser`, cluster operations and metrics use it.

import { BunwireError } from "./errors.ts";

/** Who a connection belongs to: an id plus whatever metadata you attach. */
export interface ConnectionUser {
  readonly id: string;
  readonly [meta: string]: unknown;
}

/** A user as a decision gives it: `"ada"` or `{ id: "ada", role: "admin" }`. */
export type UserInit = string | ConnectionUser;

/** What `connectionOf(ws)` tells about a connection. */
export interface ConnectionInfo {
  /** Unique in this process; prefixed by the instance id when a bus is attached. */
  readonly id: string;
  readonly user?: ConnectionUser;
  /** The route path as registered (`/chat/:room`). */
  readonly route: string;
  /** The client address (X-Forwarded-For behind a trusted proxy). */
  readonly ip: string;
  /** `Date.now()` when the socket opened. */
  readonly openedAt: number;
}

/** The user a decision carries, or INVALID_DECISION (500) naming `where` when it is no user. */
export function toUser(value: unknown, where: string): ConnectionUser | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && value !== "") return { id: value };
  if (value !== null && typeof value === "object" && typeof (value as { id?: unknown }).id === "string" && (value as { id: string }).id !== "") {
    return value as ConnectionUser;
  }
  throw new BunwireError("INVALID_DECISION", `${where}: user must be a non-empty string or { id: string, ... }, got ${JSON.stringify(value) ?? String(value)}`, { status: 500 });
}
