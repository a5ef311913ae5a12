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

// `BENCH_WARM_ZOD=N` (`bun bench/memory.ts --warm-zod=N`): zod loaded and N object schemas built and kept before the
// server starts, the same in every server (raw Bun too), as a real app starts with its libraries loaded: the gateway's
// bench file loads zod and the others do not, which moves RSS growth per connection (bench/findings.md, fifth session).
const warmZod = Number(process.env.BENCH_WARM_ZOD ?? 0);
if (warmZod > 0) {
  const { z } = await import("zod");
  (globalThis as { __benchSchemas?: unknown }).__benchSchemas = Array.from({ length: warmZod }, (_, i) => z.object({ a: z.number(), b: z.string(), [`k${i}`]: z.boolean() }));
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
