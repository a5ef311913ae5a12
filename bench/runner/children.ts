// Child processes of a bench run: a server pinned to core 0 that prints "PORT <n>", and a load generator
// pinned to core 1 that prints one JSON line. Both get the highest file limit the shell allows.

import type { Subprocess } from "bun";
import { isAbsolute, join } from "node:path";
import type { LoadJob, LoadResult } from "../load/options.ts";
import { REPO_ROOT, SERVERS_DIR, type ServerSpec } from "../servers/registry.ts";

export const HAS_TASKSET = Bun.which("taskset") !== null;
const RAISE_LIMIT = "ulimit -n $(ulimit -Hn) 2>/dev/null;";
const pin = (core: number) => (HAS_TASKSET ? `taskset -c ${core} ` : "");

export interface RunningServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

async function drain(stream: ReadableStream<Uint8Array>, keep: { text: string }, onText?: (t: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    keep.text = (keep.text + decoder.decode(value)).slice(-4000);
    onText?.(keep.text);
  }
}

export async function startServer(spec: ServerSpec, env: Record<string, string> = {}, timeoutMs = 15_000): Promise<RunningServer> {
  const bin = spec.runtime === "bun" ? process.execPath : "node";
  const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn(
    // Bun servers preload the heap probe the idle scenario reads (bench/servers/heap-probe.ts).
    spec.runtime === "bun"
      ? ["sh", "-c", `${RAISE_LIMIT} exec ${pin(0)}"$0" --preload "$2" "$1"`, bin, isAbsolute(spec.file) ? spec.file : join(SERVERS_DIR, spec.file), join(SERVERS_DIR, "heap-probe.ts")]
      : ["sh", "-c", `${RAISE_LIMIT} exec ${pin(0)}"$0" "$1"`, bin, isAbsolute(spec.file) ? spec.file : join(SERVERS_DIR, spec.file)],
    { cwd: REPO_ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } },
  );
  const out = { text: "" };
  const err = { text: "" };
  void drain(proc.stderr, err);
  const stop = async () => {
    proc.kill("SIGTERM");
    const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(2000).then(() => false)]);
    if (!exited) {
      proc.kill("SIGKILL");
      await proc.exited;
    }
  };
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${spec.id} printed no port in ${timeoutMs} ms: ${err.text.slice(-400)}`)), timeoutMs);
    void drain(proc.stdout, out, (t) => {
      const m = /PORT (\d+)/.exec(t);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void proc.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${spec.id} exited with ${code} before listening: ${err.text.slice(-600)}`));
    });
  }).catch(async (e: Error) => {
    await stop();
    throw e;
  });
  return { port, pid: proc.pid, stop };
}

export async function runGenerator(job: LoadJob, timeoutMs = 120_000): Promise<LoadResult> {
  const proc = Bun.spawn(
    ["sh", "-c", `${RAISE_LIMIT} exec ${pin(1)}"$0" bench/load/main.ts "$1"`, process.execPath, JSON.stringify(job)],
    { cwd: REPO_ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe" },
  );
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  clearTimeout(timer);
  const line = stdout.trim().split("\n").pop() ?? "";
  let parsed: (LoadResult & { error?: undefined }) | { error: string };
  try {
    parsed = JSON.parse(line) as typeof parsed;
  } catch {
    throw new Error(`generator gave no result (exit ${proc.exitCode}): ${stderr.slice(-400) || stdout.slice(-400)}`);
  }
  if (parsed.error !== undefined) throw new Error(`generator: ${parsed.error}`);
  return parsed;
}

/** A throwaway redis-server on a free port, pinned with the servers (core 0), no persistence. */
export async function startRedis(): Promise<RunningServer> {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  const proc = Bun.spawn(["sh", "-c", `exec ${pin(0)}redis-server --port "$0" --bind 127.0.0.1 --save "" --appendonly no`, String(port)], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = { text: "" };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server not ready: ${out.text.slice(-300)}`)), 10_000);
    void drain(proc.stdout, out, (t) => {
      if (t.includes("Ready to accept")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    port,
    pid: proc.pid,
    stop: async () => {
      proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}
