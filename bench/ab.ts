// `bun bench/ab.ts <scenario> <rounds> <server id | id=file | file under bench/servers>...`: an A/B of a few servers on one
// scenario, alternated, printing per-round figures and medians (per server CPU-second; bytes/conn for idle).
// For trying a change before it lands: point a file at a patched copy of src/ (see bench/findings.md); an absolute
// path runs a server from another tree (`bunwire-app=/tmp/base/bench/servers/bunwire-app.ts`: main before the change).
import { runGenerator, startServer } from "./runner/children.ts";
import { FULL, measurements } from "./runner/scenarios.ts";
import { SERVERS, type ScenarioId, type ServerSpec } from "./servers/registry.ts";
const [scenario, roundsS, ...rest] = process.argv.slice(2);
// `--variant=bare` measures one variant only (the upgrade scenario has two).
const only = rest.find((a) => a.startsWith("--variant="))?.slice("--variant=".length);
const ids = rest.filter((a) => !a.startsWith("--variant="));
// `<id>` is a registered server; `<id>=<file>` runs another file as that server (same paths and wire); a bare file
// runs as raw Bun would be driven.
const specs: ServerSpec[] = ids.map((arg) => {
  const [id, file] = arg.includes("=") ? (arg.split("=") as [string, string]) : [arg, undefined];
  const known = SERVERS.find((s) => s.id === id);
  if (known) return file ? { ...known, id: arg, file } : known;
  return { ...SERVERS[0]!, id: arg, file: arg };
});
const cfg = { ...FULL, windowMs: 1500, warmupMs: 400 };
const res: Record<string, number[]> = {};
for (let r = 0; r < Number(roundsS); r++) {
  for (const s of r % 2 ? [...specs].reverse() : specs) {
    const srv = await startServer(s);
    for (const m of measurements(scenario as ScenarioId, s, srv.port, srv.pid, cfg, r).filter((x) => only === undefined || x.variant === only)) {
      const x = await runGenerator(m.job);
      const key = `${s.id} ${m.variant}`;
      const fig = scenario === "idle" ? x.bytesPerConnection! : x.perCpuSecond;
      (res[key] ??= []).push(fig);
      console.log(key, Math.round(x.rate), "per-cpu", Math.round(x.perCpuSecond), "srv", Math.round(x.stats.serverCpuShare * 100), x.bytesPerConnection ?? "");
    }
    await srv.stop();
  }
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
for (const [k, v] of Object.entries(res)) console.log("MEDIAN", k, Math.round(med(v)));
// The figure the issues ask for: each server against the first one, round by round, then the median of those ratios.
const [baseKey, ...others] = Object.keys(res);
for (const k of others) {
  const ratios = res[k]!.map((v, i) => v / res[baseKey!]![i]!);
  console.log("RATIO", `${k} / ${baseKey}`, med(ratios).toFixed(3), `(rounds: ${ratios.map((r) => r.toFixed(2)).join(" ")})`);
}
process.exit(0);
