// The admission contract every front door must keep: the same decision gives the same status, the same headers on
// the 101 and the same `ws.data` on the App (`upgrade()` after middleware), the Router (a GET route), file routes
// (`upgrade()` export) and gateways (`@OnUpgrade()`), because all four only translate into src/engine/admission.ts.
// The one difference is the Router's named rule: a GET route answering < 400 lets the upgrade go on.

import { afterEach, describe, expect, test } from "bun:test";
import type { ServerWebSocket } from "bun";
import { BunwireError, connectionOf, type ServerOptions } from "bunwire";
import type { SocketHandlers } from "../../src/engine/index.ts";
import { rawHandshake, TestSocket, upgradeAttempt } from "../support/socket.ts";

export interface AdmissionSetup {
  /** The decision for one upgrade, called with the upgrade's Request (the front door's own hook calls it). */
  decide(req: Request): unknown;
  handlers: SocketHandlers<any>;
  options: ServerOptions;
}

export interface AdmissionServer {
  /** ws:// URL of the route for the param `id` (`/adm/:id`, or `/ws/adm/:id` for file routes). */
  url(id: string): string;
  /** Errors the front door's error hook received. */
  errors: unknown[];
  stop(): Promise<void>;
}

export type AdmissionMount = (setup: AdmissionSetup) => AdmissionServer | Promise<AdmissionServer>;

export interface AdmissionRules {
  /** The Router's named rule: a decision that is a Response below 400 admits with the default data. */
  namedRouterRule?: boolean;
}

/** Quiet servers: the contract checks answers, not logs (development logging has its own tests). */
export const QUIET: ServerOptions = { development: false };

/** What the route's `open` reports about the connection: ws.data's shape and the identity. */
function reportingHandlers(): SocketHandlers<any> {
  return {
    open(ws: ServerWebSocket<any>) {
      const data = ws.data as Record<string, unknown>;
      const info = connectionOf(ws);
      ws.send(JSON.stringify({ mine: data?.mine ?? null, keys: Object.keys(data ?? {}).sort(), user: info?.user ?? null, id: typeof info?.id }));
    },
    message(ws: ServerWebSocket<any>, message) {
      ws.send(message);
    },
  };
}

