// The server: the page, its script (src/page.ts, bundled for browsers by Bun.build when the app starts) and the
// chat's WebSocket route, typed by the protocol both sides share (src/protocol.ts).
import { join } from "node:path";
import { bunwire, serverProtocol, type App, type WebSocketData } from "bunwire";
import { chat } from "./protocol.ts";

const chatServer = serverProtocol(chat); // the server half of the shared declaration: handle, emit, publish
const NAME = /^[\p{L}\p{N} _.-]{1,24}$/u;
const ROOM = "lobby";

/** `ws.data` on the chat route: what the name check put on `res.locals`. */
type ChatData = WebSocketData<{}, { name: string }>;

export async function createApp(): Promise<App> {
  const script = await bundlePage();
  const app = bunwire();

  app.get("/", (_req, res) => res.sendFile(join(import.meta.dir, "../public/index.html")));
  app.get("/page.js", (_req, res) => res.type("text/javascript; charset=utf-8").send(script));

  app.ws(
    "/chat",
    // Runs before the upgrade: a bad name gets a 400 and no socket is opened.
    (req, res, next) => {
      const name = String(req.query.name ?? "").trim();
      if (!NAME.test(name)) return res.status(400).json({ error: "name: 1 to 24 letters, digits, spaces, _ . -" });
      res.locals.name = name;
      next();
    },
    chatServer.handle<ChatData>(
      {
        // `text` is already validated and trimmed; the return value is the request's acknowledgement.
        say(ws, { text }) {
          const at = Date.now();
          chatServer.publish(ws, ROOM, "said", { from: ws.data.name, text, at }); // everyone but the sender
          return { at };
        },
      },
      {
        open(ws) {
          ws.subscribe(ROOM);
        },
      },
    ),
  );
  return app;
}

/** src/page.ts and what it imports (bunwire/client), as one browser script. */
async function bundlePage(): Promise<string> {
  const result = await Bun.build({ entrypoints: [join(import.meta.dir, "page.ts")], target: "browser", minify: true });
  const output = result.outputs[0];
  if (!result.success || output === undefined) throw new Error(`bundling src/page.ts failed:\n${result.logs.join("\n")}`);
  return output.text();
}
