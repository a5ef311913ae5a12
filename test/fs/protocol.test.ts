// The typed-message contract through a file socket route: `sockets/chat/route.ts` exporting `protocol.handle(...)`
// as default, with `upgrade` naming each connection. The handlers under test reach the route file through a global.

import { handlersMount, protocolContract } from "../protocol/contract.ts";
import { fileRoutes } from "../../src/fs/index.ts";
import { writeTree } from "./support.ts";

const HANDLERS = "__bunwireContractHandlers";

protocolContract("file socket route", handlersMount(async (websocket) => {
  (globalThis as Record<string, unknown>)[HANDLERS] = websocket;
  const dir = writeTree({
    "sockets/chat/route.ts": `
      let names = 0;
      export function upgrade() { return { data: { name: "user" + ++names } }; }
      export default globalThis.${HANDLERS};
    `,
  });
  const router = await fileRoutes(dir);
  const server = router.serve({ port: 0, hostname: "127.0.0.1" });
  return { url: `ws://127.0.0.1:${server.port}/sockets/chat`, target: server, stop: () => router.close() };
}));
