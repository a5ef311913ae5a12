// Not in seed 001: a socket route (`app/sockets/<path>/route.ts`) serves a typed protocol at /sockets/chat.
// Export `protocol.handle(...)` as default (or `protocol` + `handlers` + `options`); `upgrade` works as in `app/ws`.
// Client: `connect<typeof chat>("ws://localhost:3000/sockets/chat?name=ada")` from `bunwire/client`.
import { chat } from "./protocol.ts";

export function upgrade(req: Request) {
  const name = new URL(req.url).searchParams.get("name");
  return name ? { data: { name } } : false;
}

export default chat.handle<{ name: string }>({
  say(ws, { text }) {
    chat.broadcast(ws, "said", { from: ws.data.name, text }); // everyone on /sockets/chat but the sender
    return { ok: true };
  },
});
