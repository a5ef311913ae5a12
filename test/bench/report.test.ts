// The figures in bench/RESULTS.md are ratios taken within a round, then the median over rounds;
// pending front doors are listed, not dropped; the chart has one bar per measured row.

import { describe, expect, test } from "bun:test";
import type { LoadResult } from "../../bench/load/options.ts";
import { renderMarkdown } from "../../bench/report/markdown.ts";
import { renderSvg } from "../../bench/report/svg.ts";
import { FULL } from "../../bench/runner/scenarios.ts";
import { summarize, type Sample } from "../../bench/runner/summary.ts";
import { checkTargets } from "../../bench/report/targets.ts";
import { HTTP_SERVERS } from "../../bench/servers/http/registry.ts";
import { SERVERS } from "../../bench/servers/registry.ts";

const result = (rate: number, cpuSeconds = 1): LoadResult => ({
  mode: "echo",
  count: rate,
  rate,
  perCpuSecond: rate / cpuSeconds,
  stats: { seconds: 1, serverCpuSeconds: cpuSeconds, serverCpuShare: cpuSeconds, genCpuShare: 0.5 },
  errors: 0,
});
const echo = (server: string, round: number, rate: number, cpu?: number): Sample => ({ scenario: "echo", server, variant: "", round, result: result(rate, cpu) });
const servers = SERVERS.filter((s) => ["raw-bun", "elysia", "bunwire-app"].includes(s.id));

describe("bench report", () => {
  // the machine drifts between rounds: round 2 is twice as fast for everyone
  const samples = [echo("raw-bun", 0, 100), echo("elysia", 0, 40), echo("raw-bun", 1, 200), echo("elysia", 1, 80), echo("raw-bun", 2, 100, 0.5), echo("elysia", 2, 50)];
  const rows = summarize(samples, servers, new Map([["bunwire-app", "pending: src/app not in the tree yet"]])).filter((r) => r.scenario === "echo");

  test("each ratio divides by raw Bun of the same round, then takes the median", () => {
    const elysia = rows.find((r) => r.server === "elysia")!;
    expect(elysia.ratio).toBeCloseTo(0.4); // per-round ratios 0.4, 0.4, 0.5
    expect(elysia.absolute).toBe(50); // median of 40, 80, 50
    expect(elysia.cpuRatio).toBeCloseTo(0.4); // per CPU-s: 0.4, 0.4, 50/200 = 0.25
  });

  test("a front door that has not landed is reported as pending with the reason", () => {
    const app = rows.find((r) => r.server === "bunwire-app")!;
    expect(app.status).toBe("pending");
    expect(app.note).toContain("src/app");
  });

  test("markdown lists every row and the chart draws one bar per measured row", () => {
    const md = renderMarkdown(rows, { date: "d", cpu: "c", cores: 2, kernel: "k", bun: "1.4.4", node: "v20", taskset: true, loadBefore: "0", loadAfter: "0", seconds: 1, settings: FULL, generatorCheck: [] });
    expect(md).toContain("| echo | Elysia | – | 50 msg/s | 0.40× |");
    expect(md).toContain("| echo | bunwire App | – | – | pending |");
    const svg = renderSvg(rows, "t");
    expect(svg.match(/<rect x="250"/g)?.length).toBe(2); // raw Bun + Elysia; pending draws nothing
  });
});

test("the HTTP scenario is judged per server CPU-second and checked against issue 18's targets", () => {
  // wall-clock rates hide the per-CPU picture: bunwire answers fewer per second here but costs less CPU per answer
  const http = (server: string, round: number, rate: number, cpu: number): Sample => ({ scenario: "http", server, variant: "", round, result: { ...result(rate, cpu), mode: "http" } });
  const samples = [http("raw-bun", 0, 100, 1), http("bunwire-app", 0, 90, 1), http("hono", 0, 80, 1), http("elysia", 0, 90, 1), http("raw-bun", 1, 200, 1), http("bunwire-app", 1, 90, 0.5), http("hono", 1, 80, 0.5), http("elysia", 1, 100, 0.5)];
  const rows = summarize(samples, HTTP_SERVERS, new Map()).filter((r) => r.scenario === "http");
  expect(rows.map((r) => [r.server, r.ratio])).toEqual([["raw-bun", 1], ["bunwire-app", 0.9], ["hono", 0.8], ["elysia", 0.95]]);
  const targets = checkTargets(rows).filter((t) => t.target.startsWith("HTTP"));
  expect(targets.map((t) => [t.target, t.met])).toEqual([
    ["HTTP JSON GET + 2 middlewares ≥ 0.85× raw Bun (issue 18)", true],
    ["HTTP ahead of Hono", true],
    ["HTTP level with Elysia (≥ 0.95×)", false], // 0.90 is more than 5% below 0.95
  ]);
});
