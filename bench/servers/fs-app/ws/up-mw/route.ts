// Bench file route /ws/up-mw: file routes have no middleware chain; `upgrade` does the two checks the other
// servers run as middleware (auth header, signed session cookie) and puts the session on ws.data.
import { AUTH_HEADER, sessionFromCookie } from "../../../contract.ts";

export function upgrade(req: Request) {
  if (req.headers.get("authorization") !== AUTH_HEADER) return new Response("unauthorized", { status: 401 });
  const session = sessionFromCookie(req.headers.get("cookie"));
  if (!session) return new Response("no session", { status: 401 });
  return { data: { session } };
}

export function onOpen() {}
