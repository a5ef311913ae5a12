// bunwire's App with the production defences on (README "Security and limits"): an origin allow-list, connection
// caps and a message rate limit, sized so that the load generator never trips them: the bench measures their cost.
import { serveBenchApp } from "./app-routes.ts";

export const HARDENED_ORIGIN = "https://bench.example";

serveBenchApp({
  allowedOrigins: [HARDENED_ORIGIN],
  maxConnections: 500_000,
  maxConnectionsPerIp: 500_000,
  messageRateLimit: { messages: 10_000_000, bytes: 1_000_000_000, intervalMs: 1000, action: "close" },
});
