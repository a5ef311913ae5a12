// The arguments of cluster operations, checked before anything is sent: a bad filter, topic, close code or event
// name is a programming error and rejects with INVALID_OPTION naming the operation, never half-runs.

import { BunwireError } from "../engine/errors.ts";
import type { LocalFilter } from "../engine/open-connections.ts";

/** Which connections an operation applies to, on every instance. Every field given must match; give at least one. */
export interface ConnectionFilter {
  /** Connections subscribed to this topic (`ws.subscribe`, a typed room, a server-side `join`). */
  topic?: string;
  /** Connections of this user (`connectionOf(ws).user.id`). */
  user?: string;
  /** One connection, by its id (`connectionOf(ws).id`). */
  id?: string;
  /** Connections on this route, as registered (`/chat/:room`). */
  route?: string;
}

const FILTER_KEYS = new Set(["topic", "user", "id", "route"]);

function invalid(where: string, message: string): BunwireError {
  return new BunwireError("INVALID_OPTION", `cluster.${where}: ${message}`);
}

function isName(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= 65_535;
}

/** The filter as it travels (only the keys given, all non-empty strings). */
export function checkFilter(filter: unknown, where: string): ConnectionFilter {
  if (filter === null || typeof filter !== "object" || Array.isArray(filter)) throw invalid(where, "the filter must be an object such as { topic }, { user } or { id }");
  const out: ConnectionFilter = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (!FILTER_KEYS.has(key)) throw invalid(where, `unknown filter key "${key}" (use topic, user, id or route)`);
    if (!isName(value)) throw invalid(where, `filter.${key} must be a non-empty string`);
    out[key as keyof ConnectionFilter] = value;
  }
  // An empty filter would mean "every connection everywhere": too easy to write by mistake for a disconnect.
  if (Object.keys(out).length === 0) throw invalid(where, "give at least one of topic, user, id or route");
  return out;
}

/** The filter as the instance holding the connections applies it; an id names its instance in its prefix. */
export function localFilter(filter: ConnectionFilter): LocalFilter {
  const local: LocalFilter = { topic: filter.topic, user: filter.user, route: filter.route };
  if (filter.id !== undefined) {
    const at = filter.id.lastIndexOf(":");
    const serial = Number(filter.id.slice(at + 1));
    local.prefix = filter.id.slice(0, at + 1);
    // An id that is no connection id matches nothing (-1 is no serial).
    local.serial = at + 1 < filter.id.length && Number.isSafeInteger(serial) && serial > 0 ? serial : -1;
  }
  return local;
}

export function checkTopics(topics: unknown, where: string): string[] {
  const list = typeof topics === "string" ? [topics] : topics;
  if (!Array.isArray(list) || list.length === 0 || !list.every(isName)) throw invalid(where, "topics must be a non-empty string or a non-empty array of them");
  return list as string[];
}

/** WebSocket close codes an application may send: 1000 (normal) and 3000-4999 (registered and private). */
export function checkClose(code: unknown, reason: unknown): { code: number; reason: string } {
  const closeCode = code ?? 1000;
  if (typeof closeCode !== "number" || !Number.isInteger(closeCode) || (closeCode !== 1000 && (closeCode < 3000 || closeCode > 4999))) {
    throw invalid("disconnect", `code must be 1000 or an integer from 3000 to 4999, got ${String(code)}`);
  }
  const text = reason ?? "";
  // A close frame carries at most 125 bytes: 2 for the code, 123 for the reason.
  if (typeof text !== "string" || Buffer.byteLength(text) > 123) throw invalid("disconnect", "reason must be a string of at most 123 bytes (UTF-8)");
  return { code: closeCode, reason: text };
}

export function checkEventName(event: unknown, where: string): string {
  if (typeof event !== "string" || event.length === 0 || event.length > 200) throw invalid(where, `the event name must be a non-empty string of at most 200 characters, got ${JSON.stringify(event)}`);
  return event;
}

export function checkTimeout(timeoutMs: unknown, where: string): number | undefined {
  if (timeoutMs === undefined) return undefined;
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0 && timeoutMs < 2 ** 31)) throw invalid(where, `timeoutMs must be a number of ms > 0, got ${String(timeoutMs)}`);
  return timeoutMs;
}

export function checkLimit(limit: unknown): number {
  if (limit === undefined) return 1000;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1) throw invalid("connections", `limit must be an integer >= 1, got ${String(limit)}`);
  return limit;
}

/** JSON text of `value`, or INVALID_OPTION when it has none (a function, a BigInt, a cycle). */
export function toJson(value: unknown, where: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw invalid(where, `data must be JSON-serialisable: ${(error as Error).message}`);
  }
  if (text === undefined) throw invalid(where, "data must be JSON-serialisable");
  return text;
}
