// bunwire through the Router front door (bun-router style, `router.serve()`): a GET route per path upgrades with
// its own ws.data; one websocket() handler set serves them all, as raw-bun.ts does. /up-mw checks the auth header
// and the signed session cookie in its route before `router.upgrade` (a Router has no middleware chain).

import { Router } from "bunwire/router";
import { AUTH_HEADER, sessionFromCookie } from "./contract.ts";

const enum Route { Echo, Fanout, Publish, Up }
interface Data { route: Route; session?: { user: string } }

const router = new Router<Data>();
// What a route answers once `router.upgrade` succeeded is ignored: one shared object instead of one per upgrade.
const IGNORED = new Response(null);
const FAILED = () => new Response("upgrade failed", { status: 400 });

router.get("/echo", (req) => (router.upgrade(req, { data: { route: Route.Echo } }) ? IGNORED : FAILED()));
router.get("/fanout", (req) => (router.upgrade(req, { data: { route: Route.Fanout } }) ? IGNORED : FAILED()));
router.get("/publish", (req) => (router.upgrade(req, { data: { route: Route.Publish } }) ? IGNORED : FAILED()));
router.get("/up", (req) => (router.upgrade(req, { data: { route: Route.Up } }) ? IGNORED : FAILED()));
router.get("/up-mw", (req) => {
  if (req.headers.get("authorization") !== AUTH_HEADER) return new Response("unauthorized", { status: 401 });
  const session = sessionFromCookie(req.headers.get("cookie"));
  if (!session) return new Response("no session", { status: 401 });
  return router.upgrade(req, { data: { route: Route.Up, session } }) ? IGNORED : FAILED();
});

router.websocket({
  perMessageDeflate: false,
  open(ws) {
    if (ws.data.route === Route.Fanout) ws.subscribe("fan");
  },
  message(ws, message) {
    if (ws.data.route === Route.Echo) ws.send(message);
    else if (ws.data.route === Route.Publish) router.publish("fan", message);
  },
});

const server = router.serve({ port: 0, hostname: "127.0.0.1" });
console.log(`PORT ${server.port}`);
