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
