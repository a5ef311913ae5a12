// Client options: the reconnect delay (exponential backoff with jitter) and the checks of bad options.

import { expect, test } from "bun:test";
import { connect, ClientError, reconnectDelay } from "../../src/client/index.ts";

test("reconnect delays grow exponentially, stay within the jitter band and the maximum", () => {
  const options = { initialDelay: 100, maxDelay: 1000, factor: 2, jitter: 0.5, maxAttempts: Infinity };
  expect(reconnectDelay(0, options, 1)).toBe(100);
  expect(reconnectDelay(0, options, 0)).toBe(50);
  expect(reconnectDelay(3, options, 1)).toBe(800);
  expect(reconnectDelay(10, options, 1)).toBe(1000);
  expect(reconnectDelay(10, options, 0)).toBe(500);
});

test("bad options throw INVALID_OPTIONS naming the option", () => {
  expect(() => connect("ws://127.0.0.1:1/", { maxQueue: -1 })).toThrow(ClientError);
  expect(() => connect("ws://127.0.0.1:1/", { gapTimeout: -1 })).toThrow(/gapTimeout/);
  expect(() => connect("")).toThrow(/url/);
});
