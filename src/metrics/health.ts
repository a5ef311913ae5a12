// Liveness and readiness for load balancers and orchestrators. Liveness: the process answers. Readiness: this
// instance should get new connections: it listens, `close()` has not begun (the `drainDelay` window answers 503
// while still serving, so a load balancer drains the instance before it stops accepting), its bus reaches the
// broker, and your own checks pass.

import type { Engine } from "../engine/engine.ts";
import { BunwireError } from "../engine/errors.ts";

/** One readiness check of yours: false, a throw, a rejection or no answer within 2 s mean "not ready". */
export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface HealthOptions {
  /** Liveness path (default `/healthz`); false: none. */
  live?: string | false;
  /** Readiness path (default `/readyz`); false: none. */
  ready?: string | false;
  /** Your own readiness checks by name (a database ping, a cache warm-up). */
  checks?: Record<string, ReadinessCheck>;
}

export interface Readiness {
  ready: boolean;
  /** Why not, one line each ("bus disconnected for 1200 ms", "shutting down", "check db failed"). */
  reasons: string[];
}

const CHECK_TIMEOUT_MS = 2000;

/** Follows the bus's state (`onStateChange`) to say since when it is down. */
export class BusWatch {
  #downSince = 0;

  constructor(readonly engine: Engine) {
    const bus = engine.options.bus;
    if (bus === undefined) return;
    if (!bus.connected) this.#downSince = Date.now();
    bus.onStateChange((connected) => {
      this.#downSince = connected ? 0 : Date.now();
    });
  }

  /** The engine's own reasons not to be ready (no user checks): what the `bunwire_ready` gauge reads. */
  reasons(): string[] {
    const { engine } = this;
    const reasons: string[] = [];
    if (engine.server === undefined) reasons.push("not listening");
    if (engine.closing) reasons.push("shutting down");
    const bus = engine.options.bus;
    if (bus !== undefined && !bus.connected) {
      reasons.push(this.#downSince === 0 ? "bus not connected yet" : `bus disconnected for ${Date.now() - this.#downSince} ms`);
    }
    return reasons;
  }
}

async function passes(check: ReadinessCheck): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS)));
  try {
    return (await Promise.race([Promise.resolve().then(check), late])) === true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export async function readiness(watch: BusWatch, checks: Record<string, ReadinessCheck>): Promise<Readiness> {
  const reasons = watch.reasons();
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => passes(checks[name]!)));
  names.forEach((name, index) => {
    if (!results[index]) reasons.push(`check ${name} failed`);
  });
  return { ready: reasons.length === 0, reasons };
}

const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store" };

export function liveResponse(): Response {
  return new Response('{"status":"ok"}', { headers: JSON_HEADERS });
}

export async function readyResponse(watch: BusWatch, checks: Record<string, ReadinessCheck>): Promise<Response> {
  const { ready, reasons } = await readiness(watch, checks);
  const body = ready ? { status: "ready" } : { status: "not ready", reasons };
  return new Response(JSON.stringify(body), { status: ready ? 200 : 503, headers: JSON_HEADERS });
}

export function checkHealthOptions(options: unknown, where: string): asserts options is HealthOptions | boolean | undefined {
  if (options === undefined || typeof options === "boolean") return;
  const fail = (message: string) => {
    throw new BunwireError("INVALID_OPTION", `${where}: health.${message}`);
  };
  if (options === null || typeof options !== "object") fail("must be true, false or { live, ready, checks }");
  const { live, ready, checks } = options as HealthOptions;
  for (const [name, path] of [["live", live], ["ready", ready]] as const) {
    if (path !== undefined && path !== false && (typeof path !== "string" || !path.startsWith("/"))) fail(`${name} must be a path starting with "/" or false`);
  }
  if (checks !== undefined) {
    if (checks === null || typeof checks !== "object") fail("checks must be an object of functions");
    for (const [name, check] of Object.entries(checks)) if (typeof check !== "function") fail(`checks.${name} must be a function returning a boolean (or a promise of one)`);
  }
}
