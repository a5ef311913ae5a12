// Elysia 1.4 doing the bench jobs the way its docs show (ws routes, beforeHandle guard).

import { Elysia } from "elysia";
import { AUTH_HEADER, SESSION_COOKIE, sessionOf } from "./contract.ts";

const app = new Elysia({ websocket: { perMessageDeflate: false } })
  .ws("/echo", {
    message(ws, message) {
      ws.send(message as string);
    },
  })
  .ws("/fanout", {
    open(ws) {
      ws.subscribe("fan");
    },
  })
  .ws("/publish", {
    message(_ws, message) {
      app.server!.publish("fan", message as string);
    },
  })
  .ws("/up", {})
  .ws("/up-mw", {
    beforeHandle({ request, cookie, set }) {
      if (request.headers.get("authorization") !== AUTH_HEADER) {
        set.status = 401;
        return "unauthorized";
      }
      const sid = cookie[SESSION_COOKIE]?.value;
      if (typeof sid !== "string" || !sessionOf(sid)) {
        set.status = 401;
        return "no session";
      }
    },
  })
  .listen({ hostname: "127.0.0.1", port: 0 });

console.log(`PORT ${app.server!.port}`);
