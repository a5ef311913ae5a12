// Validation of one payload through a Standard Schema, for front doors that dispatch by themselves
// (gateways' @SubscribeMessage). `protocol.handle()` inlines the same steps on its hot path.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import { ProtocolError } from "./errors.ts";
import { toWireIssues } from "./envelope.ts";

/** The outcome of `validatePayload`: the schema's output, or the VALIDATION_FAILED error to reply with. */
export type Validated<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

function outcome<T>(result: StandardSchemaV1.Result<T>, event: string): Validated<T> {
  if (result.issues !== undefined) {
    return { ok: false, error: new ProtocolError("VALIDATION_FAILED", `invalid data for "${event}"`, toWireIssues(result.issues)) };
  }
  return { ok: true, value: result.value };
}

/** Validates `data` for `event`; synchronous when the validator is (a promise only for async validators). */
export function validatePayload<S extends StandardSchemaV1>(schema: S, data: unknown, event: string): Validated<StandardSchemaV1.InferOutput<S>> | Promise<Validated<StandardSchemaV1.InferOutput<S>>> {
  const result = schema["~standard"].validate(data) as StandardSchemaV1.Result<StandardSchemaV1.InferOutput<S>> | Promise<StandardSchemaV1.Result<StandardSchemaV1.InferOutput<S>>>;
  if (result instanceof Promise) return result.then((settled) => outcome(settled, event));
  return outcome(result, event);
}
