// `bun bench/warmup.ts <scenario> <variant> <server id>...`: one server process per id, measured in ten back-to-back
// 1 s windows with no warm-up, to show how long its JIT takes to settle (bench/findings.md: a fresh bunwire App
// upgrades at 0.65-0.75x of its steady rate for ~2 s; the upgrade scenario's warm-up is sized from this).
// `<variant>` is "" for scenarios with one (echo), "bare" or "2 middlewares" for upgrade.
import { runGenerator, startServer } from "./runner/children.ts";
import { FULL, measurements } from "./runner/scenarios.ts";
import { SERVERS, type ScenarioId } from "./servers/registry.ts";
const [scenario, variant, ...ids] = process.argv.slice(2) as [ScenarioId, string, ...string[]];
for (const id of ids) {
  const spec = SERVERS.find((s) => s.id === id);
  if (spec === undefined) throw new Error(`unknown server ${id}; known: ${SERVERS.map((s) => s.id).join(", ")}`);
  const srv = await startServer(spec);
  const cfg = { ...FULL, warmupMs: 0, windowMs: 1000, upgradeWarmupMs: 0, upgradeWindowMs: 1000 };
  const perWindow: number[] = [];
  for (let i = 0; i < 10; i++) {
    const m = measurements(scenario, spec, srv.port, srv.pid, cfg, 0).find((x) => x.variant === variant)!;
    perWindow.push(Math.round((await runGenerator(m.job)).perCpuSecond));
  }
  console.log(id.padEnd(24), perWindow.join(" "));
  await srv.stop();
}
process.exit(0);
