// `[UPGRADE_PATH=/up-mw] bun bench/upgrade-js.ts [src dir...] [--servers=bunwire-router.ts,bunwire-fs.ts@/ws,...]`: the JavaScript an
// upgrade runs, without the network: the App's bench route (`app.ws("/up", {})`), any bench server files named, and
// raw Bun's hand-written fetch/open, each driven in-process with Bun.serve replaced by a stand-in whose `upgrade()`
// calls `open` then `close` at once (as Bun does: open runs inside upgrade). Stable where the loopback A/B
// (`bench/ab.ts upgrade`) is noisy on a shared machine; it leaves out Bun's native handshake and the lazily built
// `req.headers` (a constructed Request has its Headers already).

import { join } from "node:path";
import { browserHeaders } from "./load/browser-headers.ts";
import { AUTH_HEADER, MW_HEADERS, SESSION_COOKIE, SESSION_ID, SESSION_SECRET, sessionFromCookie, sessions } from "./servers/contract.ts";

// Several trees (main before a change, this one) are compared in one process, rounds alternated.
// `--servers=bunwire-router.ts,bunwire-gateway.ts`: bench server files (bench/servers/) measured beside them.
const args = process.argv.slice(2);
const serverFiles = args.find((a) => a.startsWith("--servers="))?.slice("--servers=".length).split(",") ?? [];
const dirArgs = args.filter((a) => !a.startsWith("--"));
const srcDirs = dirArgs.length > 0 ? dirArgs : [join(import.meta.dir, "..", "src")];
const N = 100_000;

class StandInSocket {
  data: unknown;
  readonly readyState = 1;
  readonly remoteAddress = "127.0.0.1";
  subscribe(): void {}
  getBufferedAmount(): number {
    return 0;
  }
}

type Handlers = { fetch(req: Request, server: unknown): unknown; websocket: { open?(ws: StandInSocket): void; close?(ws: StandInSocket, code: number, reason: string): void } };

function standInServer(h: Handlers) {
  return {
    port: 0,
    url: new URL("http://127.0.0.1:0/"),
    // Bun's native requestIP builds an object with three fields; the stand-in does the same.
    requestIP: () => ({ address: "127.0.0.1", family: "IPv4", port: 50_000 }),
    upgrade(_req: Request, options: { data?: unknown }) {
      const ws = new StandInSocket();
      ws.data = options.data;
      h.websocket.open?.(ws);
      h.websocket.close?.(ws, 1006, "");
      return true;
    },
    publish: () => 0,
    subscriberCount: () => 0,
    stop: async () => {},
  };
}

/** Captures what a server passes to Bun.serve (`start` may load a module), and hands back the stand-in instead of listening. */
async function capture(start: () => unknown): Promise<Handlers> {
  const real = Bun.serve;
  let got: Handlers | undefined;
  (Bun as { serve: unknown }).serve = (options: Handlers) => {
    got = options;
    return standInServer(options);
  };
  try {
    await start();
  } finally {
    (Bun as { serve: unknown }).serve = real;
  }
  if (got === undefined) throw new Error("the server did not call Bun.serve");
  return got;
}

/** A bench server file (bench/servers/, or an absolute path), driven like the others on its /up route. */
const captureFile = (file: string) => capture(() => import(file.startsWith("/") ? file : join(import.meta.dir, "servers", file)));

// `/up-mw` as bench/servers/app-routes.ts has it: an auth-header check, then session() with the bench's signed cookie.
const withMiddleware = process.env.UPGRADE_PATH === "/up-mw";
const path = withMiddleware ? "/up-mw" : "/up";
/** A server's name, its handlers, and the prefix its bench paths carry (file routes serve /ws/up). */
const subjects: [string, Handlers, string][] = [];
for (const dir of srcDirs) {
  const { bunwire, MemoryStore, session } = (await import(join(dir, "index.ts"))) as typeof import("../src/index.ts");
  const app = bunwire({ websocket: { perMessageDeflate: false }, development: false });
  const store = new MemoryStore();
  store.set(SESSION_ID, { ...sessions.get(SESSION_ID) }, 86_400_000);
  app.ws("/up", {});
  app.ws(
    "/up-mw",
    (req, res, next) => (req.get("authorization") === AUTH_HEADER ? next() : res.status(401).text("unauthorized")),
    session({ secret: SESSION_SECRET, cookieName: SESSION_COOKIE, store }),
    {},
  );
  subjects.push([`App ${path} (${dir})`, await capture(() => app.listen({ port: 0, hostname: "127.0.0.1", quiet: true })), ""]);
}

// `file@/prefix`: the server's bench paths are under a prefix (`bunwire-fs.ts@/ws`).
for (const spec of serverFiles) {
  const [file, prefix = ""] = spec.split("@") as [string, string?];
  subjects.push([`${file} ${prefix}${path}`, await captureFile(file), prefix]);
}

// raw Bun's bench server, the /up part (bench/servers/raw-bun.ts)
const rawHandlers = await capture(() =>
  Bun.serve<{ route: number; session?: { user: string } }>({
    port: 0,
    fetch(req, srv) {
      const url = req.url;
      const p = url.slice(url.indexOf("/", 8));
      if (p === "/up-mw") {
        if (req.headers.get("authorization") !== AUTH_HEADER) return new Response("unauthorized", { status: 401 });
        const session = sessionFromCookie(req.headers.get("cookie"));
        if (!session) return new Response("no session", { status: 401 });
        return srv.upgrade(req, { data: { route: 3, session } }) ? undefined : new Response("upgrade failed", { status: 400 });
      }
      if (p !== "/up") return new Response("not found", { status: 404 });
      return srv.upgrade(req, { data: { route: 3 } }) ? undefined : new Response("upgrade failed", { status: 400 });
    },
    websocket: { open(ws) { if (ws.data.route === 1) ws.subscribe("fan"); }, message() {} },
  }),
);

// A browser's handshake (about 800 bytes, a cookie per client), as the memory bench sends it.
const handshake = { host: "127.0.0.1:3000", upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" };
function run(h: Handlers, prefix: string): number {
  const server = standInServer(h);
  const requests = Array.from({ length: N }, (_, i) => new Request(`http://127.0.0.1:3000${prefix}${path}`, { headers: { ...browserHeaders(i, "http://127.0.0.1:3000"), ...handshake, ...(withMiddleware ? MW_HEADERS : {}) } }));
  const t0 = performance.now();
  for (let i = 0; i < N; i++) h.fetch(requests[i]!, server);
  return ((performance.now() - t0) * 1000) / N;
}

subjects.unshift(["raw Bun", rawHandlers, ""]);
const results = new Map<string, number[]>(subjects.map(([name]) => [name, []]));
const ROUNDS = 9;
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, h, prefix] of round % 2 ? [...subjects].reverse() : subjects) results.get(name)!.push(run(h, prefix));
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (const [name, xs] of results) console.log(`${name}: ${med(xs).toFixed(2)} µs of JavaScript per upgrade (median of ${ROUNDS} rounds of ${N}; rounds ${xs.map((x) => x.toFixed(2)).join(" ")})`);
process.exit(0);
