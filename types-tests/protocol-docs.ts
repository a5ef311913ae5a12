// The snippets of docs/PROTOCOL.md, type-checked (never run): `tsc --noEmit` in `npm test` fails if the docs drift.

import { defineProtocol } from "bunwire/client";
import { z } from "zod";
import { bunwire, MemoryHistory, serverProtocol, servedOn, BunwireError, ProtocolError } from "bunwire";
import { Router } from "bunwire/router";
import { Application, OnMessage, SubscribeMessage, WebSocketGateway, type ServerWebSocket } from "bunwire/gateway";
import { connect, ClientError, RequestError } from "bunwire/client";
import type { HistoryEntry, HistoryPosition, Replay, TopicHistory } from "bunwire";
export const chat = defineProtocol({
  name: "chat",
  client: { join: z.object({ room: z.string() }), say: z.object({ text: z.string().max(500) }), typing: z.object({ on: z.boolean() }) },
  server: { said: z.object({ from: z.string(), text: z.string() }), typing: z.object({ from: z.string(), on: z.boolean() }) },
  acks:   { say: z.object({ id: z.number() }) },
  replies: { typing: z.object({ seen: z.boolean() }) },
});
export const chatServer = serverProtocol(chat);
const app = bunwire();
app.ws("/chat", chatServer.handle<{ name: string; room?: string }>({
  join(ws, { room }) { ws.subscribe(room); ws.data.room = room; },
  say(ws, { text }) { chatServer.publish(app, ws.data.room!, "said", { from: ws.data.name, text }); return { id: Date.now() }; },
  typing(ws, { on }) { chatServer.publish(ws, ws.data.room!, "typing", { from: ws.data.name, on }); },
}, { rooms: true, history: new MemoryHistory() }));
const router = new Router<{ name: string }>();
router.get("/chat", (req) => {
  router.upgrade(req, { data: { name: new URL(req.url).searchParams.get("name") ?? "anon" } });
  return new Response("upgrade only");
});
router.websocket({ ...chatServer.handle<{ name: string }>({ join() {}, say: () => ({ id: 1 }), typing() {} }), idleTimeout: 60 });
const websocket = chatServer.handle<{ name: string }>({ join() {}, say: () => ({ id: 1 }), typing() {} }, { history: new MemoryHistory() });
const server = Bun.serve({ port: 3000, fetch: (req, s) => (s.upgrade(req, { data: { name: "anon" } }) ? undefined : new Response("")), websocket });
servedOn(websocket, server);
const muted = new Set<string>();
chatServer.handle<{ name: string }>({ join() {}, typing() {},
say(ws, { text }) {
  if (muted.has(ws.data.name)) throw new BunwireError("MUTED", "you are muted for 5 minutes");
  if (text.includes("http")) throw new ProtocolError("NO_LINKS", "links are not allowed", [{ message: "remove the link", path: ["text"] }]);
  return { id: Date.now() };
}});
@WebSocketGateway("/chat", { protocol: chat, rooms: true, history: new MemoryHistory(), maxRooms: 20 })
class ChatGateway {
  @SubscribeMessage("say")
  say(ws: ServerWebSocket, { text }: { text: string }) {
    return { id: Date.now() };
  }
  @OnMessage() raw(ws: ServerWebSocket, message: string | Buffer) {}
}
const gapp = new Application({ port: 3000 }).registerGateway(ChatGateway);
gapp.listen(3000, "127.0.0.1");
serverProtocol(chat).broadcast(gapp, "said", { from: "server", text: "hi" });
declare function reloadRoom(t: string): void;
declare function render(a: string, b: string, c?: number): void;
async function f() {
const client = connect<typeof chat>("ws://localhost:3000/chat", {
  onRejoin: (topic, { recovered }) => { if (!recovered) reloadRoom(topic); },
});
client.on("said", (m, meta) => render(m.from, m.text, meta.seq));
client.emit("typing", { on: true });
try {
  const ack = await client.request("say", { text: "hi" }, { timeout: 2000, signal: AbortSignal.timeout(5000) });
  const id: number = ack.id;
} catch (error) {
  if (error instanceof RequestError) console.log(error.code, error.issues);
  else if (error instanceof ClientError) console.log(error.code);
}
await client.join("lobby");
client.onState((s) => console.log(s)); client.onError((e) => console.log(e.code, e.event)); await client.whenOpen(); client.close();
}
type X = [HistoryEntry, HistoryPosition, Replay, TopicHistory];
