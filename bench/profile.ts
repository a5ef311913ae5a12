// `bun bench/profile.ts <server-id> <scenario> [variant]`: CPU profile (markdown, from `bun --cpu-prof-md`) of one bench
// server under the same load as the timed run. Writes bench/profiles/<server>-<scenario>.md.
// Bun servers only (Node servers would need --cpu-prof and another reader). Scenario `http` takes its servers
// from bench/servers/http (raw-bun, bunwire-app, hono, elysia) and drives them with the HTTP generator.

import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runGenerator } from "./runner/children.ts";
import { HTTP_DEFAULTS, httpJob, runHttpLoadChild } from "./runner/http.ts";
import { FULL, measurements } from "./runner/scenarios.ts";
import { HTTP_SERVERS } from "./servers/http/registry.ts";
import { SERVERS, SERVERS_DIR, type ScenarioId } from "./servers/registry.ts";

const [serverId, scenario, variant] = process.argv.slice(2) as [string, ScenarioId, string | undefined];
const spec = (scenario === "http" ? HTTP_SERVERS : SERVERS).find((s) => s.id === serverId && s.runtime === "bun");
if (!spec || !spec.scenarios.includes(scenario)) {
  console.error(`usage: bun bench/profile.ts <bun server id> <scenario>; servers: ${SERVERS.filter((s) => s.runtime === "bun").map((s) => s.id).join(", ")}`);
  process.exit(2);
}
const outDir = join(import.meta.dir, "profiles");
const tmp = join(outDir, `.tmp-${process.pid}`);
mkdirSync(tmp, { recursive: true });
const seconds = 4;
const pin = Bun.which("taskset") ? ["taskset", "-c", "0"] : [];
const proc = Bun.spawn([...pin, process.execPath, "--cpu-prof-md", `--cpu-prof-dir=${tmp}`, join(import.meta.dir, "runner/profiled.ts"), join(SERVERS_DIR, spec.file)], {
  stdout: "pipe",
  stderr: "inherit",
  env: { ...process.env, PROFILE_SECONDS: String(seconds) },
});
const reader = proc.stdout.getReader();
let text = "";
while (!/PORT \d+/.test(text)) {
  const { value, done } = await reader.read();
  if (done) throw new Error("server exited before printing its port");
  text += new TextDecoder().decode(value);
}
const port = Number(/PORT (\d+)/.exec(text)![1]);
const cfg = { ...FULL, warmupMs: 300, windowMs: (seconds - 1.5) * 1000 };
if (scenario === "http") {
  const r = await runHttpLoadChild(httpJob({ port, pid: proc.pid }, HTTP_DEFAULTS, cfg.windowMs));
  console.log(`http: ${Math.round(r.rate)}/s`);
}
// One variant only (`upgrade bare`) keeps the profile to one job; the server lives PROFILE_SECONDS in all.
for (const m of measurements(scenario, spec, port, proc.pid, cfg, 0).filter((x) => variant === undefined || x.variant === variant)) {
  const r = await runGenerator(m.job);
  console.log(`${scenario}${m.variant ? ` (${m.variant})` : ""}: ${Math.round(r.rate)}/s`);
}
await proc.exited;
const md = readdirSync(tmp).find((f) => f.endsWith(".md"));
if (!md) throw new Error("no profile written");
const dest = join(outDir, `${serverId}-${scenario}${variant ? `-${variant.replace(/\W+/g, "-")}` : ""}.md`);
renameSync(join(tmp, md), dest);
rmSync(tmp, { recursive: true });
console.log(`wrote ${dest}`);
