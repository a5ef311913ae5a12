// `rateLimit({ windowMs, max })`: a fixed window per client key (the IP by default). Past `max` the request gets
// 429 with Retry-After, whether it is an HTTP request or a WebSocket upgrade (the upgrade is refused).

import type { BunwireRequest } from "./request.ts";
import { checkOptionNames, optionKeys } from "../engine/option-names.ts";
import { BunwireError } from "../engine/errors.ts";
import { SIZES, type Sizes } from "../engine/sizes.ts";
import type { Middleware } from "./middleware-chain.ts";
import { checkOptionValues, COUNT, FUNCTION, MILLISECONDS, TEXT, type Rule } from "../engine/option-values.ts";

export interface RateLimitOptions {
  /** Window length in milliseconds (default 60 000). */
  windowMs?: number;
  /** Requests allowed per key and window (default 100). */
  max?: number;
  /** Who is counted (default: the client IP). */
  key?: (req: BunwireRequest<any>) => string;
  message?: string;
}

const RATE_LIMIT_KEYS = optionKeys<RateLimitOptions>({ windowMs: true, max: true, key: true, message: true });
const RATE_LIMIT_RULES = { windowMs: MILLISECONDS, max: COUNT, key: FUNCTION, message: TEXT } satisfies Record<keyof RateLimitOptions, Rule>;

export function rateLimit(options: RateLimitOptions = {}): Middleware {
  checkOptionNames(options, RATE_LIMIT_KEYS, "rateLimit()");
  checkOptionValues(options, RATE_LIMIT_RULES, "rateLimit()");
  const windowMs = options.windowMs ?? 60_000;
  const max = options.max ?? 100;
  const keyOf = options.key ?? ((req) => req.ip);
  const message = options.message ?? "Too many requests, please try again later.";
  if (!(windowMs > 0) || !(max >= 0)) throw new BunwireError("INVALID_OPTION", `rateLimit(): windowMs must be > 0 and max >= 0, got windowMs ${String(windowMs)}, max ${String(max)}`);
  const windows = new Map<string, { count: number; resetAt: number }>();
  let nextSweep = 0;

  const limit: Middleware = (req, res, next) => {
    const now = Date.now();
    if (now >= nextSweep) {
      nextSweep = now + windowMs;
      for (const [key, entry] of windows) if (entry.resetAt <= now) windows.delete(key);
    }
    const key = keyOf(req);
    let entry = windows.get(key);
    if (entry === undefined || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + windowMs };
      windows.set(key, entry);
    }
    entry.count++;
    const resetSeconds = Math.max(1, Math.ceil((entry.resetAt - now) / 1000));
    res.set("RateLimit-Limit", String(max));
    res.set("RateLimit-Remaining", String(Math.max(0, max - entry.count)));
    res.set("RateLimit-Reset", String(resetSeconds));
    if (entry.count > max) {
      res.status(429).set("Retry-After", String(resetSeconds)).json({ error: message });
      return;
    }
    next();
  };
  // Internal (churn tests): keys with a window, expired ones not yet swept included.
  return Object.assign(limit, { [SIZES]: (): Sizes => ({ "rateLimit.keys": windows.size }) });
}
