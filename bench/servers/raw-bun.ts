// Baseline: hand-written Bun.serve doing every bench job as cheaply as Bun allows. Every ratio divides by this.
// Routes (shared by all bench servers): /echo (reads the Origin, as bunwire's default admission does), /fanout
// (subscribe), /publish, /up (bare), /up-mw, /rpc.

import { AUTH_HEADER, sessionFromCookie } from "./contract.ts";

const enum Route { Echo, Fanout, Publish, Up, Rpc }
interface Data { route: Route; session?: { user: string } }

let selfOrigin: string | undefined;

const server = Bun.serve<Data>({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req, srv) {
    // path without building a URL object: the upgrade rate is measured here
    const url = req.url;
    const query = url.indexOf("?", 8);
    const p = query === -1 ? url.slice(url.indexOf("/", 8)) : url.slice(url.indexOf("/", 8), query);
    let data: Data;
    if (p === "/echo") {
      // The idle job connects here, as a browser tab does: like every bunwire front door by default (same-origin
      // admission), raw Bun reads the Origin. Reading no header at all puts Bun on another path whose memory per
      // connection is bimodal on this machine (1.55 or 2.9 KB from one round to the next; bench/findings.md).
      const origin = req.headers.get("origin");
      if (origin !== null && origin !== (selfOrigin ??= `http://127.0.0.1:${srv.port}`)) return new Response("forbidden origin", { status: 403 });
      data = { route: Route.Echo };
    }
    else if (p === "/fanout") data = { route: Route.Fanout };
    else if (p === "/publish") data = { route: Route.Publish };
    else if (p === "/up") data = { route: Route.Up };
    else if (p === "/rpc") data = { route: Route.Rpc };
    else if (p === "/up-mw") {
      if (req.headers.get("authorization") !== AUTH_HEADER) return new Response("unauthorized", { status: 401 });
      const session = sessionFromCookie(req.headers.get("cookie"));
      if (!session) return new Response("no session", { status: 401 });
      data = { route: Route.Up, session };
    } else return new Response("not found", { status: 404 });
    return srv.upgrade(req, { data }) ? undefined : new Response("upgrade failed", { status: 400 });
  },
  websocket: {
    perMessageDeflate: false,
    open(ws) {
      if (ws.data.route === Route.Fanout) ws.subscribe("fan");
    },
    message(ws, msg) {
      switch (ws.data.route) {
        case Route.Echo:
          ws.send(msg);
          return;
        case Route.Publish:
          server.publish("fan", msg);
          return;
        case Route.Rpc: {
          // the "by hand" JSON request/ack baseline for the typed protocol scenario
          const req = JSON.parse(msg as string) as { event?: unknown; data?: { a?: unknown; b?: unknown }; id?: unknown };
          if (req.event === "add" && typeof req.data?.a === "number" && typeof req.data.b === "number")
            ws.send(JSON.stringify({ id: req.id, ack: req.data.a + req.data.b }));
          else ws.send(JSON.stringify({ id: req.id, error: { code: "VALIDATION_FAILED" } }));
          return;
        }
      }
    },
  },
});

console.log(`PORT ${server.port}`);
