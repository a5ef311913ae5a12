// Not in seed 001: a socket route (`app/sockets/<path>/route.ts`) serves a typed protocol at /sockets/chat.
// Export `protocol.handle(...)` as default (or `protocol` + `handlers` + `options`); `upgrade` works as in `app/ws`.
// Client: `connect<typeof chat>("ws://localhost:3000/sockets/chat?name=ada")` from `bunwire/client`.
import { serverProtocol } from "bunwire";
import { chat } from "./protocol.ts";

// The protocol file is shared with browser code, so it has no server half: this gives it one.
const chatServer = serverProtocol(chat);

export function upgrade(req: Request) {
  const name = new URL(req.url).searchParams.get("name");
  return name ? { data: { name } } : false;
}

export default chatServer.handle<{ name: string }>({
  say(ws, { text }) {
    chatServer.broadcast(ws, "said", { from: ws.data.name, text }); // everyone on /sockets/chat but the sender
    return { ok: true };
  },
});
