// bunwire through the App front door (`bunwire()`): the same jobs as raw-bun.ts, written as an App user would.
// /up-mw runs two middlewares before the upgrade: an auth-header check and bunwire's own session().

import { bunwire, MemoryStore, session, type Middleware } from "bunwire";
import { AUTH_HEADER, SESSION_COOKIE, SESSION_ID, SESSION_SECRET, sessions } from "./contract.ts";

const store = new MemoryStore();
store.set(SESSION_ID, { ...sessions.get(SESSION_ID) }, 86_400_000);

const auth: Middleware = (req, res, next) => {
  if (req.get("authorization") === AUTH_HEADER) next();
  else res.status(401).text("unauthorized");
};

const app = bunwire({ websocket: { perMessageDeflate: false } });

app.ws("/echo", {
  message(ws, message) {
    ws.send(message);
  },
});
app.ws("/fanout", {
  open(ws) {
    ws.subscribe("fan");
  },
});
app.ws("/publish", {
  message(_ws, message) {
    app.publish("fan", message);
  },
});
app.ws("/up", {});
app.ws("/up-mw", auth, session({ secret: SESSION_SECRET, cookieName: SESSION_COOKIE, store }), {});

const server = app.listen(0, "127.0.0.1");
console.log(`PORT ${server.port}`);
