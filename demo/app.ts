// The demo: a chat with rooms on the App front door. `/chat/:room` is a WebSocket route; a middleware checks the
// name before the upgrade; the typed protocol routes events, validates them and acknowledges `say`.
import { join } from "node:path";
import { bunwire, rateLimit, type App, type Bus, type WebSocketData } from "bunwire";
import { buildClient } from "../scripts/build-client.ts";
import { MemoryPresence, type RoomPresence } from "./presence.ts";
import { chat } from "./protocol.ts";

type ChatData = WebSocketData<{ room: string }, { name: string }>;

const PUBLIC = join(import.meta.dir, "public");
const NAME = /^[\p{L}\p{N} _.-]{1,24}$/u;

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

  app.get("/", async (_req, res) => res.html(await Bun.file(join(PUBLIC, "index.html")).text()));
  app.get("/instance", (_req, res) => res.json({ instance }));
  app.get("/client.js", async (_req, res) => res.type("text/javascript; charset=utf-8").send(await Bun.file(join(PUBLIC, "client.js")).bytes()));

  app.ws(
    "/chat/:room",
    rateLimit({ windowMs: 60_000, max: 60 }),
    (req, res, next) => {
      const name = String(req.query.name ?? "").trim();
      if (!NAME.test(name)) return res.status(400).json({ error: "pick a name of 1 to 24 letters, digits, spaces, _ . -" });
      res.locals.name = name;
      next();
    },
    chat.handle<ChatData>(
      {
        say(ws, { text }) {
          const message = { id: `m${++nextId}`, from: ws.data.name, text, at: Date.now() };
          // To everyone in the room but the sender, whose page shows its own message and ticks it on this ack.
          chat.publish(ws, ws.data.params.room, "said", message);
          return { id: message.id, at: message.at };
        },
        typing(ws, { typing }) {
          chat.publish(ws, ws.data.params.room, "typing", { from: ws.data.name, typing });
        },
      },
      {
        async open(ws) {
          const { room } = ws.data.params;
          ws.subscribe(room);
          chat.publish(app, room, "joined", { name: ws.data.name, present: await presence.add(room, ws.data.name) });
        },
        async close(ws) {
          const { room } = ws.data.params;
          chat.publish(app, room, "left", { name: ws.data.name, present: await presence.remove(room, ws.data.name) });
        },
      },
    ),
  );
  return app;
}
