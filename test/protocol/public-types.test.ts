// The public types say what is shipped: `ProtocolErrorCode` lists every code the protocol sends in an error reply
// (a client switching on `error.code` gets no "this comparison appears unintentional" for a real one), and the
// client's option docs name the subpath that really exports what they name.

import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ProtocolErrorCode } from "bunwire";

// Every code of the type, once: the compiler refuses a key the type lacks and a code of the type left out here.
const CODES: Record<ProtocolErrorCode, true> = {
  INVALID_JSON: true,
  INVALID_ENVELOPE: true,
  UNKNOWN_EVENT: true,
  VALIDATION_FAILED: true,
  HANDLER_ERROR: true,
  NOT_ALLOWED: true,
  UNSUPPORTED_CODEC: true,
  TOO_MANY_ROOMS: true,
  RATE_LIMITED: true,
  INVALID_PROTOCOL: true,
  BROADCAST_OFF: true,
  IDEMPOTENCY_CONFLICT: true,
  IDEMPOTENCY_UNAVAILABLE: true,
  PRESENCE_UNAVAILABLE: true,
  REPLY_TIMEOUT: true,
  INVALID_REPLY: true,
  DISCONNECTED: true,
  NOT_SERVED: true,
  ABORTED: true,
  NO_HANDLER: true,
};

const SRC = resolve(import.meta.dir, "../../src");

/** The code lines of the files under `dir` (comment lines left out: an example there is not a code sent). */
function codeLines(dir: string): string[] {
  return [...new Bun.Glob("**/*.ts").scanSync({ cwd: join(SRC, dir) })].flatMap((file) =>
    readFileSync(join(SRC, dir, file), "utf8")
      .split("\n")
      .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line)),
  );
}

test("every code the protocol sends in an error reply is a ProtocolErrorCode", () => {
  // Thrown as a ProtocolError, or answered as a wire error `{ code, message }`.
  const sent = new Set(codeLines("protocol").flatMap((line) => [...line.matchAll(/\bProtocolError\(\s*"([A-Z_]+)"|\bcode: "([A-Z_]+)", message\b/g)].map((match) => (match[1] ?? match[2])!)));
  expect(sent).toContain("IDEMPOTENCY_UNAVAILABLE");
  expect(sent).toContain("PRESENCE_UNAVAILABLE");
  expect([...sent].filter((code) => !Object.hasOwn(CODES, code))).toEqual([]);
});

test('the client options name the subpath that exports what they name ("msgpack" from "bunwire/client/msgpack")', async () => {
  const named = [...readFileSync(join(SRC, "client/options.ts"), "utf8").matchAll(/`(\w+)` \(from "(bunwire[\w/]*)"\)/g)].map(([, name, from]) => [name!, from!] as const);
  expect(named).toContainEqual(["msgpack", "bunwire/client/msgpack"]);
  for (const [name, from] of named) expect(Object.keys(await import(from))).toContain(name);
});
