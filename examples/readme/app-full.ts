// The README's App section, type-checked.
import { bunwire, session, rateLimit, type Middleware } from "bunwire";

const app = bunwire({ websocket: { maxPayloadLength: 64 * 1024, idleTimeout: 60, perMessageDeflate: true } });
app.use(session({ secret: process.env.SESSION_SECRET! }));
app.use(rateLimit({ windowMs: 60_000, max: 100 }));           // HTTP requests and upgrades alike: 429 + Retry-After

app.post("/login", (req, res) => { req.session.userId = req.body.user; res.json({ ok: true }); });

const auth: Middleware = (req, res, next) => (req.session.userId ? next() : res.status(401).json({ error: "Unauthorized" }));
app.ws("/room/:roomId", auth, {                                // middleware runs BEFORE the upgrade
  open(ws) { ws.subscribe(ws.data.params.roomId); },           // params are typed from the path, URL-decoded
  message(ws, message) { ws.publish(ws.data.params.roomId, message); },
  close(ws, code, reason) {},
  error(ws, err) { console.error(err); },                      // what open/message/close threw or rejected
});
app.printRoutes();   // POST    /login
                     // WS      /room/:roomId
const server = app.listen(0);                               // Bun's Server, synchronously
app.publish("room-1", "hello");  app.subscriberCount("room-1");  await app.close();
void server;
