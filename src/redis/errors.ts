// Named errors of bunwire/redis, with stable codes (thrown at construction, never from the publish path).

import { BunwireError } from "../engine/errors.ts";
import { unknownOption } from "../engine/option-names.ts";

export type RedisErrorCode = "REDIS_BUS_OPTIONS" | "REDIS_HISTORY_OPTIONS" | "REDIS_IDEMPOTENCY_OPTIONS" | "REDIS_PRESENCE_OPTIONS" | "REDIS_PRESENCE_INPUT";

export class RedisBusError extends BunwireError {
  override name = "RedisBusError";
  declare readonly code: RedisErrorCode;
  constructor(code: RedisErrorCode, message: string) {
    super(code, message);
  }
}

/** Throws `code` for an options object that is none, or that has a name `known` lacks (a typo would be ignored). */
export function checkRedisOptionNames(options: unknown, known: readonly string[], code: RedisErrorCode, what: string): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) throw new RedisBusError(code, `${what} takes an options object, got ${options === null ? "null" : typeof options}`);
  const problem = unknownOption(options, known);
  if (problem !== undefined) throw new RedisBusError(code, `${what}: ${problem}`);
}
