// Every bench server: which file, which runtime, which wire, which scenarios it serves, and what it needs.
// A server whose front door has not landed in src/ yet is listed as pending instead of failing the run.

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Wire } from "../load/wire.ts";

export type ScenarioId = "echo" | "fanout" | "upgrade" | "idle" | "rpc" | "redis" | "http";
export type Route = "echo" | "fanout" | "publish" | "up" | "up-mw" | "rpc";

export interface ServerSpec {
  id: string;
  label: string;
  group: "baseline" | "bunwire" | "peer";
  runtime: "bun" | "node";
  file: string;
  wire: Wire;
  scenarios: ScenarioId[];
  /** Source files that must exist for this server to run (front doors written by others). */
  needs: string[];
  /** Paths that differ from `/<route>` (file routes take theirs from folders). */
  paths?: Partial<Record<Route, string>>;
  /** The Origin a browser page of this server sends (idle handshakes carry one); default: the server's own. */
  origin?: string;
  /** Why this front door cannot do the upgrade-through-middleware job, when it cannot. */
  noUpgradeMiddleware?: string;
}

const ALL: ScenarioId[] = ["echo", "fanout", "upgrade", "idle"];

export const SERVERS: ServerSpec[] = [
  { id: "raw-bun", label: "raw Bun.serve", group: "baseline", runtime: "bun", file: "raw-bun.ts", wire: "plain", scenarios: [...ALL, "rpc", "redis"], needs: [] },
  { id: "bunwire-app", label: "bunwire App", group: "bunwire", runtime: "bun", file: "bunwire-app.ts", wire: "plain", scenarios: ALL, needs: ["src/index.ts", "src/app"] },
  {
    id: "bunwire-app-hardened",
    label: "bunwire App, defences on",
    group: "bunwire",
    runtime: "bun",
    file: "bunwire-app-hardened.ts",
    wire: "plain",
    scenarios: ALL,
    needs: ["src/index.ts", "src/app", "src/engine/options.ts"],
    // its allow-list (HARDENED_ORIGIN in the server file, which cannot be imported without starting it)
    origin: "https://bench.example",
  },
  {
    id: "bunwire-app-metrics",
    label: "bunwire App, metrics on",
    group: "bunwire",
    runtime: "bun",
    file: "bunwire-app-metrics.ts",
    wire: "plain",
    scenarios: [...ALL, "rpc"],
    needs: ["src/index.ts", "src/app", "src/metrics/index.ts"],
  },
  { id: "bunwire-router", label: "bunwire Router", group: "bunwire", runtime: "bun", file: "bunwire-router.ts", wire: "plain", scenarios: ALL, needs: ["src/router/index.ts"] },
  {
    id: "bunwire-fs",
    label: "bunwire file route",
    group: "bunwire",
    runtime: "bun",
    file: "bunwire-fs.ts",
    wire: "plain",
    scenarios: [...ALL, "rpc"],
    needs: ["src/fs/index.ts"],
    paths: { echo: "/ws/echo", fanout: "/ws/fanout", publish: "/ws/publish", up: "/ws/up", "up-mw": "/ws/up-mw", rpc: "/sockets/rpc" },
  },
  {
    id: "bunwire-gateway",
    label: "bunwire gateway",
    group: "bunwire",
    runtime: "bun",
    file: "bunwire-gateway.ts",
    wire: "plain",
    scenarios: [...ALL, "rpc"],
    needs: ["src/gateway/index.ts"],
  },
  {
    id: "bunwire-protocol",
    label: "bunwire typed protocol (App)",
    group: "bunwire",
    runtime: "bun",
    file: "bunwire-protocol.ts",
    wire: "plain",
    scenarios: ["rpc", "idle"],
    needs: ["src/index.ts", "src/protocol/index.ts"],
    // idle connections open the protocol's route
    paths: { echo: "/rpc" },
  },
  { id: "bunwire-redis", label: "bunwire App + Redis bus", group: "bunwire", runtime: "bun", file: "bunwire-redis.ts", wire: "plain", scenarios: ["redis"], needs: ["src/index.ts", "src/redis/index.ts"] },
  { id: "elysia", label: "Elysia", group: "peer", runtime: "bun", file: "elysia.ts", wire: "plain", scenarios: ALL, needs: [] },
  { id: "hono", label: "Hono on Bun", group: "peer", runtime: "bun", file: "hono.ts", wire: "plain", scenarios: ALL, needs: [] },
  { id: "ws-node", label: "ws on Node", group: "peer", runtime: "node", file: "ws-node.mjs", wire: "plain", scenarios: ALL, needs: [] },
  { id: "socketio-node", label: "Socket.IO on Node", group: "peer", runtime: "node", file: "socketio-node.mjs", wire: "socketio", scenarios: [...ALL, "rpc"], needs: [] },
  { id: "socketio-redis", label: "Socket.IO + Redis adapter (Node)", group: "peer", runtime: "node", file: "socketio-redis-node.mjs", wire: "socketio", scenarios: ["redis"], needs: [] },
];

export const SERVERS_DIR = join(import.meta.dir);
export const REPO_ROOT = join(import.meta.dir, "..", "..");

/** Why a server cannot run yet, or null when it can. */
export function pendingReason(s: ServerSpec): string | null {
  const missing = s.needs.filter((p) => !existsSync(join(REPO_ROOT, p)));
  if (missing.length) return `pending: ${missing.join(", ")} not in the tree yet`;
  if (!existsSync(join(SERVERS_DIR, s.file))) return `pending: bench/servers/${s.file} not written yet`;
  return null;
}

/** The request path for a route on this server (Socket.IO routes by query parameter on its engine path). */
export function routePath(s: ServerSpec, route: Route): string {
  if (s.wire === "socketio") return `/socket.io/?EIO=4&transport=websocket&route=${route}`;
  return s.paths?.[route] ?? `/${route}`;
}
