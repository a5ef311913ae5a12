// Stand-in for the bus branch's `whenSubscribed(ws, topic)` (src/engine/topics.ts): resolves once the bus
// subscription for `topic` on this socket's instance is live, so `$join` reads history only after live delivery
// is guaranteed. Until that lands it resolves at once; the lead points this import at the real one when merging.

import type { ServerWebSocket } from "bun";

export function whenSubscribed(_ws: ServerWebSocket<unknown>, _topic: string): Promise<void> {
  return Promise.resolve();
}
