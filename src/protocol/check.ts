// One event's validation, compiled once per route: a function that returns the schema's output for valid data, or
// an `Unsettled` holding the Standard Schema result when it has issues or is a promise. The valid, synchronous case
// (almost every message) allocates no result object. Zod 4 schemas take their own parser (`_zod.run`, which also
// runs a `z.compile()`d fast path) instead of the `~standard` wrapper, which costs a closure frame, a try/catch and
// a result object per call. Any other Standard Schema library goes through `~standard.validate` as before.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import { isThenable } from "../engine/thenable.ts";
import { compileZodFast, MISS } from "./zod-fast.ts";

type Outcome = StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>;

/** Validation did not give a value at once: failed (issues), or asynchronous. Never the output of a schema. */
export class Unsettled {
  constructor(readonly outcome: Outcome) {}
}

export type Check = (value: unknown) => unknown;

/** Zod 4's parser, as `schema._zod` exposes it: it fills `issues` on the payload it returns, or returns a promise. */
interface ZodInternals {
  run(payload: { value: unknown; issues: unknown[] }, ctx: { async: boolean }): { value: unknown; issues: unknown[] } | Promise<unknown>;
}

export function compileCheck(schema: StandardSchemaV1 | undefined, standard: StandardSchemaV1["~standard"]): Check {
  const internals = schema === undefined || standard.vendor !== "zod" ? undefined : (schema as { _zod?: Partial<ZodInternals> })._zod;
  if (internals === undefined || typeof internals.run !== "function") return (value) => viaStandard(standard, value);
  const zod = internals as ZodInternals;
  // The commonest schema (an object of plain numbers, strings, booleans) gets a hand-compiled check; zod parses
  // whatever it does not accept, so invalid input still gets zod's issues.
  const fast = compileZodFast(schema);
  const full = zodCheck(zod, standard);
  if (fast === undefined) return full;
  return (value) => {
    const output = fast(value);
    return output === MISS ? full(value) : output;
  };
}

function zodCheck(zod: ZodInternals, standard: StandardSchemaV1["~standard"]): Check {
  // A schema with async parts answers through `~standard` from its first promise on: running its sync parser first
  // each time would run sync refinements twice.
  let async = false;
  return (value) => {
    if (async) return viaStandard(standard, value);
    let payload: { value: unknown; issues: unknown[] } | Promise<unknown>;
    try {
      // `run` is read per call: zod's global `zod/compile` mode replaces it on the first parse.
      payload = zod.run({ value, issues: [] }, { async: false });
    } catch {
      // A check that throws, or one that cannot run synchronously: `~standard` decides, as it did before.
      return viaStandard(standard, value);
    }
    if (payload instanceof Promise) {
      async = true;
      return viaStandard(standard, value);
    }
    if (payload.issues.length === 0) return payload.value;
    // Invalid input (rare): `~standard` parses again to give the issues their messages, as zod's own compiled
    // path does; refinements then run twice, and only for invalid input.
    return new Unsettled(standard.validate(value));
  };
}

function viaStandard(standard: StandardSchemaV1["~standard"], value: unknown): unknown {
  const outcome = standard.validate(value);
  if (isThenable(outcome) || outcome.issues !== undefined) return new Unsettled(outcome);
  return outcome.value;
}
