// The admission contract through file routes: `ws/adm/[id]/route.ts` exports `upgrade(req, ctx)`, which decides
// (the decision and handlers are reached through a global, as the engine contract's file-route binding does).
import { fileRoutes } from "bunwire/fs";
import { writeTree } from "../fs/support.ts";
import { admissionContract } from "./admission-contract.ts";

let trees = 0;

admissionContract("file routes", async ({ decide, handlers, options }) => {
  const key = `__bunwireAdmissionContract${++trees}`;
  (globalThis as Record<string, unknown>)[key] = { decide, handlers };
  const dir = writeTree({
    "ws/adm/[id]/route.ts": `
      const h = globalThis.${key};
      export function upgrade(req) { return h.decide(req); }
      export function onOpen(ws) { return h.handlers.open(ws); }
      export function onMessage(ws, message) { return h.handlers.message(ws, message); }
    `,
  });
  const errors: unknown[] = [];
  const router = await fileRoutes(dir, { ...options, onError: (error) => void errors.push(error) });
  const server = router.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  return { url: (id) => `ws://127.0.0.1:${server.port}/ws/adm/${id}`, errors, stop: () => router.close() };
});
