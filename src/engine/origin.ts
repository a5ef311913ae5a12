// The origin check of every upgrade (against cross-site WebSocket hijacking): `allowedOrigins` compiled once into
// one predicate. Matching is exact on scheme, host and port, so `https://good.example.evil.example` and `null`
// are foreign; a request without an Origin header (a non-browser client) never reaches it.

import { BunwireError } from "./errors.ts";
import type { AllowedOrigins, OriginRule, TrustProxy } from "./limits.ts";

export type OriginCheck = (origin: string, req: Request) => boolean;

const ORIGIN = /^([a-z][a-z0-9+.-]*):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d+)?$/;

/** `scheme://host[:port]` lower-cased, without the scheme's default port (browsers never send it). */
function normalize(origin: string): string {
  const lower = origin.toLowerCase();
  if (lower.endsWith(":443") && (lower.startsWith("https://") || lower.startsWith("wss://"))) return lower.slice(0, -4);
  if (lower.endsWith(":80") && (lower.startsWith("http://") || lower.startsWith("ws://"))) return lower.slice(0, -3);
  return lower;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/** The request's own host (X-Forwarded-Host behind a trusted proxy), compared with the Origin's host. */
function sameOrigin(trustProxy: TrustProxy): OriginCheck {
  const forwarded = trustProxy !== false && trustProxy !== 0;
  return (origin, req) => {
    const at = origin.indexOf("://");
    if (at === -1) return false; // "null", opaque origins
    let host = forwarded ? req.headers.get("x-forwarded-host") : null;
    if (host !== null) host = host.split(",")[0]!.trim();
    host ??= req.headers.get("host");
    if (host === null || host === "") return false;
    // What browsers send: the Origin is exactly scheme://Host. Compared in place, without building strings.
    if (origin.length === at + 3 + host.length && origin.startsWith(host, at + 3)) return true;
    const scheme = origin.slice(0, at);
    return normalize(origin) === normalize(`${scheme}://${host}`);
  };
}

interface Compiled {
  readonly exact: Set<string>;
  /** Wildcard origins, tested against the normalised origin. */
  readonly wildcards: RegExp[];
  /** The user's own RegExps, tested against the Origin header as sent. */
  readonly custom: RegExp[];
}

function compileRule(rule: OriginRule, where: string, { exact, wildcards, custom }: Compiled): void {
  if (rule instanceof RegExp) {
    // A RegExp with the g or y flag keeps lastIndex between calls: test a flag-free copy.
    custom.push(new RegExp(rule.source, rule.flags.replace(/[gy]/g, "")));
    return;
  }
  if (typeof rule !== "string") throw new BunwireError("INVALID_OPTION", `${where}: allowedOrigins entries must be strings or RegExps, got ${typeof rule}`);
  const origin = normalize(rule.replace(/\/+$/, ""));
  const parts = ORIGIN.exec(origin);
  if (parts === null) {
    throw new BunwireError("INVALID_OPTION", `${where}: allowedOrigins entry ${JSON.stringify(rule)} is not an origin; write it as "https://app.example.com" or "https://*.example.com"`);
  }
  if (parts[2] === undefined) {
    exact.add(origin);
    return;
  }
  // `https://*.example.com`: one or more labels in front of the domain, same scheme, same port.
  const [, scheme, , domain, port = ""] = parts;
  wildcards.push(new RegExp(`^${escapeRegExp(scheme!)}://[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.${escapeRegExp(domain!)}${escapeRegExp(port)}$`));
}

/** Compiles `allowedOrigins` (throws INVALID_OPTION for an entry that is no origin). */
export function compileOrigins(allowed: AllowedOrigins, trustProxy: TrustProxy, where: string): OriginCheck {
  if (typeof allowed === "function") return allowed;
  if (allowed === "same-origin") return sameOrigin(trustProxy);
  const rules: readonly unknown[] = Array.isArray(allowed) ? allowed : [allowed];
  if (rules.includes("*")) return () => true;
  const compiled: Compiled = { exact: new Set(), wildcards: [], custom: [] };
  let same: OriginCheck | undefined;
  for (const rule of rules) {
    if (rule === "same-origin") same = sameOrigin(trustProxy);
    else compileRule(rule as OriginRule, where, compiled);
  }
  const { exact, wildcards, custom } = compiled;
  return (origin, req) => {
    const normalized = normalize(origin);
    if (exact.has(normalized)) return true;
    for (const pattern of wildcards) if (pattern.test(normalized)) return true;
    for (const pattern of custom) if (pattern.test(origin)) return true;
    return same !== undefined && same(origin, req);
  };
}
