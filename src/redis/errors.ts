// Named errors of bunwire/redis, with stable codes (thrown at construction, never from the publish path).

export type RedisErrorCode = "REDIS_BUS_OPTIONS" | "REDIS_HISTORY_OPTIONS" | "REDIS_PRESENCE_OPTIONS" | "REDIS_PRESENCE_INPUT";

export class RedisBusError extends Error {
  override readonly name = "RedisBusError";
  constructor(readonly code: RedisErrorCode, message: string) {
    super(message);
  }
}
