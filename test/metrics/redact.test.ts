// What bunwire masks before it writes about a request or an error (log lines, the inspector).

import { expect, test } from "bun:test";
import { redactError, redactText } from "../../src/engine/redact.ts";
import { defaultRedact } from "bunwire/metrics";

test("query strings, URL credentials, bearer tokens and secret-named values are masked; the rest stays", () => {
  const cases: Array<[string, string]> = [
    ["GET /chat?token=abc&room=1 failed", "GET /chat?[redacted] failed"],
    ["see https://api.example/v1/items?key=abc#top", "see https://api.example/v1/items?[redacted]#top"],
    ["(https://store.example/put?key=SECRET)", "(https://store.example/put?[redacted])"],
    ["redis://user:hunter2@cache:6379/0 refused", "redis://[redacted]@cache:6379/0 refused"],
    ["Authorization: Bearer eyJhbGciOi.x.y", "Authorization: Bearer [redacted]"],
    ['{"password":"hunter2","name":"ada"}', '{"password":"[redacted]","name":"ada"}'],
    ["api_key=abc123; session_id=xyz", "api_key=[redacted]; session_id=[redacted]"],
    ["cookie: sid=abc", "cookie: [redacted]"],
    ["room /chat/lobby is full", "room /chat/lobby is full"],
  ];
  for (const [text, masked] of cases) expect(redactText(text)).toBe(masked);
});

test("an error with a secret is copied with its name, code and stack masked; one without is returned as it is", () => {
  const clean = new Error("nothing to hide");
  expect(redactError(clean)).toBe(clean);
  const leaky = Object.assign(new TypeError("fetch https://x.example/?token=abc failed"), { code: "E_FETCH" });
  const copy = redactError(leaky) as Error & { code: string };
  expect(copy).not.toBe(leaky);
  expect([copy.name, copy.code, copy.message]).toEqual(["TypeError", "E_FETCH", "fetch https://x.example/?[redacted] failed"]);
  expect(copy.stack).not.toContain("token=abc");
  expect(leaky.message).toContain("token=abc");
});

test("an error's cause chain is masked too, and a thrown value that is no Error is masked as its JSON", () => {
  const root = new Error("connect redis://admin:SECRET_A@db:6379");
  const wrapped = new Error("query failed", { cause: root });
  const copy = redactError(wrapped) as Error;
  expect(copy).not.toBe(wrapped);
  expect(copy.message).toBe("query failed");
  expect((copy.cause as Error).message).toBe("connect redis://[redacted]@db:6379");
  expect(wrapped.cause).toBe(root);
  const clean = new Error("outer", { cause: new Error("inner") });
  expect(redactError(clean)).toBe(clean);
  // A cycle of causes ends.
  const a = new Error("a password=x");
  const b = new Error("b", { cause: a });
  a.cause = b;
  expect((redactError(b) as Error).cause).toBeInstanceOf(Error);
  expect(redactError({ message: "password=SECRET2 token=SECRET3" })).toBe('{"message":"password=[redacted] token=[redacted]"}');
  const harmless = { reason: "full" };
  expect(redactError(harmless)).toBe(harmless);
});

test("the tail's default redaction masks JSON values under secret-looking keys, at any depth, and describes binary", () => {
  expect(defaultRedact('{"user":{"name":"ada","accessToken":"x"},"items":[{"apiKey":"y"}]}')).toBe('{"user":{"name":"ada","accessToken":"[redacted]"},"items":[{"apiKey":"[redacted]"}]}');
  expect(defaultRedact("plain text /p?q=1")).toBe("plain text /p?[redacted]");
  expect(defaultRedact(new Uint8Array(5))).toBe("<binary, 5 bytes>");
  // JSON carried as a string inside JSON (an envelope whose payload was serialized twice).
  expect(defaultRedact(JSON.stringify({ data: JSON.stringify({ token: "SECRET7", n: 1 }) }))).toBe(JSON.stringify({ data: JSON.stringify({ token: "[redacted]", n: 1 }) }));
});
