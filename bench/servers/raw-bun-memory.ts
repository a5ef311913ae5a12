// Raw Bun.serve keeping, per connection, one thing bunwire keeps (MEM_VARIANT), so `bun bench/memory.ts` can price
// each alone: "pin" (an object under a symbol on the socket), "set" (the socket in a Set), "weakmap" (a WeakMap
// put at upgrade, taken at open), "record" (a 16-field record on ws.data), "request" (the upgrade Request on
// ws.data), "headers" (the headers packed into one string), "topic" (one topic subscription), "empty" ({} data),
// "url", "slice", "copy", "str", "num", "method" (one string or number of that kind on ws.data), and what the App's
// `ws.data.req` keeps (the url, the cookie and the key, about 440 bytes here) as "own" (one string), "ownbytes" (a
// Uint8Array each) or "arena" (offsets into 64 KB slabs shared by many sockets).

const variant = process.env.MEM_VARIANT ?? "";
const encoder = new TextEncoder();
const SLAB = 64 * 1024;
let slab = new Uint8Array(SLAB);
let slabUsed = 0;
const PIN = Symbol("pin");
const sockets = new Set<unknown>();
const pending = new WeakMap<object, object>();
let serial = 0;

class Record16 {
  a = 1; b = 2; c = 3; d = 4; e = 5; f = 6; g = 7; h = 8; i = 9; j = 10; k = 11; l = 12; m = 13; n = 14; o = 15; p = 16;
}

function pack(headers: Headers): string {
  const parts: string[] = [];
  for (const [name, value] of headers) parts.push(`\n${name}: ${value}`);
  return parts.join("");
}

const server = Bun.serve<Record<string, unknown>>({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req, srv) {
    const data: Record<string, unknown> = variant === "empty" ? {} : { route: 0 };
    if (variant === "request") data.req = req;
    if (variant === "url") data.url = req.url;
    if (variant === "num") data.n = Math.random();
    if (variant === "method") data.method = req.method;
    if (variant === "str") data.s = `conn-${++serial}-${Math.random()}`;
    if (variant === "slice") data.path = req.url.slice(req.url.indexOf("/", 8) + 1);
    if (variant === "copy") data.path = (req.url.slice(req.url.indexOf("/", 8) + 1) + " ").slice(0, -1);
    if (variant === "headers") data.head = pack(req.headers);
    if (variant === "own" || variant === "ownbytes" || variant === "arena") {
      const own = [req.url, "\ncookie: ", req.headers.get("cookie") ?? "", "\nsec-websocket-key: ", req.headers.get("sec-websocket-key") ?? ""].join("");
      if (variant === "own") data.own = own;
      else if (variant === "ownbytes") data.own = encoder.encode(own);
      else {
        if (slabUsed + own.length * 3 > slab.length) {
          slab = new Uint8Array(SLAB);
          slabUsed = 0;
        }
        const { written } = encoder.encodeInto(own, slab.subarray(slabUsed));
        data.slab = slab;
        data.at = slabUsed;
        data.len = written;
        slabUsed += written;
      }
    }
    if (variant === "record") data.record = new Record16();
    if (variant === "weakmap") pending.set(data, { at: 1 });
    return srv.upgrade(req, { data }) ? undefined : new Response("upgrade failed", { status: 400 });
  },
  websocket: {
    perMessageDeflate: false,
    open(ws) {
      if (variant === "pin") (ws as unknown as Record<symbol, unknown>)[PIN] = { at: 1 };
      if (variant === "set") sockets.add(ws);
      if (variant === "weakmap") pending.delete(ws.data);
      if (variant === "topic") ws.subscribe("fan");
    },
    message(ws, msg) {
      ws.send(msg);
    },
    close(ws) {
      sockets.delete(ws);
    },
  },
});

console.log(`PORT ${server.port}`);
