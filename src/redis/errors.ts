// Named errors of bunwire/redis, with stable codes (thrown at construction, never from the publish path).

import { BunwireError } from "../engine/errors.ts";

export type RedisErrorCode = "REDIS_BUS_OPTIONS" | "REDIS_HISTORY_OPTIONS" | "REDIS_PRESENCE_OPTIONS" | "REDIS_PRESENCE_INPUT";

export class RedisBusError extends BunwireError {
  override name = "RedisBusError";
  declare readonly code: RedisErrorCode;
  constructor(code: RedisErrorCode, message: string) {
    super(code, message);
  }
}
