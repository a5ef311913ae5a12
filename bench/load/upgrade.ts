// Upgrade rate: C concurrent loops of connect → handshake (101 and accept checked) → RST.
// The reset (SO_LINGER 0) leaves no TIME_WAIT, so loopback ports never run short.
// Kept lean because here the generator does about as much work per operation as the server:
// callbacks instead of promises per upgrade, and a byte comparison against the first verified response.

import type { Socket } from "bun";
import { checkHandshakeResponse, handshakeRequest } from "./frame.ts";
import type { LoadJob, LoadResult } from "./options.ts";
import { sleep, snapshot, windowStats } from "./proc.ts";

type Job = Extract<LoadJob, { mode: "upgrade" }>;

interface UpState {
  head: Buffer | null;
  settled: boolean;
}

const decoder = new TextDecoder();

export async function runUpgrade(job: Job): Promise<LoadResult> {
  const request = handshakeRequest({ host: `${job.host}:${job.port}`, path: job.path, headers: job.headers });
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  let running = true;
  let active = 0;
  let allStopped: () => void = () => {};
  /** A response already verified by full parsing; identical bytes need no second parse. */
  let known: Buffer | null = null;

  const settle = (s: Socket<UpState>, err: Error | null) => {
    if (s.data.settled) return;
    s.data.settled = true;
    if (err) {
      errors++;
      firstError ??= err.message;
    } else ok++;
    s.terminate();
    next();
  };

  const check = (buf: Buffer): Error | null | undefined => {
    if (known && buf.equals(known)) return null;
    const text = decoder.decode(buf);
    const end = text.indexOf("\r\n\r\n");
    if (end < 0) return undefined; // incomplete
    try {
      checkHandshakeResponse(text.slice(0, end));
    } catch (e) {
      return e as Error;
    }
    known ??= Buffer.from(buf);
    return null;
  };

  const handlers = {
    open(s: Socket<UpState>) {
      s.setNoDelay(true);
      s.write(request);
    },
    data(s: Socket<UpState>, chunk: Buffer) {
      const buf = s.data.head ? Buffer.concat([s.data.head, chunk]) : chunk;
      const r = check(buf);
      if (r === undefined) s.data.head = Buffer.from(buf);
      else settle(s, r);
    },
    close(s: Socket<UpState>) {
      settle(s, new Error("closed before the handshake completed"));
    },
    connectError(s: Socket<UpState>, err: Error) {
      settle(s, err);
    },
  };

  function next() {
    if (!running) {
      if (--active === 0) allStopped();
      return;
    }
    Bun.connect<UpState>({ hostname: job.host, port: job.port, socket: handlers, data: { head: null, settled: false } }).catch(
      (e: Error) => {
        errors++;
        firstError ??= e.message;
        next();
      },
    );
  }

  const stopped = new Promise<void>((r) => (allStopped = r));
  for (let i = 0; i < job.concurrency; i++) {
    active++;
    next();
  }

  await sleep(job.warmupMs);
  const a = snapshot(job.serverPid);
  const c0 = ok;
  await sleep(job.windowMs);
  const c1 = ok;
  const b = snapshot(job.serverPid);
  running = false;
  await stopped;
  const stats = windowStats(a, b);
  const count = c1 - c0;
  return { mode: "upgrade", count, rate: count / stats.seconds, perCpuSecond: count / stats.serverCpuSeconds, stats, errors, firstError };
}
