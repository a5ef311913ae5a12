// The typed-message contract through the App front door: `app.ws(path, chat.handle(...))` on `bunwire()`.
// The App is loaded by path so this file type-checks before the engine lands; it is skipped until then.

import { test } from "bun:test";
import { existsSync } from "node:fs";
import type { Server } from "bun";
import type { ProtocolSocketHandlers } from "../../src/protocol/index.ts";
import { protocolContract } from "./contract.ts";
import type { ChatData } from "./fixture.ts";

interface App {
  ws(path: string, handlers: ProtocolSocketHandlers<ChatData>): unknown;
  listen(port: number): Server<unknown>;
  close(): Promise<void>;
}

const engineLanded = existsSync(new URL("../../src/index.ts", import.meta.url).pathname);
const bunwire = engineLanded
  ? ((await import(String("../../src/index.ts"))) as { bunwire?: (options?: object) => App }).bunwire
  : undefined;

if (bunwire === undefined) {
  console.warn("[bunwire] SKIPPED protocol contract through the App: src/index.ts does not export bunwire() yet");
  test.skip("protocol contract (bunwire() App): waits for the engine", () => {});
} else {
  protocolContract("bunwire() App", (websocket) => {
    const app = bunwire();
    app.ws("/chat/:room", websocket);
    const server = app.listen(0);
    return { url: `ws://127.0.0.1:${server.port}/chat/lobby`, stop: () => app.close() };
  });
}
