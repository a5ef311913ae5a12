import { runGenerator } from "./runner/children.ts";
import { readdirSync, renameSync, mkdirSync, rmSync } from "node:fs";
const path = process.argv[2]!; const keyed = process.argv[3] === "keyed";
const tmp = `/tmp/prof/t${process.pid}`; mkdirSync(tmp, { recursive: true });
const proc = Bun.spawn(["taskset", "-c", "0", process.execPath, "--cpu-prof-md", `--cpu-prof-dir=${tmp}`, "bench/runner/profiled.ts", `${process.cwd()}/bench/servers/bunwire-guarantees.ts`], { stdout: "pipe", stderr: "inherit", env: { ...process.env, PROFILE_SECONDS: "9" } });
const reader = proc.stdout.getReader(); let text = "";
while (!/PORT \d+/.test(text)) { const { value } = await reader.read(); text += new TextDecoder().decode(value); }
const port = Number(/PORT (\d+)/.exec(text)![1]);
const r = await runGenerator({ mode: "rpc", path, connections: 64, inflight: 32, keyed, host: "127.0.0.1", port, serverPid: [proc.pid], wire: "plain", warmupMs: 3000, windowMs: 4000 } as any);
console.log(path, keyed, Math.round(r.rate), Math.round(r.perCpuSecond));
await proc.exited;
const md = readdirSync(tmp).find((f) => f.endsWith(".md"))!;
renameSync(`${tmp}/${md}`, `/tmp/prof/${path.slice(1)}-${keyed ? "k" : "u"}.md`); rmSync(tmp, { recursive: true });
