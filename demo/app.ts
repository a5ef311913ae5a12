// The demo: a chat with rooms on the App front door. `/chat/:room` is a WebSocket route; a middleware checks the
// tab's name and id before the upgrade and makes them the connection's identity; the typed protocol routes events,
// validates them and acknowledges `say`. The page (public/index.html) asks for the name in a form.
import { join } from "node:path";
import { bunwire, rateLimit, type App, type Bus, type ServerWebSocket, type WebSocketData } from "bunwire";
import { buildClient } from "../scripts/build-client.ts";
import { MemoryPresence, type RoomPresence } from "./presence.ts";
import { chat, type Person } from "./protocol.ts";

type ChatData = WebSocketData<{ room: string }, { person: Person }>;

const PUBLIC = join(import.meta.dir, "public");
export const NAME = /^[\p{L}\p{N} _.-]{1,24}$/u;
/** A tab's id: random hex the page keeps in sessionStorage. */
const TAB_ID = /^[0-9a-f]{8,32}$/;

export interface DemoOptions {
  /** A cross-instance bus (`npm run demo:cluster` passes redisBus); in-process pub/sub without one. */
  bus?: Bus;
  presence?: RoomPresence;
  /** Shown on the page, so you can see which instance a tab is on. */
  instance?: string;
}

export async function createDemo(options: DemoOptions = {}): Promise<App> {
  await buildClient(join(PUBLIC, "client.js"));
  const app = bunwire({ bus: options.bus });
  const presence = options.presence ?? new MemoryPresence();
  const instance = options.instance ?? "single process";
  let nextId = 0;

  app.get("/", (_req, res) => res.sendFile(join(PUBLIC, "index.html")));
  app.get("/instance", (_req, res) => res.json({ instance }));
  app.get("/client.js", (_req, res) => res.sendFile(join(PUBLIC, "client.js")));
  // The page links /favicon.svg; /favicon.ico is what browsers and tools ask for by default: both get the icon.
  for (const path of ["/favicon.svg", "/favicon.ico"]) app.get(path, (_req, res) => res.sendFile(join(PUBLIC, "favicon.svg")));

  const person = (ws: ServerWebSocket<ChatData>) => ws.data.person;

  app.ws(
    "/chat/:room",
    rateLimit({ windowMs: 60_000, max: 60 }),
    (req, res, next) => {
      const name = String(req.query.name ?? "").trim();
      const id = String(req.query.id ?? "");
      if (!NAME.test(name)) return res.status(400).json({ error: "pick a name of 1 to 24 letters, digits, spaces, _ . -" });
      if (!TAB_ID.test(id)) return res.status(400).json({ error: "id: 8 to 32 hex digits (the page makes one per tab)" });
      res.locals.person = { id, name };
      req.user = { id, name }; // the connection's identity: connectionOf(ws).user
      next();
    },
    chat.handle<ChatData>(
      {
        say(ws, { text }) {
          const { id: by, name: from } = person(ws);
          const message = { id: `m${++nextId}`, from, by, text, at: Date.now() };
          // To everyone in the room but the sender, whose page shows its own message and ticks it on this ack.
          chat.publish(ws, ws.data.params.room, "said", message);
          return { id: message.id, at: message.at };
        },
        typing(ws, { typing }) {
          chat.publish(ws, ws.data.params.room, "typing", { from: person(ws).name, by: person(ws).id, typing });
        },
      },
      {
        // Published through the app, so the newcomer gets the list too: after a reconnect, that is its fresh presence.
        async open(ws) {
          const { room } = ws.data.params;
          ws.subscribe(room);
          chat.publish(app, room, "joined", { person: person(ws), present: await presence.add(room, person(ws)) });
        },
        async close(ws) {
          const { room } = ws.data.params;
          chat.publish(app, room, "left", { person: person(ws), present: await presence.remove(room, person(ws)) });
        },
      },
    ),
  );
  return app;
}
