// Not in seed 001 (it only points to socket routes): a typed protocol for `app/sockets/chat/route.ts`, shared by
// server and browser code (docs/PROTOCOL.md). `bunwire/client` has no server code, so a browser bundle may import it.
import { defineProtocol } from "bunwire/client";
import { z } from "zod";

export const chat = defineProtocol({
  client: { say: z.object({ text: z.string().min(1).max(500) }) },
  server: { said: z.object({ from: z.string(), text: z.string() }) },
  acks: { say: z.object({ ok: z.boolean() }) },
});
