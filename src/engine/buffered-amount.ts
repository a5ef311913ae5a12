// `ws.bufferedAmount`, which code written for browser WebSockets reads but Bun's ServerWebSocket only offers as
// `getBufferedAmount()`. Defined once as a getter on Bun's own prototype, so sockets stay unwrapped. Its type is
// declared in socket-route.ts, which every front door's published types import.

import type { ServerWebSocket } from "bun";

// The prototype is the process's (every server shares it); this flag only spares the look-up on every open and
// holds nothing that belongs to one app.
let installed = false;

export function installBufferedAmount(ws: ServerWebSocket<unknown>): void {
  if (installed) return;
  installed = true;
  const prototype = Object.getPrototypeOf(ws) as object;
  if (Object.getOwnPropertyDescriptor(prototype, "bufferedAmount") !== undefined) return;
  Object.defineProperty(prototype, "bufferedAmount", {
    configurable: true,
    enumerable: false,
    get(this: ServerWebSocket<unknown>) {
      return this.getBufferedAmount();
    },
  });
}
