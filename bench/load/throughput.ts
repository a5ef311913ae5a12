// Echo and request/ack throughput: N connections, each keeping K requests in flight.
// Replies are counted as bytes / reply size (calibrated once per connection), never parsed.

import { WireConn } from "./conn.ts";
import { frameBatch } from "./frame.ts";
import type { LoadJob, LoadResult } from "./options.ts";
import { sleep, snapshot, windowStats } from "./proc.ts";
import { KeyedFrames, preamble, replyMatches, requestFrames, isNoise } from "./wire.ts";

type Job = Extract<LoadJob, { mode: "echo" | "rpc" }>;

interface Counter {
  rx: number;
  replySize: number;
}

export async function runThroughput(job: Job): Promise<LoadResult> {
  const kind = job.mode;
  const frames = requestFrames(job.wire, kind);
  const { buf: batch, offsets } = frameBatch(frames, job.inflight);
  // refill in chunks of a quarter window: fewer, larger writes keep the generator cheap
  const refillMin = Math.max(1, job.inflight >> 2);

  if (job.keyed !== undefined && job.keyed !== false && (kind !== "rpc" || job.wire !== "plain")) throw new Error("keyed requests are plain-wire rpc only");
  // Keys of this run: a scope no earlier run used, the same width for every connection.
  const run = Math.random().toString(36).slice(2, 8).padEnd(6, "0");

  const conns = await Promise.all(
    Array.from({ length: job.connections }, async (_, i) => {
      const c = await WireConn.open({ host: job.host, port: job.port, path: job.path });
      await preamble(job.wire, c);
      const keyed = job.keyed === true || job.keyed === "strings" ? new KeyedFrames(`${run}${String(i).padStart(4, "0")}`, job.inflight, job.keyed === "strings") : undefined;
      // calibration: one request, one parsed reply gives the exact reply size on this wire (a keyed one names the client)
      c.send(keyed === undefined ? frames[0]! : keyed.first());
      const reply = await c.nextText((t) => isNoise(job.wire, t));
      if (!replyMatches(job.wire, kind, reply.text, keyed?.firstId)) throw new Error(`wrong ${kind} reply: ${reply.text.slice(0, 80)}`);
      return { c, keyed, counter: { rx: 0, replySize: reply.size } as Counter };
    }),
  );

  for (const { c, keyed, counter } of conns) {
    let sent = 0;
    const size = counter.replySize;
    const own = keyed === undefined ? { buf: batch, offsets } : { buf: keyed.batch, offsets: keyed.offsets };
    c.count((n) => {
      counter.rx += n;
      const deficit = job.inflight - (sent - Math.floor(counter.rx / size));
      if (deficit >= refillMin) {
        keyed?.stamp(deficit);
        c.send(own.buf.subarray(0, own.offsets[deficit]));
        sent += deficit;
      }
    });
    keyed?.stamp(job.inflight);
    c.send(own.buf);
    sent = job.inflight;
  }

  const done = () => conns.reduce((s, { counter }) => s + Math.floor(counter.rx / counter.replySize), 0);
  await sleep(job.warmupMs);
  const a = snapshot(job.serverPid);
  const d0 = done();
  await sleep(job.windowMs);
  const d1 = done();
  const b = snapshot(job.serverPid);
  for (const { c } of conns) c.terminate();
  const stats = windowStats(a, b);
  const count = d1 - d0;
  return {
    mode: job.mode,
    count,
    rate: count / stats.seconds,
    perCpuSecond: count / stats.serverCpuSeconds,
    stats,
    replySize: conns[0]?.counter.replySize,
    errors: 0,
  };
}
