// README "Security and limits": the production App, kept here so tsc checks it.
import { bunwire, connectionOf } from "bunwire";

const app = bunwire({
  allowedOrigins: ["https://app.example.com"],
  trustProxy: 1,
  maxConnections: 50_000,
  maxConnectionsPerIp: 50,
  messageRateLimit: { messages: 50, bytes: 256 * 1024, action: "close" },
  maxQueuedEvents: 256,
  maxQueuedBytes: 1024 * 1024,
  upgradeTimeout: 5_000,
  shutdownTimeout: 25_000,
  websocket: { maxPayloadLength: 64 * 1024, idleTimeout: 120 },
});

// Your authentication: refuse with any response, or set req.user (a string or { id, ...meta }).
app.use((req, res, next) => {
  const user = req.get("x-user");
  if (user === undefined) return void res.status(401).send("sign in first");
  req.user = { id: user, plan: "pro" };
  next();
});

app.ws("/live", {
  open(ws) {
    const connection = connectionOf(ws); // { id, user, route, ip, openedAt }
    ws.send(`hello ${connection?.user?.id}, you are connection ${connection?.id}`);
  },
});

app.listen(Number(process.env.PORT ?? 3000)); // prints "bunwire listening on http://localhost:3000"
app.closeOnSignals(); // SIGTERM / SIGINT: stop accepting, 1001 to every socket, handlers finish, exit 0
