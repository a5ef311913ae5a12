// The admission contract through the App: the route's `upgrade(req)` decides once its middleware passed.
import { bunwire } from "bunwire";
import { admissionContract } from "./admission-contract.ts";

admissionContract("bunwire() App", ({ decide, handlers, options }) => {
  const errors: unknown[] = [];
  const app = bunwire({ ...options, onError: (error) => void errors.push(error) });
  app.ws("/adm/:id", (_req, _res, next) => next(), { ...handlers, upgrade: (req) => decide(req.raw) as never });
  const server = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true });
  return { url: (id) => `ws://127.0.0.1:${server.port}/adm/${id}`, errors, stop: () => app.close() };
});
