// Keep-alive HTTP/1.1 load over raw TCP: N connections, each keeping K requests in flight (pipelined). The first
// two answers on each connection are parsed and checked (status, tag header, exact body) and give the response
// size; after that answers are counted as bytes / size, never parsed, so the generator stays cheap. At the end the
// connections drain and every byte must add up to whole responses, which catches a response of another size.

import type { Socket } from "bun";
import { sleep, snapshot, threadCpuSeconds, windowStats, type WindowStats } from "./proc.ts";

export interface HttpLoadJob {
  host: string;
  port: number;
  path: string;
  headers: Record<string, string>;
  connections: number;
  /** Requests in flight per connection (pipelined). */
  inflight: number;
  warmupMs: number;
  windowMs: number;
  serverPid: number | number[];
  /** What a correct answer has: the status, a header that must be present, the exact body. */
  expect: { status: number; header: string; body: string };
}

export interface HttpLoadResult {
  count: number;
  rate: number;
  perCpuSecond: number;
  stats: WindowStats;
  responseSize: number;
  errors: number;
  firstError?: string;
}

interface Conn {
  buf: string;
  /** Parsed answers wait here during calibration. */
  waiters: Array<(response: { head: string; body: string; size: number }) => void>;
  counting: boolean;
  onBytes: (n: number) => void;
  failed: ((error: Error) => void) | null;
  closed: boolean;
  /** What a partial write left over; it goes out on drain. */
  pending: Uint8Array | null;
}

/** Writes all of `bytes` eventually (Bun's write may be partial under backpressure). */
function send(socket: Socket<Conn>, bytes: Uint8Array): void {
  const conn = socket.data;
  if (conn.pending !== null) {
    const joined = new Uint8Array(conn.pending.length + bytes.length);
    joined.set(conn.pending);
    joined.set(bytes, conn.pending.length);
    conn.pending = joined;
    return;
  }
  const written = socket.write(bytes);
  if (written < bytes.length) conn.pending = bytes.slice(Math.max(written, 0));
}

const decoder = new TextDecoder();

/** One full response off the front of `conn.buf`, or undefined when it has not all arrived. */
function takeResponse(conn: Conn): { head: string; body: string; size: number } | undefined {
  const end = conn.buf.indexOf("\r\n\r\n");
  if (end === -1) return undefined;
  const head = conn.buf.slice(0, end);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length === null) throw new Error(`a response without Content-Length: ${head.slice(0, 200)}`);
  const size = end + 4 + Number(length[1]);
  // Responses are ASCII (JSON of ASCII): string length is byte length.
  if (conn.buf.length < size) return undefined;
  const response = { head, body: conn.buf.slice(end + 4, size), size };
  conn.buf = conn.buf.slice(size);
  return response;
}

const handlers = {
  open(socket: Socket<Conn>) {
    socket.setNoDelay(true);
  },
  data(socket: Socket<Conn>, chunk: Buffer) {
    const conn = socket.data;
    if (conn.counting) return conn.onBytes(chunk.length);
    conn.buf += decoder.decode(chunk);
    try {
      for (let response = takeResponse(conn); response !== undefined; response = takeResponse(conn)) conn.waiters.shift()?.(response);
    } catch (error) {
      conn.failed?.(error as Error);
    }
  },
  drain(socket: Socket<Conn>) {
    const pending = socket.data.pending;
    socket.data.pending = null;
    if (pending !== null) send(socket, pending);
  },
  close(socket: Socket<Conn>) {
    socket.data.closed = true;
    socket.data.failed?.(new Error("the server closed a connection"));
  },
  error(socket: Socket<Conn>, error: Error) {
    socket.data.failed?.(error);
  },
};

function request(job: HttpLoadJob): string {
  const lines = [`GET ${job.path} HTTP/1.1`, `Host: ${job.host}:${job.port}`, ...Object.entries(job.headers).map(([name, value]) => `${name}: ${value}`)];
  return `${lines.join("\r\n")}\r\n\r\n`;
}

function check(job: HttpLoadJob, response: { head: string; body: string }): void {
  const status = Number(response.head.slice(9, 12));
  const hasHeader = new RegExp(`\\r\\n${job.expect.header}:`, "i").test(response.head);
  if (status !== job.expect.status || !hasHeader || response.body !== job.expect.body) {
    throw new Error(`wrong answer: status ${status}, ${job.expect.header} ${hasHeader ? "present" : "missing"}, body ${response.body.slice(0, 120)}`);
  }
}

