// The snippets of docs/PROTOCOL.md about server requests, idempotency, negotiation on a raw Bun.serve, offsets kept
// across reloads and recovery on Redis, type-checked (never run): `tsc --noEmit` fails if the docs drift.

import { defineProtocol, connect } from "bunwire/client";
import { z } from "zod";
import { bunwire, chooseSubprotocol, serverProtocol, ServerRequestError } from "bunwire";
import { redisBus, redisHistory, redisIdempotency } from "bunwire/redis";
import { useSocket, useSocketRequest } from "bunwire/react";

export const pay = defineProtocol({
  name: "pay",
  client: { checkout: z.object({ amount: z.number() }) },
  server: { confirm: z.object({ amount: z.number() }) },
  acks: { checkout: z.object({ paid: z.boolean() }) },
  replies: { confirm: z.object({ ok: z.boolean() }) },
});

declare function askTheUser(question: string): Promise<boolean>;
declare function charge(amount: number): Promise<boolean>;

{
  const payServer = serverProtocol(pay);
  const app = bunwire();
  app.ws("/pay", payServer.handle({
    async checkout(ws, { amount }) {
      try {
        const { ok } = await payServer.request(ws, "confirm", { amount }, { timeout: 30_000 });
        return { paid: ok };
      } catch (error) {
        if (error instanceof ServerRequestError) console.log(error.code, error.event);
        return { paid: false };
      }
    },
  }));
  app.listen(3000);
}

async function client(): Promise<void> {
  const client = connect<typeof pay>("ws://localhost:3000/pay");
  const stop = client.onRequest("confirm", async ({ amount }) => ({ ok: await askTheUser(`Pay ${amount} EUR?`) }));
  console.log(await client.request("checkout", { amount: 12 }));
  stop();
}
void client;

{
  const app = bunwire();
  app.ws("/pay", serverProtocol(pay).handle(
    { async checkout(_ws, { amount }) { return { paid: await charge(amount) }; } },
    { idempotency: { store: redisIdempotency({ url: process.env.REDIS_URL! }), windowMs: 10 * 60_000 } },
  ));
}

async function idempotent(): Promise<void> {
  const client = connect<typeof pay>("wss://shop.example/pay", { idempotent: true });
  await client.request("checkout", { amount: 12 });
  await client.request("checkout", { amount: 12 }, { idempotent: true });
}
void idempotent;

const chat = defineProtocol({
  name: "chat",
  client: { join: z.object({ room: z.string() }), say: z.object({ text: z.string().max(500) }), typing: z.object({ on: z.boolean() }) },
  server: { said: z.object({ from: z.string(), text: z.string() }), typing: z.object({ from: z.string(), on: z.boolean() }) },
  acks: { say: z.object({ id: z.number() }) },
});
const chatServer = serverProtocol(chat);

{
  const websocket = chatServer.handle({ join() {}, say: () => ({ id: 1 }), typing() {} }, { msgpack: false });
  Bun.serve({
    port: 3000,
    fetch(req, server) {
      const chosen = chooseSubprotocol(req, websocket);
      if (chosen === null) return new Response(`speaks ${websocket.subprotocols.join(", ")}`, { status: 400 });
      return server.upgrade(req, { data: { name: "anon" }, headers: chosen ? { "Sec-WebSocket-Protocol": chosen } : undefined }) ? undefined : new Response("");
    },
    websocket,
  });
}

declare function render(message: { from: string; text: string }): void;
async function reload(): Promise<void> {
  const client = connect<typeof chat>("/chat", { persistOffsets: true });
  client.on("said", render);
  const { recovered, missed } = await client.join("lobby");
  void recovered, missed;
}
void reload;

{
  const url = process.env.REDIS_URL!;
  const app = bunwire({ bus: redisBus({ url }) });
  app.ws("/feed", chatServer.handle({ join() {}, say: () => ({ id: 1 }), typing() {} }, { rooms: true, history: redisHistory({ url }) }));
  app.listen(3000);
}

export function Checkout(): null {
  const socket = useSocket("/pay", pay);
  useSocketRequest(socket, "confirm", ({ amount }) => ({ ok: window.confirm(`Pay ${amount}?`) }));
  return null;
}

// README.md, "Typed messages": the same snippet, checked.
export const readmeChat = defineProtocol({
  name: "chat",
  client: { join: z.object({ room: z.string() }), say: z.object({ text: z.string().max(500) }) },
  server: { said: z.object({ from: z.string(), text: z.string() }), confirm: z.object({ text: z.string() }) },
  acks: { say: z.object({ ok: z.boolean() }) },
  replies: { confirm: z.object({ ok: z.boolean() }) },
});
{
  const chatServer = serverProtocol(readmeChat);
  const app = bunwire();
  app.ws("/chat", chatServer.handle<{ name: string; room: string }>({
    join(ws, { room }) { ws.subscribe(room); ws.data.room = room; },
    async say(ws, { text }) {
      const { ok } = await chatServer.request(ws, "confirm", { text });
      if (ok) chatServer.publish(ws, ws.data.room, "said", { from: ws.data.name, text });
      return { ok };
    },
  }, { idempotency: true }));
  app.listen(3000);
}
async function readmeClient(): Promise<void> {
  const client = connect<typeof readmeChat>("ws://localhost:3000/chat", { idempotent: true });
  client.on("said", (m) => console.log(m.from, m.text));
  client.onRequest("confirm", ({ text }) => ({ ok: text.length > 0 }));
  client.emit("join", { room: "a" });
  const ack: { ok: boolean } = await client.request("say", { text: "hi" }, { timeout: 2000, signal: AbortSignal.timeout(5000) });
  void ack;
}
void readmeClient;
