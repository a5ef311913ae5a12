// Idle memory: the server's RSS growth over N open, silent WebSocket connections, per connection.

import { openMany, WireConn } from "./conn.ts";
import type { LoadJob, LoadResult } from "./options.ts";
import { rssBytes, sleep, snapshot, windowStats } from "./proc.ts";

const firstPid = (p: number | number[]) => (Array.isArray(p) ? p[0]! : p);
import { preamble } from "./wire.ts";

type Job = Extract<LoadJob, { mode: "idle" }>;

export async function runIdle(job: Job): Promise<LoadResult> {
  const t = { host: job.host, port: job.port, path: job.path };
  // one connection first, so lazily built per-server structures are in the baseline, not the per-connection cost
  const first = await WireConn.open(t);
  await preamble(job.wire, first);
  await sleep(job.settleMs);
  const rssBefore = rssBytes(firstPid(job.serverPid));
  const a = snapshot(job.serverPid);
  const conns = await openMany(job.connections, job.concurrency, async () => {
    const c = await WireConn.open(t, 30_000);
    await preamble(job.wire, c);
    return c;
  });
  await sleep(job.settleMs);
  const rssAfter = rssBytes(firstPid(job.serverPid));
  const b = snapshot(job.serverPid);
  const closed = conns.filter((c) => c.closed).length;
  for (const c of conns) c.terminate();
  first.terminate();
  const stats = windowStats(a, b);
  const bytesPerConnection = (rssAfter - rssBefore) / job.connections;
  return {
    mode: "idle",
    count: job.connections,
    rate: NaN,
    perCpuSecond: NaN,
    stats,
    bytesPerConnection,
    rssBefore,
    rssAfter,
    errors: closed,
    firstError: closed ? `${closed} connections closed while idle` : undefined,
  };
}
