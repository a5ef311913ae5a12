// The engine contract (test/contract/engine-contract.ts) through file routes: a `ws/contract/[id]/route.ts` whose
// exports call the contract's handlers (reached through a global), served by `fileRoutes(dir).serve()`.

import { engineContract } from "../contract/engine-contract.ts";
import { fileRoutes } from "../../src/fs/index.ts";
import { writeTree } from "./support.ts";

const HANDLERS = "__bunwireEngineContract";
let trees = 0;

engineContract("file routes", async (handlers, options) => {
  const key = `${HANDLERS}${++trees}`;
  (globalThis as Record<string, unknown>)[key] = handlers;
  const errorExport = handlers.error === undefined ? "" : `export function onError(ws, error) { return h.error(ws, error); }`;
  const dir = writeTree({
    "ws/contract/[id]/route.ts": `
      const h = globalThis.${key};
      export function onOpen(ws) { return h.open?.(ws); }
      export function onMessage(ws, message) { return h.message?.(ws, message); }
      export function onClose(ws, ctx, code, reason) { return h.close?.(ws, code, reason); }
      export function onPong(ws, data) { return h.pong?.(ws, data); }
      ${errorExport}
    `,
  });
  const errors: unknown[] = [];
  const router = await fileRoutes(dir, { websocket: options.websocket, onError: (error) => void errors.push(error) });
  const server = router.serve({ port: 0, hostname: "127.0.0.1" });
  return {
    url: `ws://127.0.0.1:${server.port}/ws/contract/1`,
    publish: (topic, data) => router.publish(topic, data),
    subscriberCount: (topic) => router.subscriberCount(topic),
    errors,
    stop: () => router.close(),
  };
});
