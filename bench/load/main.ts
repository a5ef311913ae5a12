// Load generator entry: `bun bench/load/main.ts '<LoadJob JSON>'` prints one LoadResult JSON line.
// The runner starts it pinned to its own core (taskset -c 1) with a raised file limit.

import { runFanout } from "./fanout.ts";
import { runIdle } from "./idle.ts";
import type { LoadJob, LoadResult } from "./options.ts";
import { runThroughput } from "./throughput.ts";
import { runUpgrade } from "./upgrade.ts";

export function runJob(job: LoadJob): Promise<LoadResult> {
  switch (job.mode) {
    case "echo":
    case "rpc":
      return runThroughput(job);
    case "fanout":
      return runFanout(job);
    case "upgrade":
      return runUpgrade(job);
    case "idle":
      return runIdle(job);
  }
}

if (import.meta.main) {
  const arg = process.argv[2];
  if (!arg) {
    console.error("usage: bun bench/load/main.ts '<job json>'");
    process.exit(2);
  }
  try {
    const result = await runJob(JSON.parse(arg) as LoadJob);
    console.log(JSON.stringify(result));
    process.exit(0);
  } catch (e) {
    console.log(JSON.stringify({ error: (e as Error).message }));
    process.exit(1);
  }
}
