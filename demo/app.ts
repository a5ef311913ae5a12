// The demo: a chat with rooms on the App front door. `/chat/:room` is a WebSocket route; a middleware checks the
// name before the upgrade; the typed protocol routes events, validates them and acknowledges `say`.
import { join } from "node:path";
import { bunwire, rateLimit, type App, type WebSocketData } from "bunwire";
import { buildClient } from "../scripts/build-client.ts";
import { chat } from "./protocol.ts";

type ChatData = WebSocketData<{ room: string }, { name: string }>;

const PUBLIC = join(import.meta.dir, "public");
const NAME = /^[\p{L}\p{N} _.-]{1,24}$/u;

/** Who is in each room, by name (a name may have several tabs open). */
class Presence {
  readonly #rooms = new Map<string, Map<string, number>>();
  add(room: string, name: string): string[] {
    const names = this.#rooms.get(room) ?? new Map<string, number>();
    names.set(name, (names.get(name) ?? 0) + 1);
    this.#rooms.set(room, names);
    return [...names.keys()];
  }
  remove(room: string, name: string): string[] {
    const names = this.#rooms.get(room);
    if (names === undefined) return [];
    const left = (names.get(name) ?? 1) - 1;
    if (left > 0) names.set(name, left);
    else names.delete(name);
    if (names.size === 0) this.#rooms.delete(room);
    return [...names.keys()];
  }
}

export async function createDemo(): Promise<App> {
  await buildClient(join(PUBLIC, "client.js"));
  const app = bunwire();
  const presence = new Presence();
  let nextId = 0;

  app.get("/", async (_req, res) => res.html(await Bun.file(join(PUBLIC, "index.html")).text()));
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
        open(ws) {
          const { room } = ws.data.params;
          ws.subscribe(room);
          chat.publish(app, room, "joined", { name: ws.data.name, present: presence.add(room, ws.data.name) });
        },
        close(ws) {
          const { room } = ws.data.params;
          chat.publish(app, room, "left", { name: ws.data.name, present: presence.remove(room, ws.data.name) });
        },
      },
    ),
  );
  return app;
}
