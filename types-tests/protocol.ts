// Compile-time checks of typed messages: `tsc --noEmit` (in `npm test`) fails if a wrong payload compiles
// (each `@ts-expect-error` must hit an error) or if a right one does not.

import { z } from "zod";
import * as v from "valibot";
import { defineProtocol, serverProtocol } from "../src/protocol/index.ts";
import { connect } from "../src/client/index.ts";
import { defineProtocol as defineFromClient } from "bunwire/client";

const chat = defineProtocol({
  client: {
    join: z.object({ room: z.string() }),
    say: z.object({ text: z.string().max(500) }),
    typing: v.object({ on: v.boolean() }),
    size: z.string().transform((s) => s.length),
  },
  server: { said: z.object({ from: z.string(), text: z.string() }) },
  acks: { say: z.object({ ok: z.boolean() }) },
});

interface Data {
  name: string;
  room: string;
}

chat.handle<Data>({
  join(ws, { room }) {
    ws.subscribe(room);
    ws.data.room = room;
  },
  say(ws, { text }) {
    chat.publish(ws, ws.data.room, "said", { from: ws.data.name, text });
    return { ok: true };
  },
  typing(_ws, data) {
    const on: boolean = data.on;
    void on;
  },
  size(_ws, data) {
    const length: number = data; // handler data is the schema's OUTPUT type
    void length;
  },
});

chat.handle<Data>({
  join() {},
  // @ts-expect-error the ack of "say" is declared as { ok: boolean }
  say() {
    return { ok: "yes" };
  },
  typing() {},
  size() {},
});

// @ts-expect-error every client event needs a handler ("size" is missing)
chat.handle<Data>({ join() {}, say: () => ({ ok: true }), typing() {} });

chat.handle<Data>({
  join() {},
  say: () => ({ ok: true }),
  typing() {},
  size() {},
  // @ts-expect-error not an event of this protocol
  other() {},
});

chat.handle<Data>({
  join(ws) {
    // @ts-expect-error "shout" is not a server event
    chat.publish(ws, "room", "shout", { text: "x" });
    // @ts-expect-error wrong payload for "said"
    chat.emit(ws, "said", { from: "a" });
    // @ts-expect-error ws.data is typed by handle<Data>()
    ws.data.missing.toString();
  },
  say: () => ({ ok: true }),
  typing() {},
  size() {},
});

const client = connect<typeof chat>("ws://localhost:3000/chat");
client.emit("join", { room: "a" });
client.emit("size", "abc"); // emit takes the schema's INPUT type
// @ts-expect-error wrong payload type
client.emit("join", { room: 1 });
// @ts-expect-error missing field
client.emit("say", {});
// @ts-expect-error unknown client event
client.emit("said", { from: "a", text: "b" });
// @ts-expect-error server events cannot be listened to as client events
client.on("join", () => {});

client.on("said", (message, meta) => {
  const from: string = message.from;
  const topic: string | undefined = meta.topic;
  // @ts-expect-error no such field
  message.nope;
  void from, topic;
});

async function requests(): Promise<void> {
  const ack = await client.request("say", { text: "hi" }, { timeout: 2000 });
  const ok: boolean = ack.ok; // the declared ack type
  // @ts-expect-error the ack is { ok: boolean }
  const wrong: string = ack.ok;
  const untyped = await client.request("join", { room: "a" });
  // @ts-expect-error without a declared ack the result is unknown
  untyped.anything;
  // @ts-expect-error wrong payload for a request
  await client.request("say", { text: 1 });
  void ok, wrong;
}
void requests;

// The client entry point declares without the server half; `serverProtocol` adds it, with the same types.
const shared = defineFromClient({ client: { say: z.object({ text: z.string() }) }, server: { said: z.string() } });
// @ts-expect-error a declaration from bunwire/client has no handle(): it carries no server code
shared.handle;
const sharedServer = serverProtocol(shared);
sharedServer.handle({ say: (_ws, { text }) => text.length });
// @ts-expect-error the server event's payload is typed through serverProtocol too
sharedServer.broadcast({ publish() {} }, "said", 42);
const named = defineProtocol({ name: "chat", client: {}, server: {} });
const name: string = named.name;
void name;
