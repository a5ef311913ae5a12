// The demo chat's protocol: shared by the server (demo/app.ts) and the page (demo/public/index.html imports the
// client bundle and speaks it). Every payload is validated on the server with zod. A person is one browser tab:
// `id` is the tab's own (sessionStorage), `name` what they typed, so two tabs named Ada are still two people.
import { z } from "zod";
import { defineProtocol } from "bunwire";

const person = z.object({ id: z.string(), name: z.string() });

export const chat = defineProtocol({
  name: "demo-chat",
  client: {
    say: z.object({ text: z.string().trim().min(1).max(500) }),
    typing: z.object({ typing: z.boolean() }),
  },
  server: {
    /** `by` is the sender's id: the page shows a message as its own when `by` is its id. */
    said: z.object({ id: z.string(), from: z.string(), by: z.string(), text: z.string(), at: z.number() }),
    typing: z.object({ from: z.string(), by: z.string(), typing: z.boolean() }),
    /** Sent to the whole room, the newcomer included: `present` is everyone there now, so every page refreshes its list. */
    joined: z.object({ person, present: z.array(person) }),
    left: z.object({ person, present: z.array(person) }),
  },
  acks: {
    say: z.object({ id: z.string(), at: z.number() }),
  },
});

export type Person = z.infer<typeof person>;
