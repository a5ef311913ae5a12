// The generator's side of bench/servers/heap-probe.ts: ask a Bun bench server for its JS heap after a full GC.

import { existsSync, readFileSync, rmSync } from "node:fs";
import { sleep } from "./proc.ts";

export interface HeapReading {
  heapSize: number;
  heapCapacity: number;
  mallocLive: number;
  mallocCommitted: number;
  objectCount: number;
  objectTypeCounts: Record<string, number>;
  rss: number;
  rssShrunk: number;
}

const heapFile = (pid: number) => `/tmp/bunwire-heap-${pid}.json`;

function hasProbe(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("heap-probe.ts");
  } catch {
    return false;
  }
}

/** The server's heap after a full GC, or undefined when it has no probe (Node servers) or does not answer in 10 s. */
export async function readHeap(pid: number): Promise<HeapReading | undefined> {
  // only a server started with the probe preloaded: SIGUSR2 would end any other process (Node's servers)
  if (!hasProbe(pid)) return undefined;
  const file = heapFile(pid);
  rmSync(file, { force: true });
  try {
    process.kill(pid, "SIGUSR2");
  } catch {
    return undefined;
  }
  for (let waited = 0; waited < 10_000; waited += 20) {
    if (existsSync(file)) {
      const reading = JSON.parse(readFileSync(file, "utf8")) as HeapReading;
      rmSync(file, { force: true });
      return reading;
    }
    await sleep(20);
  }
  return undefined;
}

/** Per-connection growth of each object type between two readings (types that grew by >= 0.5 per connection). */
export function typeGrowth(a: HeapReading, b: HeapReading, connections: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [type, count] of Object.entries(b.objectTypeCounts)) {
    const per = (count - (a.objectTypeCounts[type] ?? 0)) / connections;
    if (per >= 0.5) out[type] = Math.round(per * 100) / 100;
  }
  return out;
}
