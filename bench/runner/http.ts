// The HTTP scenario's rounds (issue 18), shared by `bun bench/http.ts` and `npm run bench`. Every server starts
// once and stays up (an idle one costs no CPU), gets one unmeasured pass so its JIT is warm, then each round runs the
// generator against each in turn, order reversed every other round. Windows of a few seconds, close together,
// put every server under the same weather of a shared machine; the figure is answers per server CPU-second.

import type { HttpLoadJob, HttpLoadResult } from "../load/http.ts";
import { HAS_TASKSET, startServer, type RunningServer } from "./children.ts";
import { AUTH_HEADER, EXPECTED_BODY, HTTP_PATH, TAG_HEADER } from "../servers/http/contract.ts";
import { REPO_ROOT, type ServerSpec } from "../servers/registry.ts";
import type { Settings } from "./scenarios.ts";
import type { Sample } from "./summary.ts";

export interface HttpSettings {
  rounds: number;
  windowMs: number;
  warmupMs: number;
  connections: number;
  inflight: number;
}

export const HTTP_DEFAULTS: HttpSettings = { rounds: 9, windowMs: 2000, warmupMs: 300, connections: 32, inflight: 4 };

/** One measurement: a server in a round. */
export interface HttpSample {
  server: string;
  round: number;
  result: HttpLoadResult;
}

/** The generator in its own process, pinned to core 1 (as runner/children.ts runs the WebSocket ones). */
export async function runHttpLoadChild(job: HttpLoadJob): Promise<HttpLoadResult> {
  const pin = HAS_TASKSET ? "taskset -c 1 " : "";
  const proc = Bun.spawn(["sh", "-c", `ulimit -n $(ulimit -Hn) 2>/dev/null; exec ${pin}"$0" bench/load/http.ts "$1"`, process.execPath, JSON.stringify(job)], {
    cwd: REPO_ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  const parsed = JSON.parse(stdout.trim().split("\n").pop() || `{"error":${JSON.stringify(stderr.slice(-300))}}`) as HttpLoadResult & { error?: string };
  if (parsed.error !== undefined) throw new Error(`generator: ${parsed.error}`);
  return parsed;
}

export function httpJob(server: Pick<RunningServer, "port" | "pid">, settings: HttpSettings, windowMs: number): HttpLoadJob {
  return {
    host: "127.0.0.1",
    port: server.port,
    path: HTTP_PATH,
    headers: { Authorization: AUTH_HEADER },
    connections: settings.connections,
    inflight: settings.inflight,
    warmupMs: settings.warmupMs,
    windowMs,
    serverPid: server.pid,
    expect: { status: 200, header: TAG_HEADER, body: EXPECTED_BODY },
  };
}

/** Runs every round against `specs` (raw Bun first: it is the baseline) and returns one sample per server and round. */
export async function runHttpRounds(specs: readonly ServerSpec[], settings: HttpSettings, log: (line: string) => void): Promise<HttpSample[]> {
  const running = new Map<string, RunningServer>();
  const samples: HttpSample[] = [];
  try {
    for (const spec of specs) running.set(spec.id, await startServer(spec));
    for (const spec of specs) await runHttpLoadChild(httpJob(running.get(spec.id)!, settings, Math.min(1000, settings.windowMs))); // JIT warm-up, not counted
    for (let round = 0; round < settings.rounds; round++) {
      for (const spec of round % 2 === 1 ? [...specs].reverse() : specs) {
        const result = await runHttpLoadChild(httpJob(running.get(spec.id)!, settings, settings.windowMs));
        if (result.errors > 0) throw new Error(`${spec.id}: ${result.errors} errors, first: ${result.firstError}`);
        samples.push({ server: spec.id, round, result });
        log(`http r${round} ${spec.id}: ${Math.round(result.rate)} req/s, ${Math.round(result.perCpuSecond)} per server CPU-s; server ${Math.round(result.stats.serverCpuShare * 100)}% gen ${Math.round(result.stats.genCpuShare * 100)}%`);
      }
    }
  } finally {
    for (const server of running.values()) await server.stop();
  }
  return samples;
}

/** `npm run bench`'s scenario `http`: the same rounds, recorded as samples of the report (at least 9 in a full run). */
export async function runHttpScenario(cfg: Settings, samples: Sample[], log: (line: string) => void, specs: readonly ServerSpec[]): Promise<void> {
  const settings: HttpSettings = { ...HTTP_DEFAULTS, rounds: cfg.quick ? cfg.rounds : Math.max(cfg.rounds, HTTP_DEFAULTS.rounds), windowMs: cfg.windowMs };
  try {
    for (const { server, round, result } of await runHttpRounds(specs, settings, log)) {
      const { responseSize, ...figures } = result;
      samples.push({ scenario: "http", server, variant: "", round, result: { mode: "http", ...figures, replySize: responseSize } });
    }
  } catch (error) {
    log(`http: ${(error as Error).message.slice(0, 200)}`);
    for (const spec of specs) samples.push({ scenario: "http", server: spec.id, variant: "", round: 0, error: (error as Error).message });
  }
}