export function admissionContract(label: string, mount: AdmissionMount, rules: AdmissionRules = {}): void {
  describe(`admission contract (${label})`, () => {
    const servers: AdmissionServer[] = [];
    const sockets: TestSocket[] = [];
    afterEach(async () => {
      for (const socket of sockets.splice(0)) await socket.close();
      await Promise.all(servers.splice(0).map((server) => server.stop()));
    });

    let calls = 0;
    async function serve(decide: (req: Request) => unknown, options: ServerOptions = {}) {
      calls = 0;
      const server = await mount({
        decide: (req) => {
          calls++;
          return decide(req);
        },
        handlers: reportingHandlers(),
        options: { ...QUIET, ...options },
      });
      servers.push(server);
      return server;
    }
    async function admitted(url: string, headers?: Record<string, string>) {
      const socket = await TestSocket.open(url, { headers });
      sockets.push(socket);
      return (await socket.json()) as { mine: unknown; keys: string[]; user: unknown; id: string };
    }
    const invalidDecisions = (server: AdmissionServer) => server.errors.filter((e) => e instanceof BunwireError && e.code === "INVALID_DECISION");

    for (const [style, wrap] of [["sync", (d: unknown) => d], ["async", (d: unknown) => Promise.resolve(d)]] as const) {
      describe(`${style} decisions`, () => {
        test("true and undefined admit with the default data", async () => {
          for (const decision of [true, undefined]) {
            const server = await serve(() => wrap(decision));
            const report = await admitted(server.url("1"));
            expect(report.mine).toBeNull();
            expect(report.user).toBeNull();
            expect(report.id).toBe("string");
          }
        });

        test("false refuses with 403 UPGRADE_REFUSED", async () => {
          const server = await serve(() => wrap(false));
          const refused = await upgradeAttempt(server.url("1"));
          expect(refused.status).toBe(403);
          expect(await refused.text()).toStartWith("UPGRADE_REFUSED");
        });

        test("{ data, headers, user }: data is ws.data as given, headers ride on the 101, user is the identity", async () => {
          const decision = { data: { mine: "given" }, headers: { "X-Admitted": "yes" }, user: { id: "ada", role: "admin" } };
          const server = await serve(() => wrap(decision));
          const head = await rawHandshake(server.url("1"));
          expect(head.status).toBe(101);
          expect(head.header("x-admitted")).toBe("yes");
          const report = await admitted(server.url("1"));
          expect(report).toEqual({ mine: "given", keys: ["mine"], user: { id: "ada", role: "admin" }, id: "string" });
        });

        test("{ user: 'bob' } admits with the default data and user { id: 'bob' }", async () => {
          const server = await serve(() => wrap({ user: "bob" }));
          const report = await admitted(server.url("1"));
          expect(report.mine).toBeNull();
          expect(report.user).toEqual({ id: "bob" });
        });

        test("a Response >= 400 refuses with exactly that response", async () => {
          const server = await serve(() => wrap(new Response("no token", { status: 401, headers: { "WWW-Authenticate": "Bearer" } })));
          const refused = await upgradeAttempt(server.url("1"));
          expect(refused.status).toBe(401);
          expect(refused.headers.get("www-authenticate")).toBe("Bearer");
          expect(await refused.text()).toBe("no token");
        });

        test(rules.namedRouterRule ? "a Response < 400 lets the upgrade go on (the Router's named rule)" : "a Response < 400 is a programming error: 500, reported once", async () => {
          const server = await serve(() => wrap(new Response("fine", { status: 200 })));
          if (rules.namedRouterRule) {
            expect((await admitted(server.url("1"))).mine).toBeNull();
            return;
          }
          expect((await upgradeAttempt(server.url("1"))).status).toBe(500);
          expect(invalidDecisions(server).length).toBe(1);
        });

        test("null, a string, a number, an object with other keys, a bad user: 500, each reported once naming the hook", async () => {
          const bad: unknown[] = [null, "yes", 1, { userId: 7 }, { user: { name: "no id" } }];
          let next = 0;
          const server = await serve(() => wrap(bad[next++]));
          for (let i = 0; i < bad.length; i++) {
            const refused = await upgradeAttempt(server.url("1"));
            expect(refused.status).toBe(500);
            expect(await refused.text()).toBe("Internal Server Error");
          }
          const reported = invalidDecisions(server) as BunwireError[];
          expect(reported.length).toBe(bad.length);
          expect(reported.map((e) => e.status)).toEqual(bad.map(() => 500));
          // The report names the hook's route, so the programming error is found from the log alone.
          for (const error of reported) expect(error.message).toContain("adm");
        });
      });
    }

    test("a throwing decision is a reported 500; a thrown BunwireError answers its own status (a 5xx with its status text only, reported)", async () => {
      let error: Error = new Error("broken hook");
      const server = await serve(() => {
        throw error;
      });
      expect((await upgradeAttempt(server.url("1"))).status).toBe(500);
      expect(server.errors).toContain(error);
      error = new BunwireError("PAYMENT_REQUIRED", "subscribe first", { status: 402 });
      expect((await upgradeAttempt(server.url("1"))).status).toBe(402);
      expect(server.errors.length).toBe(1);
      // A 5xx BunwireError answers its own status as over HTTP, with the status text only, and is reported.
      error = new BunwireError("BACKEND_DOWN", "db at 10.0.0.5 unreachable", { status: 503 });
      const unavailable = await upgradeAttempt(server.url("1"));
      expect([unavailable.status, await unavailable.text()]).toEqual([503, "Service Unavailable"]);
      expect(server.errors.length).toBe(2);
    });

    test("a decision that never settles: 503 UPGRADE_TIMEOUT after upgradeTimeout", async () => {
      const server = await serve(() => new Promise(() => {}), { upgradeTimeout: 50 });
      const refused = await upgradeAttempt(server.url("1"));
      expect(refused.status).toBe(503);
      expect(await refused.text()).toStartWith("UPGRADE_TIMEOUT");
    });

    test("a foreign Origin gets 403 before the decision runs; same-origin and no Origin pass", async () => {
      const server = await serve(() => true);
      const url = server.url("1");
      for (const origin of ["https://evil.example", "null", `http://127.0.0.1:${new URL(url).port}.evil.example`]) {
        const refused = await upgradeAttempt(url, { Origin: origin });
        expect(refused.status).toBe(403);
        expect(await refused.text()).toStartWith("ORIGIN_FORBIDDEN");
      }
      expect(calls).toBe(0);
      expect((await admitted(url, { Origin: `http://127.0.0.1:${new URL(url).port}` })).id).toBe("string");
      expect((await admitted(url)).id).toBe("string");
    });

    test("allowedOrigins admits the listed origin and refuses the rest", async () => {
      const server = await serve(() => true, { allowedOrigins: ["https://app.example", "https://*.example.org"] });
      expect((await admitted(server.url("1"), { Origin: "https://app.example" })).id).toBe("string");
      expect((await admitted(server.url("1"), { Origin: "https://eu.cdn.example.org" })).id).toBe("string");
      expect((await upgradeAttempt(server.url("1"), { Origin: "https://app.example.evil" })).status).toBe(403);
      expect((await upgradeAttempt(server.url("1"), { Origin: "https://example.org" })).status).toBe(403);
    });

    test("a route param starting with $ is refused with 400 RESERVED_TOPIC before the decision runs", async () => {
      const server = await serve(() => true);
      const refused = await upgradeAttempt(server.url("%24all"));
      expect(refused.status).toBe(400);
      expect(await refused.text()).toStartWith("RESERVED_TOPIC");
      expect(calls).toBe(0);
    });

    test("a route param with a NUL byte (%00) is refused with 400 MALFORMED_URI before the decision runs", async () => {
      const server = await serve(() => true);
      const refused = await upgradeAttempt(server.url("a%00b"));
      expect(refused.status).toBe(400);
      expect(await refused.text()).toStartWith("MALFORMED_URI");
      expect(calls).toBe(0);
    });

    test("maxConnections: past it 503 + Retry-After; a closed socket frees its slot", async () => {
      const server = await serve(() => true, { maxConnections: 1 });
      const first = await TestSocket.open(server.url("1"));
      await first.next();
      const refused = await upgradeAttempt(server.url("1"));
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).not.toBeNull();
      expect(await refused.text()).toStartWith("TOO_MANY_CONNECTIONS");
      await first.close();
      // The server sees the close a moment after the client does: retry until the slot is back.
      let again: TestSocket | undefined;
      for (let attempt = 0; again === undefined && attempt < 100; attempt++) {
        again = await TestSocket.open(server.url("1")).catch(async () => void (await Bun.sleep(10)));
      }
      expect(again).toBeDefined();
      sockets.push(again!);
    });

    test("maxConnectionsPerIp with trustProxy: past it 429 + Retry-After for that address only", async () => {
      const server = await serve(() => true, { maxConnectionsPerIp: 1, trustProxy: true });
      const first = await TestSocket.open(server.url("1"), { headers: { "X-Forwarded-For": "203.0.113.7" } });
      sockets.push(first);
      const refused = await upgradeAttempt(server.url("1"), { "X-Forwarded-For": "203.0.113.7" });
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).not.toBeNull();
      expect((await admitted(server.url("1"), { "X-Forwarded-For": "198.51.100.2" })).id).toBe("string");
    });
  });
}
