// The demo chat's protocol: shared by the server (demo/app.ts) and the page (demo/public/index.html imports the
// client bundle and speaks it). Every payload is validated on the server with zod.
import { z } from "zod";
import { defineProtocol } from "bunwire";

export const chat = defineProtocol({
  client: {
    say: z.object({ text: z.string().trim().min(1).max(500) }),
    typing: z.object({ typing: z.boolean() }),
  },
  server: {
    said: z.object({ id: z.string(), from: z.string(), text: z.string(), at: z.number() }),
    typing: z.object({ from: z.string(), typing: z.boolean() }),
    joined: z.object({ name: z.string(), present: z.array(z.string()) }),
    left: z.object({ name: z.string(), present: z.array(z.string()) }),
  },
  acks: {
    say: z.object({ id: z.string(), at: z.number() }),
  },
});
