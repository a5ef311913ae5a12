// The speed targets, checked against the bunwire rows of a run.

import type { Row } from "../runner/summary.ts";

export interface TargetCheck {
  target: string;
  server: string;
  value: string;
  met: boolean | null;
  /** the front door cannot do this job (why) */
  unsupported?: string;
}

export function checkTargets(rows: Row[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  const bw = rows.filter((r) => r.group === "bunwire");
  const fmt = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : "–");
  const add = (target: string, r: Row, value: number, met: boolean, cpu?: number) =>
    out.push({ target, server: r.label, value: fmt(value) + (cpu !== undefined && Number.isFinite(cpu) ? ` (per CPU-s ${fmt(cpu)})` : ""), met: r.status === "ok" ? met : null });
  for (const r of bw) {
    if (r.scenario === "echo") add("echo ≥ 0.95× raw Bun", r, r.ratio, r.ratio >= 0.95, r.cpuRatio);
    if (r.scenario === "fanout") add("fan-out ≥ 0.97× raw Bun", r, r.ratio, r.ratio >= 0.97, r.cpuRatio);
    if (r.status === "unsupported") out.push({ target: "upgrade through 2 middlewares ≥ 0.8× bare raw Bun", server: r.label, value: "–", met: null, unsupported: r.note });
    else if (r.scenario === "upgrade" && r.variant === "2 middlewares") {
      add("upgrade through 2 middlewares ≥ 0.8× bare raw Bun", r, r.ratio, r.ratio >= 0.8);
      // The checks themselves cost raw Bun something (an HMAC per upgrade): show the framework's own share apart.
      const byHand = rows.find((x) => x.scenario === "upgrade" && x.server === "raw-bun" && x.variant === "2 middlewares" && x.status === "ok");
      const last = out[out.length - 1]!;
      if (byHand && r.status === "ok") last.value += `; raw Bun doing the same checks by hand: ${fmt(byHand.ratio)}, so the front door keeps ${fmt(r.ratio / byHand.ratio)} of it (the two ratios' quotient)`;
    }
    if (r.scenario === "idle") add("idle memory/conn ≤ 1.1× raw Bun", r, r.ratio, r.ratio <= 1.1);
    if (r.scenario === "rpc") {
      add("typed req/ack ≥ 0.6× raw Bun JSON", r, r.ratio, r.ratio >= 0.6, r.cpuRatio);
      const sio = rows.find((x) => x.scenario === "rpc" && x.server === "socketio-node" && x.status === "ok");
      if (sio) add("typed req/ack ≥ 5× Socket.IO", r, r.absolute / sio.absolute, r.absolute / sio.absolute >= 5);
    }
    if (r.scenario === "http" && r.status === "ok") {
      // Issue 18: per server CPU-second, against raw Bun, Hono and Elysia measured in the same rounds.
      add("HTTP JSON GET + 2 middlewares ≥ 0.85× raw Bun (issue 18)", r, r.ratio, r.ratio >= 0.85);
      const peer = (id: string) => rows.find((x) => x.scenario === "http" && x.server === id && x.status === "ok");
      const hono = peer("hono");
      const elysia = peer("elysia");
      if (hono) add("HTTP ahead of Hono", r, r.ratio / hono.ratio, r.ratio > hono.ratio);
      if (elysia) add("HTTP level with Elysia (≥ 0.95×)", r, r.ratio / elysia.ratio, r.ratio >= 0.95 * elysia.ratio);
    }
    if (r.status === "pending" && !["rpc", "redis"].includes(r.scenario)) out.push({ target: `${r.scenario} targets`, server: r.label, value: "–", met: null });
  }
  return out;
}
