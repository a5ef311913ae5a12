// The limits of one scope compiled for the upgrade pipeline and dispatch: the server's own, or a mounted front
// door's that sets some of its own (each unset field inherited from the server: the innermost setting wins).
// Connection caps are shared by every route of a scope, so a Router's cap counts all of its routes together.

import { ConnectionCaps } from "./caps.ts";
import type { TrustProxy } from "./client-ip.ts";
import { DEFAULT_LIMITS, type RouteLimits } from "./limits.ts";
import { ratePolicy, type RatePolicy } from "./message-rate.ts";
import { compileOrigins, type OriginCheck } from "./origin.ts";

export interface Policy {
  readonly limits: Required<RouteLimits>;
  readonly allowsOrigin: OriginCheck;
  readonly trustProxy: TrustProxy;
  /** Null when neither cap is on: the pipeline then skips counting entirely. */
  readonly caps: ConnectionCaps | null;
  readonly upgradeTimeout: number;
  readonly maxQueuedEvents: number;
  readonly maxQueuedBytes: number;
  readonly rate: RatePolicy | null;
  /** Starts every connection id of this server: the bus instance id, when a bus is attached. */
  readonly idPrefix: string;
}

function capsOf(limits: Required<RouteLimits>): ConnectionCaps | null {
  const max = limits.maxConnections === false ? Infinity : limits.maxConnections;
  const perIp = limits.maxConnectionsPerIp === false ? Infinity : limits.maxConnectionsPerIp;
  // Addresses read from the socket (no trustProxy) may be counted lazily (src/engine/caps.ts).
  return max === Infinity && perIp === Infinity ? null : new ConnectionCaps(max, perIp, limits.trustProxy === false);
}

/** A scope's policy: `own` over `parent` (the server's policy), or over the defaults for the server itself. */
export function createPolicy(own: RouteLimits, parent: Policy | undefined, where: string, idPrefix = parent?.idPrefix ?? ""): Policy {
  const base = parent?.limits ?? DEFAULT_LIMITS;
  const limits = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(own)) if (value !== undefined && key in DEFAULT_LIMITS) limits[key] = value;
  const resolved = limits as Required<RouteLimits>;
  const ownsCaps = parent === undefined || own.maxConnections !== undefined || own.maxConnectionsPerIp !== undefined;
  const ownsOrigins = parent === undefined || own.allowedOrigins !== undefined || own.trustProxy !== undefined;
  return {
    limits: resolved,
    allowsOrigin: ownsOrigins ? compileOrigins(resolved.allowedOrigins, resolved.trustProxy, where) : parent.allowsOrigin,
    trustProxy: resolved.trustProxy,
    caps: ownsCaps ? capsOf(resolved) : parent.caps,
    upgradeTimeout: resolved.upgradeTimeout,
    maxQueuedEvents: resolved.maxQueuedEvents,
    maxQueuedBytes: resolved.maxQueuedBytes,
    rate: resolved.messageRateLimit === false ? null : ratePolicy(resolved.messageRateLimit),
    idPrefix,
  };
}
