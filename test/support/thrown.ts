// The BunwireError a call throws, for tests that check what bunwire refuses and with which code.

import { expect } from "bun:test";
import { BunwireError } from "../../src/engine/errors.ts";

/** What `make()` throws, checked to be a BunwireError; fails the test when it throws nothing (`what` names the call). */
export function thrownBunwireError(make: () => unknown, what = "the call"): BunwireError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(BunwireError);
    return error as BunwireError;
  }
  throw new Error(`${what} did not throw`);
}

/** What `make()` throws as `CODE: message`, or "accepted" when it throws nothing: for tables of right and wrong options. */
export function refusal(make: () => unknown): string {
  try {
    make();
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return `${code}: ${message}`;
  }
  return "accepted";
}
