// The Redis stores and the in-memory presence refuse an unknown option name at construction, with a "did you mean",
// as every other option object does: a typo (`ttl` for `ttlMs`) would otherwise run with the default.
import { expect, test } from "bun:test";
import { memoryPresence } from "bunwire";
import { redisHistory, redisIdempotency, redisPresence, RedisBusError } from "bunwire/redis";

function failure(make: () => unknown): { name: string; code: string; message: string } {
  try {
    make();
  } catch (error) {
    const { code, message } = error as RedisBusError;
    return { name: error instanceof RedisBusError ? "RedisBusError" : (error as Error).name, code, message };
  }
  throw new Error("did not throw");
}

test.each([
  ["redisHistory", () => redisHistory({ url: "redis://127.0.0.1:1", maxLen: 5 } as never), "REDIS_HISTORY_OPTIONS", 'redisHistory: unknown option "maxLen" (did you mean "maxLength"?)'],
  ["redisIdempotency", () => redisIdempotency({ url: "redis://127.0.0.1:1", prefx: "x:" } as never), "REDIS_IDEMPOTENCY_OPTIONS", 'redisIdempotency: unknown option "prefx" (did you mean "prefix"?)'],
  ["redisPresence", () => redisPresence({ url: "redis://127.0.0.1:1", ttl: 5000 } as never), "REDIS_PRESENCE_OPTIONS", 'redisPresence: unknown option "ttl" (did you mean "ttlMs"?)'],
])("%s refuses a misspelt option with a RedisBusError", (_name, make, code, message) => {
  expect(failure(make)).toEqual({ name: "RedisBusError", code, message });
});

test("redisIdempotency's own errors are RedisBusErrors too; memoryPresence refuses an unknown name with INVALID_OPTION", () => {
  expect(failure(() => redisIdempotency({}))).toMatchObject({ name: "RedisBusError", code: "REDIS_IDEMPOTENCY_OPTIONS" });
  expect(failure(() => memoryPresence({ maxMeta: 10 } as never))).toMatchObject({ code: "INVALID_OPTION", message: 'memoryPresence(): unknown option "maxMeta" (did you mean "maxMetaBytes"?)' });
});
