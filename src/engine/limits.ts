// The admission and inbound limits a front door may set, checked once at construction. They are the part of
// the option set that follows a route when its front door is mounted into an App: the innermost setting wins.

import { BunwireError } from "./errors.ts";
import type { TrustProxy } from "./client-ip.ts";

export type { TrustProxy } from "./client-ip.ts";

/** One allowed origin: an exact origin (`https://app.example.com`), a wildcard (`https://*.example.com`) or a RegExp. */
export type OriginRule = string | RegExp;

/**
 * Which browser origins may open a WebSocket. `"same-origin"` (default): the Origin's host equals the request's
 * Host. `"*"`: any. Requests without an Origin header (non-browser clients) always pass.
 */
export type AllowedOrigins = "same-origin" | "*" | OriginRule | readonly OriginRule[] | ((origin: string, req: Request) => boolean);

/** A token bucket per connection: `messages` and/or `bytes` per `intervalMs`. */
export interface MessageRateLimit {
  messages?: number;
  /** Text frames count their length in characters, binary frames their bytes. */
  bytes?: number;
  /** Default 1000. */
  intervalMs?: number;
  /** `"close"`: close with 1008. `"reply"`: drop the message and call the route's `rejected` hook (typed protocol: a `RATE_LIMITED` error reply). */
  action: "close" | "reply";
}

export interface RouteLimits {
  /** Default `"same-origin"`; a foreign Origin gets 403 before any middleware runs. */
  allowedOrigins?: AllowedOrigins;
  /** Whether X-Forwarded-For names the client (`req.ip`, per-IP caps, `rateLimit()`): `true` or a hop count. Default false. */
  trustProxy?: TrustProxy;
  /** Open sockets at once; past it 503 + Retry-After. Default off. */
  maxConnections?: number | false;
  /** Open sockets per client IP; past it 429 + Retry-After. Default off. */
  maxConnectionsPerIp?: number | false;
  /** Events one connection may hold while its async handler runs; past it: close 1013. Default 1024. */
  maxQueuedEvents?: number;
  /** Bytes of those events; past it: close 1013. Default 4 MiB. */
  maxQueuedBytes?: number;
  /** Default off. */
  messageRateLimit?: MessageRateLimit | false;
  /** Milliseconds any async admission may take; then 503 UPGRADE_TIMEOUT. Default 10 000. */
  upgradeTimeout?: number;
}

export const LIMIT_KEYS = [
  "allowedOrigins",
  "trustProxy",
  "maxConnections",
  "maxConnectionsPerIp",
  "maxQueuedEvents",
  "maxQueuedBytes",
  "messageRateLimit",
  "upgradeTimeout",
] as const satisfies readonly (keyof RouteLimits)[];

export const MiB = 1024 * 1024;

export const DEFAULT_LIMITS = {
  allowedOrigins: "same-origin",
  trustProxy: false,
  maxConnections: false,
  maxConnectionsPerIp: false,
  maxQueuedEvents: 1024,
  maxQueuedBytes: 4 * MiB,
  messageRateLimit: false,
  upgradeTimeout: 10_000,
} as const satisfies Required<RouteLimits>;

function invalid(where: string, name: string, expected: string, value: unknown): BunwireError {
  const shown = typeof value === "string" || (typeof value === "object" && value !== null) ? JSON.stringify(value) : String(value);
  return new BunwireError("INVALID_OPTION", `${where}: option ${name} must be ${expected}, got ${shown}`);
}

/** The longest delay a timer takes (2^31 - 1 ms, about 24.8 days): past it, setTimeout fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A deadline in milliseconds: > 0 and within a timer's reach, or Infinity for none. */
export function isDeadline(value: unknown): value is number {
  return value === Infinity || (typeof value === "number" && value > 0 && value <= MAX_TIMER_MS);
}

export const DEADLINE = "a number of milliseconds > 0 and <= 2147483647 (about 24.8 days), or Infinity for none";

function positive(value: unknown, allowInfinity = false): boolean {
  return typeof value === "number" && value > 0 && (Number.isInteger(value) || (allowInfinity && value === Infinity));
}

/** Throws INVALID_OPTION for a limit with a wrong value (origins are checked when they are compiled). */
export function checkLimits(limits: RouteLimits, where: string): void {
  const { trustProxy, maxConnections, maxConnectionsPerIp, maxQueuedEvents, maxQueuedBytes, messageRateLimit, upgradeTimeout } = limits;
  if (trustProxy !== undefined && typeof trustProxy !== "boolean" && !(Number.isInteger(trustProxy) && trustProxy >= 0)) {
    throw invalid(where, "trustProxy", "true, false or a number of proxy hops", trustProxy);
  }
  for (const [name, value] of [["maxConnections", maxConnections], ["maxConnectionsPerIp", maxConnectionsPerIp]] as const) {
    if (value !== undefined && value !== false && !positive(value, true)) throw invalid(where, name, "a positive integer or false", value);
  }
  if (maxQueuedEvents !== undefined && !positive(maxQueuedEvents, true)) throw invalid(where, "maxQueuedEvents", "a positive integer", maxQueuedEvents);
  if (maxQueuedBytes !== undefined && !positive(maxQueuedBytes, true)) throw invalid(where, "maxQueuedBytes", "a positive integer", maxQueuedBytes);
  if (upgradeTimeout !== undefined && !isDeadline(upgradeTimeout)) throw invalid(where, "upgradeTimeout", DEADLINE, upgradeTimeout);
  if (messageRateLimit !== undefined && messageRateLimit !== false) {
    const rate = messageRateLimit as Partial<MessageRateLimit> | null;
    const expected = '{ messages?, bytes?, intervalMs?, action: "close" | "reply" } with messages or bytes, or false';
    if (rate === null || typeof rate !== "object") throw invalid(where, "messageRateLimit", expected, rate);
    if (rate.action !== "close" && rate.action !== "reply") throw invalid(where, "messageRateLimit.action", '"close" or "reply"', rate.action);
    if (rate.messages === undefined && rate.bytes === undefined) throw invalid(where, "messageRateLimit", expected, rate);
    if (rate.messages !== undefined && !positive(rate.messages)) throw invalid(where, "messageRateLimit.messages", "a positive integer", rate.messages);
    if (rate.bytes !== undefined && !positive(rate.bytes)) throw invalid(where, "messageRateLimit.bytes", "a positive integer", rate.bytes);
    if (rate.intervalMs !== undefined && !positive(rate.intervalMs)) throw invalid(where, "messageRateLimit.intervalMs", "a positive integer", rate.intervalMs);
  }
}

/** The limits `options` sets explicitly, or undefined when it sets none (a mounted front door then inherits all). */
export function pickLimits(options: RouteLimits): RouteLimits | undefined {
  let picked: Record<string, unknown> | undefined;
  for (const key of LIMIT_KEYS) {
    if (options[key] !== undefined) (picked ??= {})[key] = options[key];
  }
  return picked as RouteLimits | undefined;
}
