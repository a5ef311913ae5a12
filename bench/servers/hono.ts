// Hono 4 on Bun with hono/bun's upgradeWebSocket, middleware via app.use.
// Hono has no topic API: fan-out uses the native Bun socket under ws.raw, as Hono users on Bun do.

import { Hono } from "hono";
import { upgradeWebSocket, websocket } from "hono/bun";
import { getCookie } from "hono/cookie";
import type { ServerWebSocket } from "bun";
import { AUTH_HEADER, SESSION_COOKIE, sessionOf } from "./contract.ts";

const app = new Hono();
app.get(
  "/echo",
  upgradeWebSocket(() => ({
    onMessage(event, ws) {
      ws.send(event.data as string);
    },
  })),
);
app.get(
  "/fanout",
  upgradeWebSocket(() => ({
    onOpen(_event, ws) {
      (ws.raw as ServerWebSocket).subscribe("fan");
    },
  })),
);
app.get(
  "/publish",
  upgradeWebSocket(() => ({
    onMessage(event) {
      server.publish("fan", event.data as string);
    },
  })),
);
app.get("/up", upgradeWebSocket(() => ({})));
app.use("/up-mw", async (c, next) => {
  if (c.req.header("authorization") !== AUTH_HEADER) return c.text("unauthorized", 401);
  await next();
});
app.use("/up-mw", async (c, next) => {
  const sid = getCookie(c, SESSION_COOKIE);
  const session = sessionOf(sid);
  if (!session) return c.text("no session", 401);
  c.set("session" as never, session as never);
  await next();
});
app.get("/up-mw", upgradeWebSocket(() => ({})));

const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, websocket: { ...websocket, perMessageDeflate: false } });
console.log(`PORT ${server.port}`);
