// `messageRateLimit`: a token bucket per connection, for messages and bytes per interval. Tokens are kept in
// integer units of 1/intervalMs (a message costs `intervalMs`, each elapsed millisecond refills `messages`), so
// taking a token is integer arithmetic on three fields and never allocates.

import { BunwireError } from "./errors.ts";
import type { MessageRateLimit } from "./limits.ts";

export interface RatePolicy {
  readonly messages: number;
  readonly bytes: number;
  readonly intervalMs: number;
  /** "close": close 1008; otherwise drop the message and call the route's `rejected` hook. */
  readonly close: boolean;
  /** One shared error per policy, handed to `rejected` (no allocation per refused message). */
  readonly error: BunwireError;
}

export function ratePolicy(limit: MessageRateLimit): RatePolicy {
  const intervalMs = limit.intervalMs ?? 1000;
  const what = [limit.messages && `${limit.messages} messages`, limit.bytes && `${limit.bytes} bytes`].filter(Boolean).join(" and ");
  return {
    messages: limit.messages ?? 0,
    bytes: limit.bytes ?? 0,
    intervalMs,
    close: limit.action === "close",
    error: new BunwireError("RATE_LIMITED", `more than ${what} per ${intervalMs} ms`, { closeCode: 1008 }),
  };
}

export class RateBucket {
  messageTokens: number;
  byteTokens: number;
  at: number;

  constructor(policy: RatePolicy, now: number) {
    // A fresh connection starts with a full bucket.
    this.messageTokens = policy.messages * policy.intervalMs;
    this.byteTokens = policy.bytes * policy.intervalMs;
    this.at = now;
  }

  /** Spends a message of `size` if the bucket holds it; a refused message spends nothing. */
  take(policy: RatePolicy, size: number, now: number): boolean {
    const elapsed = now - this.at;
    if (elapsed > 0) {
      this.at = now;
      if (policy.messages !== 0) this.messageTokens = Math.min(policy.messages * policy.intervalMs, this.messageTokens + elapsed * policy.messages);
      if (policy.bytes !== 0) this.byteTokens = Math.min(policy.bytes * policy.intervalMs, this.byteTokens + elapsed * policy.bytes);
    }
    const byteCost = size * policy.intervalMs;
    if (policy.messages !== 0 && this.messageTokens < policy.intervalMs) return false;
    if (policy.bytes !== 0 && this.byteTokens < byteCost) return false;
    this.messageTokens -= policy.intervalMs;
    this.byteTokens -= byteCost;
    return true;
  }
}
