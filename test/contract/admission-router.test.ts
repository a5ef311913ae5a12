// The admission contract through the Router: a GET route on the handshake's path decides; `{ data, headers, user }`
// goes through `router.upgrade()` as bun-router users write it, anything else is the route's answer.
import { Router } from "bunwire/router";
import { admissionContract } from "./admission-contract.ts";

function isGrant(decision: unknown): decision is { data?: Record<string, unknown>; headers?: HeadersInit; user?: string } {
  return decision !== null && typeof decision === "object" && !(decision instanceof Response) && Object.keys(decision).every((key) => ["data", "headers", "user"].includes(key));
}

admissionContract(
  "Router",
  ({ decide, handlers, options }) => {
    const errors: unknown[] = [];
    const router = new Router({ ...options, onError: (error) => void errors.push(error) });
    router.get("/adm/:id", (req) => {
      const answer = (decision: unknown) => {
        if (!isGrant(decision)) return decision as Response;
        router.upgrade(req, decision);
        return new Response("Upgraded to WebSocket");
      };
      const decision = decide(req);
      return decision instanceof Promise ? decision.then(answer) : answer(decision);
    });
    router.websocket(handlers);
    const server = router.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
    return { url: (id) => `ws://127.0.0.1:${server.port}/adm/${id}`, errors, stop: () => router.close() };
  },
  { namedRouterRule: true },
);
