// One client event as the dispatcher runs it, shared by the dispatcher and the run-once wrapper (once.ts).

import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { ProtocolSocket } from "./reply.ts";

/** One client event: its schema (none for an unvalidated gateway method) and its handler, called on `self`. */
export interface Route {
  readonly event: string;
  /** The schema's `~standard` props: `validate` is called on it, as a library may rely on `this`. */
  readonly standard: StandardSchemaV1["~standard"] | undefined;
  /** The schema itself, when its library has a faster entry than `~standard` (zod 4: check.ts). */
  readonly schema?: StandardSchemaV1;
  readonly handler: (this: unknown, ws: ProtocolSocket, data: unknown) => unknown;
  readonly self: unknown;
}
