// Raw Bun.serve keeping, per connection, one thing bunwire keeps (MEM_VARIANT), so `bun bench/memory.ts` can price
// each alone: "pin" (an object under a symbol on the socket), "pinshared" (one shared object under a symbol on the
// socket: the property alone), "pin6obj" (a six-field record under a symbol, as the engine's `Connection`),
// "pin4props" / "pin6props" (that record's fields as properties of the socket itself), "wmlife" / "maplife" (the
// record in a WeakMap or a Map keyed by the socket, for its life), "set" (the socket in a Set), "weakmap" (a WeakMap put at upgrade, taken at open),
// "garbage" (five short-lived objects per upgrade), "record" (a 16-field record on ws.data), "request" (the upgrade
// Request on ws.data), "headers" (the headers packed into one string), "topic" (one topic subscription), "topic2" (two shared topics), "topicown" (one shared topic and one of its own), "empty" ({}
// data), "url", "slice", "copy", "str", "num", "method" (one string or number of that kind on ws.data), and what the
// App's `ws.data.req` keeps (the url, the cookie and the key, about 440 bytes here) as "own" (one string), "ownbytes"
// (a Uint8Array each) or "arena" (offsets into 64 KB slabs shared by many sockets). Steps before the upgrade, in the
// order named and combined with "+": "getkey" (read one header), "origin" (bunwire's default same-origin check),
// "defparams" / "setparams" (a property on the Request, as the Router's `req.params`), "response" (a shared Response
// returned after the upgrade). With none of these, no header is read: on this machine Bun then keeps about 1.4 KB
// more native memory per connection in most rounds (bench/findings.md, fifth session of 2026-11-30).

const variant = process.env.MEM_VARIANT ?? "";
/** Variants combine with "+": "getkey+defparams". Split once: an upgrade here must make no garbage of its own. */
const steps = variant.split("+");
const has = (name: string): boolean => steps.includes(name);
const encoder = new TextEncoder();
const SLAB = 64 * 1024;
let slab = new Uint8Array(SLAB);
let slabUsed = 0;
const PIN = Symbol("pin");
const IGNORED = new Response(null);
const sockets = new Set<unknown>();
const pending = new WeakMap<object, object>();
/** "wmlife" / "maplife": the record found through a WeakMap or a Map keyed by the socket, for the socket's life. */
const lifeWeak = new WeakMap<object, object>();
const lifeMap = new Map<object, object>();
let serial = 0;
let sink: unknown;

/** "pin6obj": a six-field record pinned under one symbol, as the engine's `Connection` is today. */
class Record6 {
  binding = IGNORED; serial = 0; openedAt = 0; state = 0; slot = -1; extras = null;
  constructor(serial: number) {
    this.serial = serial;
  }
}
const SERIAL = Symbol("serial");
const STATE = Symbol("state");
const SLOT = Symbol("slot");
const EXTRAS = Symbol("extras");
const OPENED = Symbol("opened");

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
    if (has("headers")) data.head = pack(req.headers);
    if (has("own") || has("ownbytes") || has("arena")) {
      const own = [req.url, "\ncookie: ", req.headers.get("cookie") ?? "", "\nsec-websocket-key: ", req.headers.get("sec-websocket-key") ?? ""].join("");
      if (has("own")) data.own = own;
      else if (has("ownbytes")) data.own = encoder.encode(own);
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
    // "garbage": five short-lived objects per upgrade (about what a framework's admission allocates and drops)
    if (variant === "garbage") for (let i = 0; i < 5; i++) sink = { i, at: serial++, a: null, b: null, c: null };
    if (variant === "weakmap") pending.set(data, { at: 1 });
    // In the order named: reading a header, giving the Request a property (as the Router's `req.params`).
    for (const step of steps) {
      if (step === "getkey" && req.headers.get("sec-websocket-key") === null) return new Response("no key", { status: 400 });
      if (step === "origin") {
        // bunwire's default admission: a browser's Origin must be the server's own (or absent)
        const origin = req.headers.get("origin");
        if (origin !== null && origin !== `http://${req.headers.get("host")}`) return new Response("forbidden origin", { status: 403 });
      }
      if (step === "defparams") Object.defineProperty(req, "params", { value: {}, configurable: true, writable: true, enumerable: false });
      if (step === "setparams") (req as unknown as { params: object }).params = {};
    }
    if (has("response")) return srv.upgrade(req, { data }) ? IGNORED : new Response("upgrade failed", { status: 400 });
    return srv.upgrade(req, { data }) ? undefined : new Response("upgrade failed", { status: 400 });
  },
  websocket: {
    perMessageDeflate: false,
    open(ws) {
      if (variant === "pin") (ws as unknown as Record<symbol, unknown>)[PIN] = { at: 1 };
      if (variant === "wmlife") lifeWeak.set(ws, new Record6(++serial));
      if (variant === "maplife") lifeMap.set(ws, new Record6(++serial));
      if (variant === "pin6obj") (ws as unknown as Record<symbol, unknown>)[PIN] = new Record6(++serial);
      if (variant === "pin4props" || variant === "pin6props") {
        // the record's fields as properties of the socket itself: one butterfly, no record object
        const w = ws as unknown as Record<symbol, unknown>;
        w[PIN] = IGNORED;
        w[SERIAL] = ++serial;
        w[STATE] = 0;
        w[SLOT] = serial;
        if (variant === "pin6props") {
          w[EXTRAS] = null;
          w[OPENED] = 0;
        }
      }
      if (variant === "pinshared") (ws as unknown as Record<symbol, unknown>)[PIN] = IGNORED;
      if (variant === "set") sockets.add(ws);
      if (variant === "weakmap") pending.delete(ws.data);
      if (variant === "topic") ws.subscribe("fan");
      // a second topic shared by all, and a topic of its own (a room per socket): what each further topic costs
      if (variant === "topic2") ws.subscribe("fan"), ws.subscribe("fan2");
      if (variant === "topicown") ws.subscribe("fan"), ws.subscribe(`own-${++serial}`);
    },
    message(ws, msg) {
      ws.send(msg);
    },
    close(ws) {
      sockets.delete(ws);
      lifeMap.delete(ws);
    },
  },
});

console.log(`PORT ${server.port}`);
