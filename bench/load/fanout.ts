// Fan-out: S subscribers on one topic, one publisher keeping K messages in flight.
// In-flight is tracked in aggregate (deliveries / subscribers), so each received chunk costs O(1).

import { openMany, WireConn } from "./conn.ts";
import { frameBatch, maskedTextFrame } from "./frame.ts";
import type { LoadJob, LoadResult } from "./options.ts";
import { sleep, snapshot, windowStats } from "./proc.ts";
import { deliveredText, isNoise, preamble, publishText, replyMatches, requestFrames } from "./wire.ts";

type Job = Extract<LoadJob, { mode: "fanout" }>;


export async function runFanout(job: Job): Promise<LoadResult> {
  const target = { host: job.host, port: job.port };
  const subs = await openMany(job.subscribers, 100, async () => {
    const c = await WireConn.open({ ...target, path: job.subPath });
    await preamble(job.wire, c);
    return c;
  });
  const pub = await WireConn.open({ ...target, port: job.pubPort ?? job.port, path: job.pubPath });
  await preamble(job.wire, pub);
  const frame = requestFrames(job.wire, "publish")[0]!;

  // calibration: probe until every subscriber has one delivery (proves the subscription is live
  // without guessing a delay), and learn the delivery frame size
  const sizes: number[] = new Array(subs.length);
  let got = 0;
  const probe = setInterval(() => pub.send(frame), 100);
  pub.send(frame);
  try {
    await Promise.all(
      subs.map(async (c, i) => {
        const r = await c.nextText((t) => isNoise(job.wire, t), 15_000);
        if (!replyMatches(job.wire, "publish", r.text)) throw new Error(`wrong delivery: ${r.text.slice(0, 80)}`);
        sizes[i] = r.size;
        got++;
      }),
    );
  } finally {
    clearInterval(probe);
  }
  const size = sizes[0]!;
  if (sizes.some((s) => s !== size)) throw new Error("subscribers saw different delivery sizes");

  const n = subs.length;
  const { buf: batch, offsets } = frameBatch([frame], job.inflight);
  // Whole batches only: the server's batch size (messages per read, frames per coalesced write) then stays
  // the same whatever the generator's speed, which otherwise feeds back into the server's efficiency.
  const step = Math.max(1, job.batch ?? job.inflight >> 2);
  let rx = 0;
  let sent = 0;
  let refill = true;
  const onBytes = (b: number) => {
    rx += b;
    if (!refill) return;
    const deficit = job.inflight - (sent - Math.floor(rx / size / n));
    if (deficit >= step) {
      const k = deficit - (deficit % step);
      pub.send(batch.subarray(0, offsets[k]));
      sent += k;
    }
  };
  for (const c of subs) c.count(onBytes);
  pub.count(() => {});
  rx = 0; // stray probes still in flight only loosen the in-flight bound a little
  pub.send(batch);
  sent = job.inflight;

  await sleep(job.warmupMs);
  const a = snapshot(job.serverPid);
  const r0 = rx;
  await sleep(job.windowMs);
  const r1 = rx;
  const b = snapshot(job.serverPid);
  refill = false;
  const latency = job.latencyMs ? await measureLatency(job, pub, job.latencyMs) : undefined;
  pub.terminate();
  for (const c of subs) c.terminate();
  const stats = windowStats(a, b);
  const count = Math.floor((r1 - r0) / size);
  return { mode: "fanout", count, rate: count / stats.seconds, perCpuSecond: count / stats.serverCpuSeconds, stats, replySize: size, latency, errors: got === n ? 0 : n - got };
}

/**
 * Publish-to-delivery latency with the subscribers still attached: one timestamped message at a time
 * (closed loop), read by one extra subscriber that parses frames. Stale throughput frames are skipped.
 */
async function measureLatency(job: Job, pub: WireConn, ms: number): Promise<{ p50: number; p99: number; samples: number }> {
  const probe = await WireConn.open({ host: job.host, port: job.port, path: job.subPath });
  await preamble(job.wire, probe);
  // wait until the probe's subscription is live (bus subscriptions are asynchronous)
  for (;;) {
    pub.send(maskedTextFrame(publishText(job.wire, "t:ready".padEnd(64, " "))));
    const r = await probe.nextText((t) => isNoise(job.wire, t), 200).catch(() => null);
    if (r?.text.startsWith(job.wire === "socketio" ? '42["m","t:' : "t:")) break;
  }
  await sleep(300); // let the throughput backlog drain
  const lat: number[] = [];
  const end = performance.now() + ms;
  for (let i = 0; performance.now() < end; i++) {
    const text = deliveredText(job.wire, `t:${i}`.padEnd(64, " "));
    const sentAt = performance.now();
    pub.send(maskedTextFrame(publishText(job.wire, `t:${i}`.padEnd(64, " "))));
    // only this exact message ends the wait: stale frames (backlog, readiness probes) are skipped
    await probe.nextText((t) => t !== text, 5000);
    lat.push(performance.now() - sentAt);
  }
  probe.terminate();
  lat.sort((x, y) => x - y);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
  return { p50: q(0.5), p99: q(0.99), samples: lat.length };
}