async function open(job: HttpLoadJob, one: Uint8Array): Promise<{ socket: Socket<Conn>; size: number }> {
  const conn: Conn = { buf: "", waiters: [], counting: false, onBytes: () => {}, failed: null, closed: false, pending: null };
  const socket = await Bun.connect<Conn>({ hostname: job.host, port: job.port, socket: handlers, data: conn });
  const next = () =>
    new Promise<{ head: string; body: string; size: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no answer within 10 s")), 10_000);
      conn.failed = (error) => {
        clearTimeout(timer);
        reject(error);
      };
      conn.waiters.push((response) => {
        clearTimeout(timer);
        resolve(response);
      });
    });
  // Two calibration answers, one at a time: both checked, and the same size (the Date header is fixed-width).
  send(socket, one);
  const first = await next();
  check(job, first);
  send(socket, one);
  const second = await next();
  check(job, second);
  if (second.size !== first.size) throw new Error(`answers of different sizes: ${first.size} then ${second.size}`);
  conn.failed = null;
  return { socket, size: first.size };
}

export async function runHttpLoad(job: HttpLoadJob): Promise<HttpLoadResult> {
  const text = request(job);
  const one = new TextEncoder().encode(text);
  const batch = new TextEncoder().encode(text.repeat(job.inflight));
  const refillMin = Math.max(1, job.inflight >> 2);
  let firstError: string | undefined;
  let errors = 0;

  const conns = await Promise.all(Array.from({ length: job.connections }, () => open(job, one)));
  const state = conns.map(({ socket, size }) => ({ socket, size, sent: 0, rx: 0, stopped: false }));
  for (const entry of state) {
    const conn = entry.socket.data;
    conn.failed = (error) => {
      errors++;
      firstError ??= error.message;
    };
    conn.counting = true;
    conn.onBytes = (n) => {
      entry.rx += n;
      if (entry.stopped) return;
      const deficit = job.inflight - (entry.sent - Math.floor(entry.rx / entry.size));
      if (deficit >= refillMin) {
        send(entry.socket, batch.subarray(0, deficit * one.length));
        entry.sent += deficit;
      }
    };
    send(entry.socket, batch);
    entry.sent = job.inflight;
  }

  const done = () => state.reduce((sum, entry) => sum + Math.floor(entry.rx / entry.size), 0);
  await sleep(job.warmupMs);
  // Server CPU in nanoseconds (schedstat): on a busy machine a server gets only a few 10 ms ticks per window.
  const a = snapshot(job.serverPid, threadCpuSeconds);
  const d0 = done();
  await sleep(job.windowMs);
  const d1 = done();
  const b = snapshot(job.serverPid, threadCpuSeconds);

  // Drain: stop sending, let what is in flight arrive, then every byte must belong to a whole answer.
  for (const entry of state) entry.stopped = true;
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && state.some((entry) => entry.rx < entry.sent * entry.size && !entry.socket.data.closed)) await sleep(10);
  for (const entry of state) {
    if (entry.rx !== entry.sent * entry.size) {
      errors++;
      firstError ??= `a connection received ${entry.rx} bytes for ${entry.sent} answers of ${entry.size}: answers differ in size or went missing`;
    }
    entry.socket.data.failed = null;
    entry.socket.terminate();
  }

  const stats = windowStats(a, b);
  const count = d1 - d0;
  return { count, rate: count / stats.seconds, perCpuSecond: count / stats.serverCpuSeconds, stats, responseSize: state[0]?.size ?? 0, errors, firstError };
}

if (import.meta.main) {
  const arg = process.argv[2];
  if (arg === undefined) {
    console.error("usage: bun bench/load/http.ts '<HttpLoadJob JSON>'");
    process.exit(2);
  }
  try {
    console.log(JSON.stringify(await runHttpLoad(JSON.parse(arg) as HttpLoadJob)));
    process.exit(0);
  } catch (error) {
    console.log(JSON.stringify({ error: (error as Error).message }));
    process.exit(1);
  }
}
