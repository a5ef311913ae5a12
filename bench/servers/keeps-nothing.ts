// An idempotency store that remembers nothing: every key is claimed, no outcome is kept. It measures what the
// dispatcher's keyed path costs outside any store (bench/guarantees.ts at capacity, bench/protocol-dispatch.ts
// in-process).

import type { IdempotencyStore } from "bunwire";

export const keepsNothing: IdempotencyStore = { claim: () => ({ state: "claimed" }), complete() {}, close: () => Promise.resolve() };
