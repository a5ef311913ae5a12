// The App bench routes, shared by bunwire-app.ts (defaults) and bunwire-app-hardened.ts (origin check, caps and a
// rate limit on): the same jobs as raw-bun.ts, written as an App user would. /up-mw runs two middlewares before
// the upgrade: an auth-header check and bunwire's own session(). `setup` adds what a variant adds (bunwire-app-metrics.ts).

import { bunwire, MemoryStore, session, type App, type AppOptions, type Middleware } from "bunwire";
import { AUTH_HEADER, SESSION_COOKIE, SESSION_ID, SESSION_SECRET, sessions } from "./contract.ts";

export function serveBenchApp(options: AppOptions, setup?: (app: App) => void): void {
  const store = new MemoryStore();
  store.set(SESSION_ID, { ...sessions.get(SESSION_ID) }, 86_400_000);

  const auth: Middleware = (req, res, next) => {
    if (req.get("authorization") === AUTH_HEADER) next();
    else res.status(401).text("unauthorized");
  };

  const app = bunwire({ websocket: { perMessageDeflate: false }, development: false, ...options });

  app.ws("/echo", {
    message(ws, message) {
      ws.send(message);
    },
  });
  // The same echo keeping only the header its handlers would read (`keepHeaders`): what idle memory costs without
  // the cookie line (`bun bench/memory.ts 3 --servers=app,app+keepHeaders`).
  app.ws("/echo-slim", {
    keepHeaders: ["user-agent"],
    message(ws, message) {
      ws.send(message);
    },
  });
  // The same echo on a route with a param: what `ws.data.params` costs an idle socket
  // (`bun bench/memory.ts 3 --servers=app,app+param`).
  app.ws("/room/:id", {
    message(ws, message) {
      ws.send(message);
    },
  });
  // The same echo behind Express-style middleware that reads `req.headers` and `req.cookies` before the upgrade:
  // what those parsed copies cost an idle socket (`bun bench/memory.ts 3 --servers=app,app+middlewareReads`).
  app.ws(
    "/echo-read",
    (req, _res, next) => {
      if (req.headers["x-blocked"] === undefined && req.cookies["blocked"] === undefined) next();
    },
    {
      message(ws, message) {
        ws.send(message);
      },
    },
  );
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
  setup?.(app);

  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  app.closeOnSignals({ timeout: 1000 });
  console.log(`PORT ${server.port}`);
}
