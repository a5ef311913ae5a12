// `npm start`: the demo chat on one process with in-memory pub/sub. PORT sets the port (default 3000).
// With REDIS_URL set (as `npm run demo:cluster` does), publishes and presence go through Redis.
// The page and its WebSocket share one origin, so the default origin check ("same-origin") admits it; a front
// end served from elsewhere would be listed in bunwire({ allowedOrigins: ["https://app.example.com"] }).
import { redisBus, redisPresence } from "bunwire/redis";
import { createDemo } from "./app.ts";
import { SharedPresence } from "./presence.ts";

const port = Number(process.env.PORT ?? 3000);
const redisUrl = process.env.REDIS_URL;
const instance = process.env.INSTANCE ?? (redisUrl ? `port ${port}` : undefined);
const app = await createDemo(redisUrl ? { bus: redisBus({ url: redisUrl }), presence: new SharedPresence(redisPresence({ url: redisUrl })), instance } : {});
const server = app.listen({ port, quiet: true });
console.log(`bunwire demo chat${instance ? ` (${instance})` : ""}: http://localhost:${server.port}  (open it in two tabs)`);
app.printRoutes();

// SIGTERM / Ctrl-C: every socket gets 1001 (the page reconnects to the next instance), handlers finish, exit 0.
app.closeOnSignals();
