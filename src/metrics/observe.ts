// `observe(options)`: one object that mounts metrics, health checks and the inspector on any front door with the
// front door's own `use`: `app.use(observe({ token }))` on an App, a Router, file routes' router or a gateway
// Application. Each server it is mounted on gets its own endpoints, reading that server's counters.

import { checkOptionNames, optionKeys } from "../engine/option-names.ts";
import { BunwireError } from "../engine/errors.ts";
import { joinPaths, MOUNT, type Mountable, type MountTarget } from "../engine/mount.ts";
import { checkInspectorOptions, mountInspector, type InspectorOptions } from "./inspector/mount.ts";
import { Exposition, type MetricsOptions } from "./exposition.ts";
import type { PresenceSource, Source } from "./families.ts";
import { BusWatch, checkHealthOptions, liveResponse, readyResponse, type HealthOptions } from "./health.ts";
import { bearerMatches, checkToken } from "./token.ts";

export interface ObserveOptions {
  /** The inspector's token (at least 16 characters): without one there is no inspector. */
  token?: string;
  /** Prometheus metrics (default on, at `/metrics`; needs prom-client): false, or `{ path, token, registry, defaultMetrics }`. */
  metrics?: boolean | MetricsOptions;
  /** Liveness and readiness (default on, at `/healthz` and `/readyz`): false, or `{ live, ready, checks }`. */
  health?: boolean | HealthOptions;
  /** The live inspector page (default on when `token` is set, at `/_bunwire/inspector`): false, or `{ path, tail }`. */
  inspector?: boolean | InspectorOptions;
  /** Presence to show per room and count in metrics (`redisPresence(...)`). */
  presence?: PresenceSource;
}

const WHERE = "observe()";
const KNOWN = optionKeys<ObserveOptions>({ token: true, metrics: true, health: true, inspector: true, presence: true });

function checkPath(path: unknown, name: string): void {
  if (path !== undefined && (typeof path !== "string" || !path.startsWith("/"))) throw new BunwireError("INVALID_OPTION", `${WHERE}: ${name} must be a path starting with "/", got ${JSON.stringify(path)}`);
}

function check(options: unknown): asserts options is ObserveOptions {
  if (options === undefined) throw new BunwireError("INVALID_OPTION", `${WHERE}: options must be an object`);
  checkOptionNames(options, KNOWN, WHERE);
  const { token, metrics, health, inspector, presence } = options as ObserveOptions;
  if (token !== undefined) checkToken(token, `${WHERE}: token`);
  // `true` and `{ path, tail }` alike ask for an inspector, and one without a token would let no one in.
  if (inspector !== undefined && inspector !== false && token === undefined) throw new BunwireError("INVALID_OPTION", `${WHERE}: the inspector needs a token: observe({ token: process.env.INSPECTOR_TOKEN })`);
  checkInspectorOptions(inspector, WHERE);
  checkHealthOptions(health, WHERE);
  if (metrics !== undefined && typeof metrics !== "boolean") {
    if (metrics === null || typeof metrics !== "object") throw new BunwireError("INVALID_OPTION", `${WHERE}: metrics must be true, false or { path, token, registry, defaultMetrics }`);
    checkPath(metrics.path, "metrics.path");
    if (metrics.token !== undefined) checkToken(metrics.token, `${WHERE}: metrics.token`);
    if (metrics.registry !== undefined && typeof metrics.registry?.registerMetric !== "function") throw new BunwireError("INVALID_OPTION", `${WHERE}: metrics.registry must be a prom-client Registry`);
  }
  if (presence !== undefined && (presence === null || typeof presence.localCounts !== "function" || typeof presence.list !== "function")) {
    throw new BunwireError("INVALID_OPTION", `${WHERE}: presence must be a presence (redisPresence(...)) with localCounts() and list(topic)`);
  }
}

function section<T extends object>(value: boolean | T | undefined, byDefault: boolean): T | undefined {
  if (value === undefined) return byDefault ? ({} as T) : undefined;
  if (typeof value === "boolean") return value ? ({} as T) : undefined;
  return value;
}

export class Observability implements Mountable {
  readonly #options: ObserveOptions;

  constructor(options: ObserveOptions = {}) {
    check(options);
    this.#options = options;
  }

  [MOUNT](target: MountTarget, prefix: string): void {
    const options = this.#options;
    const engine = target.engine;
    const source: Source = { engine, watch: new BusWatch(engine), presence: options.presence };
    const metrics = section(options.metrics, true);
    if (metrics !== undefined) {
      // Built here, at start-up: a missing prom-client fails now, not at the first scrape.
      const exposition = new Exposition(source, metrics);
      const token = metrics.token;
      target.addHttpRoute("GET", joinPaths(prefix, metrics.path ?? "/metrics"), (req) => {
        if (token !== undefined && !bearerMatches(req, token)) return new Response("unauthorized", { status: 401, headers: { "www-authenticate": "Bearer" } });
        return exposition.respond(req);
      });
    }
    const health = section(options.health, true);
    if (health !== undefined) {
      const checks = health.checks ?? {};
      if (health.live !== false) target.addHttpRoute("GET", joinPaths(prefix, health.live ?? "/healthz"), () => liveResponse());
      if (health.ready !== false) target.addHttpRoute("GET", joinPaths(prefix, health.ready ?? "/readyz"), () => readyResponse(source.watch, checks));
    }
    const inspector = section(options.inspector, options.token !== undefined);
    if (inspector !== undefined) mountInspector(target, joinPaths(prefix, inspector.path ?? "/_bunwire/inspector"), options.token!, source, inspector);
  }
}

/**
 * Metrics at `/metrics`, liveness at `/healthz`, readiness at `/readyz` and, with a token, the live inspector at
 * `/_bunwire/inspector`, on whatever front door `use`s it: `app.use(observe({ token: process.env.INSPECTOR_TOKEN }))`.
 */
export function observe(options: ObserveOptions = {}): Observability {
  return new Observability(options);
}
