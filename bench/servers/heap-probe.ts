// Preloaded into every Bun bench server (bench/runner/children.ts): on SIGUSR2 the server runs a full GC and writes
// `bun:jsc` heapStats() to /tmp/bunwire-heap-<pid>.json, so the idle scenario can report the JS heap a connection
// retains. Bench-only: nothing in src/ knows about it.

import { fullGC, heapStats } from "bun:jsc";
import { renameSync, writeFileSync } from "node:fs";

export const heapFile = (pid: number) => `/tmp/bunwire-heap-${pid}.json`;

// `BENCH_WARM_HEAP=N` (`bun bench/memory.ts --warm-heap=N`): N small objects and strings allocated and dropped before
// the server starts, the same in every server, so all begin with free heap space as a process that has run a while
// does (RSS growth per connection depends on it: bench/findings.md, third session of 2026-11-30).
const warm = Number(process.env.BENCH_WARM_HEAP ?? 0);
if (warm > 0) {
  let garbage: unknown[] = [];
  for (let i = 0; i < warm; i++) garbage.push({ a: i, b: `s${i}`, c: [i] });
  garbage = [];
  fullGC();
}

if (process.env.BUNWIRE_HEAP_PROBE !== "off") {
  process.on("SIGUSR2", async () => {
    if (process.env.HEAP_PROBE_WAIT) {
      fullGC();
      await Bun.sleep(Number(process.env.HEAP_PROBE_WAIT));
    }
    fullGC();
    fullGC();
    // heapCapacity: the JS heap's blocks (live objects and the holes between them); mimalloc: native allocations
    const s = heapStats() as ReturnType<typeof heapStats> & { mimalloc?: { malloc_normal?: { current: number }; committed?: { current: number } } };
    const file = heapFile(process.pid);
    // written whole, then renamed: the reader never sees half a file
    const rss = process.memoryUsage.rss();
    // and once the engine gave free heap pages back (Bun.shrink): what is live, not what the heap once needed
    Bun.shrink();
    writeFileSync(`${file}.tmp`, JSON.stringify({ heapSize: s.heapSize, heapCapacity: s.heapCapacity, mallocLive: s.mimalloc?.malloc_normal?.current ?? NaN, mallocCommitted: s.mimalloc?.committed?.current ?? NaN, objectCount: s.objectCount, objectTypeCounts: s.objectTypeCounts, rss, rssShrunk: process.memoryUsage.rss() }));
    renameSync(`${file}.tmp`, file);
  });
}
