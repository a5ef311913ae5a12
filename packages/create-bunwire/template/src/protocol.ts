// The chat's messages, shared by the server (src/app.ts) and the page (src/page.ts): one declaration, typed on
// both sides. It comes from `bunwire/client`, so the page can import it; the server adds its half with
// `serverProtocol(chat)`. Every payload a client sends is validated on the server with these schemas.
import { defineProtocol } from "bunwire/client";
import { z } from "zod";

export const chat = defineProtocol({
  name: "chat",
  client: {
    say: z.object({ text: z.string().trim().min(1).max(500) }),
  },
  server: {
    said: z.object({ from: z.string(), text: z.string(), at: z.number() }),
  },
  acks: {
    say: z.object({ at: z.number() }),
  },
});
