// Baseline for the HTTP scenario: Bun.serve doing the two middlewares' work and the JSON answer by hand.
import { AUTH_HEADER, HTTP_PATH, payload, TAG_HEADER, USER } from "./contract.ts";

export const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req) {
    // path without building a URL object, as a hand-written server would
    const url = req.url;
    const start = url.indexOf("/", 8);
    const query = url.indexOf("?", start);
    const path = query === -1 ? url.slice(start) : url.slice(start, query);
    if (req.method !== "GET" || path !== HTTP_PATH) return new Response("not found", { status: 404 });
    if (req.headers.get("authorization") !== AUTH_HEADER) return new Response("unauthorized", { status: 401 });
    return new Response(JSON.stringify(payload(USER)), { headers: { "Content-Type": "application/json", [TAG_HEADER]: "1" } });
  },
});
console.log(`PORT ${server.port}`);
