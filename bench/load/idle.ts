// Idle memory: the server's RSS growth over N open, silent WebSocket connections, per connection, and beside it the
// JS heap each connection retains after a full GC (bench/servers/heap-probe.ts). Handshakes carry a browser's
// headers (bench/load/browser-headers.ts), so what a server keeps of them shows.

import { browserHeaders } from "./browser-headers.ts";
import { openMany, WireConn } from "./conn.ts";
import { readHeap, typeGrowth } from "./heap.ts";
import type { LoadJob, LoadResult } from "./options.ts";
import { rssBytes, sleep, snapshot, windowStats } from "./proc.ts";
import { preamble } from "./wire.ts";

const firstPid = (p: number | number[]) => (Array.isArray(p) ? p[0]! : p);

type Job = Extract<LoadJob, { mode: "idle" }>;

export async function runIdle(job: Job): Promise<LoadResult> {
  const origin = job.origin ?? `http://${job.host}:${job.port}`;
  const target = (i: number) => ({ host: job.host, port: job.port, path: job.path, headers: browserHeaders(i, origin) });
  const pid = firstPid(job.serverPid);
  // `churn`: that many connections opened and closed first, as a server that has been up a while has seen: its
  // upgrade path compiled by the JIT and its heap and allocator sized by upgrade garbage, not by its start-up.
  for (let done = 0; done < (job.churn ?? 0); done += 2000) {
    const batch = await openMany(Math.min(2000, job.churn! - done), job.concurrency, (i) => WireConn.open(target(i + 1), 30_000));
    for (const c of batch) c.terminate();
  }
  // one connection first, so lazily built per-server structures are in the baseline, not the per-connection cost
  const first = await WireConn.open(target(0));
  await preamble(job.wire, first);
  await sleep(job.settleMs);
  const rssStart = rssBytes(pid);
  // `hold`: that many connections opened first and kept open through the measurement, so the figure is the slope of
  // memory over connections at scale (what the next connections cost), not what the first ones cost while they fill
  // the free space the process's start-up left (bench/findings.md, eleventh session).
  const held = await openMany(job.hold ?? 0, job.concurrency, async (i) => {
    const c = await WireConn.open(target(job.connections + 1 + i), 30_000);
    await preamble(job.wire, c);
    return c;
  });
  if (held.length > 0) await sleep(job.settleMs);
  const heapBefore = await readHeap(pid);
  const rssBefore = rssBytes(pid);
  const a = snapshot(job.serverPid);
  const conns = await openMany(job.connections, job.concurrency, async (i) => {
    const c = await WireConn.open(target(i + 1), 30_000);
    await preamble(job.wire, c);
    return c;
  });
  await sleep(job.settleMs);
  const rssAfter = rssBytes(pid);
  const b = snapshot(job.serverPid);
  // after the RSS reading: the probe's full GC must not shrink the figure the runner has always reported
  const heapAfter = heapBefore === undefined ? undefined : await readHeap(pid);
  const closed = conns.filter((c) => c.closed).length;
  for (const c of conns) c.terminate();
  for (const c of held) c.terminate();
  first.terminate();
  const stats = windowStats(a, b);
  const bytesPerConnection = (rssAfter - rssBefore) / job.connections;
  // every connection counted from the first: the figure without `hold`
  const bytesPerConnectionFromFirst = (rssAfter - rssStart) / (job.connections + held.length);
  const heap =
    heapBefore !== undefined && heapAfter !== undefined
      ? {
          heapBytesPerConnection: (heapAfter.heapSize - heapBefore.heapSize) / job.connections,
          // both readings follow a full GC: what the connections keep, without the garbage their upgrades left
          rssAfterGcPerConnection: (heapAfter.rss - heapBefore.rss) / job.connections,
          heapCapacityPerConnection: (heapAfter.heapCapacity - heapBefore.heapCapacity) / job.connections,
          mallocLivePerConnection: (heapAfter.mallocLive - heapBefore.mallocLive) / job.connections,
          mallocCommittedPerConnection: (heapAfter.mallocCommitted - heapBefore.mallocCommitted) / job.connections,
          rssShrunkPerConnection: (heapAfter.rssShrunk - heapBefore.rssShrunk) / job.connections,
          objectsPerConnection: (heapAfter.objectCount - heapBefore.objectCount) / job.connections,
          objectTypesPerConnection: typeGrowth(heapBefore, heapAfter, job.connections),
        }
      : {};
  return {
    mode: "idle",
    count: job.connections,
    rate: NaN,
    perCpuSecond: NaN,
    stats,
    bytesPerConnection,
    bytesPerConnectionFromFirst,
    ...heap,
    rssBefore,
    rssAfter,
    errors: closed,
    firstError: closed ? `${closed} connections closed while idle` : undefined,
  };
}
