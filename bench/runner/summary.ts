// From raw samples to table rows: medians over rounds, and each figure as the median of its
// per-round ratio to raw Bun measured in the same round (the machine is shared and noisy).

import type { LoadResult } from "../load/options.ts";
import type { ScenarioId, ServerSpec } from "../servers/registry.ts";
import { SCENARIOS } from "./scenarios.ts";

export interface Sample {
  scenario: ScenarioId;
  server: string;
  variant: string;
  round: number;
  result?: LoadResult;
  error?: string;
}

export interface Row {
  scenario: ScenarioId;
  server: string;
  label: string;
  group: ServerSpec["group"];
  variant: string;
  status: "ok" | "pending" | "error" | "unsupported";
  note: string;
  /** the scenario's headline figure (see SCENARIOS[].unit) */
  absolute: number;
  /** median per-round ratio to the baseline; for memory, > 1 means more memory than raw Bun */
  ratio: number;
  /** median per-round ratio of msgs per server CPU-second to the baseline's (robust when the server's core is shared) */
  cpuRatio: number;
  /** messages per server CPU-second (NaN where meaningless, e.g. idle memory) */
  perCpu: number;
  /** raw rate per wall-clock second (upgrade: upgrades/s) */
  rate: number;
  serverCpuShare: number;
  genCpuShare: number;
  rounds: number;
}

export function median(xs: number[]): number {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** The number a scenario is judged by. Upgrades and HTTP use CPU-seconds: one generator core cannot saturate the server. */
export function figure(scenario: ScenarioId, r: LoadResult): number {
  if (scenario === "idle") return r.bytesPerConnection ?? NaN;
  if (scenario === "upgrade" || scenario === "http") return r.perCpuSecond;
  return r.rate;
}

export function summarize(samples: Sample[], servers: ServerSpec[], pending: Map<string, string>): Row[] {
  const rows: Row[] = [];
  for (const sc of SCENARIOS) {
    for (const s of servers) {
      if (!s.scenarios.includes(sc.id)) continue;
      const mine = samples.filter((x) => x.scenario === sc.id && x.server === s.id);
      const base = { scenario: sc.id, server: s.id, label: s.label, group: s.group };
      const why = pending.get(s.id);
      if (why !== undefined || (!mine.length && sc.id === "redis")) {
        rows.push({ ...base, variant: "", status: "pending", note: why ?? "pending", absolute: NaN, ratio: NaN, cpuRatio: NaN, perCpu: NaN, rate: NaN, serverCpuShare: NaN, genCpuShare: NaN, rounds: 0 });
        continue;
      }
      if (sc.id === "upgrade" && s.noUpgradeMiddleware !== undefined) {
        rows.push({ ...base, variant: "2 middlewares", status: "unsupported", note: s.noUpgradeMiddleware, absolute: NaN, ratio: NaN, cpuRatio: NaN, perCpu: NaN, rate: NaN, serverCpuShare: NaN, genCpuShare: NaN, rounds: 0 });
      }
      for (const variant of [...new Set(mine.map((x) => x.variant))]) {
        const ok = mine.filter((x) => x.variant === variant && x.result);
        const failed = mine.filter((x) => x.variant === variant && x.error);
        if (!ok.length) {
          rows.push({ ...base, variant, status: "error", note: failed[0]?.error?.slice(0, 160) ?? "no result", absolute: NaN, ratio: NaN, cpuRatio: NaN, perCpu: NaN, rate: NaN, serverCpuShare: NaN, genCpuShare: NaN, rounds: 0 });
          continue;
        }
        // upgrade variants are all compared with raw Bun's *bare* upgrade
        const baseVariant = sc.id === "upgrade" ? "bare" : variant;
        const baseOf = (x: Sample) => samples.find((y) => y.scenario === sc.id && y.server === sc.baseline && y.variant === baseVariant && y.round === x.round && y.result)?.result;
        const ratios = ok.map((x) => {
          const b = baseOf(x);
          return b ? figure(sc.id, x.result!) / figure(sc.id, b) : NaN;
        });
        const cpuRatios = ok.map((x) => {
          const b = baseOf(x);
          return b && sc.id !== "idle" ? x.result!.perCpuSecond / b.perCpuSecond : NaN;
        });
        const errs = ok.reduce((n, x) => n + x.result!.errors, 0);
        rows.push({
          ...base,
          variant,
          status: "ok",
          note: [latencyNote(ok), heapNote(ok), sc.id === "redis" ? instancesNote(ok, baseOf) : "", failed.length ? `${failed.length} failed round(s)` : "", errs ? `${errs} generator errors: ${ok.find((x) => x.result!.firstError)?.result!.firstError ?? ""}` : ""].filter(Boolean).join("; "),
          absolute: median(ok.map((x) => figure(sc.id, x.result!))),
          ratio: median(ratios),
          cpuRatio: median(cpuRatios),
          perCpu: sc.id === "idle" ? NaN : median(ok.map((x) => x.result!.perCpuSecond)),
          rate: median(ok.map((x) => x.result!.rate)),
          serverCpuShare: median(ok.map((x) => x.result!.stats.serverCpuShare)),
          genCpuShare: median(ok.map((x) => x.result!.stats.genCpuShare)),
          rounds: ok.length,
        });
      }
    }
  }
  return rows;
}

/** Idle memory: the JS heap each connection keeps after a full GC, beside the RSS figure (Bun servers only). */
function heapNote(ok: Sample[]): string {
  const h = ok.map((x) => x.result!.heapBytesPerConnection).filter((x) => x !== undefined);
  const f = ok.map((x) => x.result!.bytesPerConnectionFromFirst).filter((x) => x !== undefined);
  const notes = [];
  if (h.length) notes.push(`JS heap after GC ${Math.round(median(h))} B/conn`);
  if (f.length) notes.push(`RSS from the first connection ${Math.round(median(f))} B/conn`);
  return notes.join("; ");
}

function latencyNote(ok: Sample[]): string {
  const l = ok.map((x) => x.result!.latency).filter((x) => x !== undefined);
  if (!l.length) return "";
  return `latency p50 ${median(l.map((x) => x.p50)).toFixed(2)} ms, p99 ${median(l.map((x) => x.p99)).toFixed(2)} ms`;
}

/**
 * Cross-instance fan-out judged per CPU-second of the two instances alone (issue 16): deliveries ÷ (CPU of A + B),
 * against raw Bun's single instance in the same round. Redis's own share is given beside it.
 */
function instancesNote(ok: Sample[], baseOf: (x: Sample) => LoadResult | undefined): string {
  const ratios: number[] = [];
  const redisShare: number[] = [];
  for (const x of ok) {
    const byPid = x.result!.stats.serverCpuSecondsByPid;
    const base = baseOf(x);
    if (byPid === undefined || byPid.length < 3 || base === undefined || x.server === "raw-bun") continue;
    ratios.push(x.result!.count / (byPid[0]! + byPid[1]!) / base.perCpuSecond);
    redisShare.push(byPid[2]! / x.result!.stats.serverCpuSeconds);
  }
  if (!ratios.length) return "";
  return `per CPU-s of both instances ${median(ratios).toFixed(2)}× raw Bun; Redis ${Math.round(median(redisShare) * 100)}% of the server CPU`;
}
