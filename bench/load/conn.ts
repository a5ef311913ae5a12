// One raw TCP WebSocket client connection for the load generator: real handshake, then either
// frame-by-frame reads (slow path: preambles, calibration) or pure byte counting (hot path).

import type { Socket } from "bun";
import { checkHandshakeResponse, handshakeRequest, readServerFrame, type ServerFrame } from "./frame.ts";

interface ConnState {
  /** Hot path switch: once true every received chunk only adds to a byte count. */
  counting: boolean;
  onBytes: (n: number) => void;
  handshakeDone: boolean;
  buf: Uint8Array;
  frames: ServerFrame[];
  waiters: ((f: ServerFrame) => void)[];
  pending: Uint8Array | null;
  opened: (() => void) | null;
  failed: ((e: Error) => void) | null;
  closed: boolean;
  request: Uint8Array;
}

const decoder = new TextDecoder();

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function flushWrite(s: Socket<ConnState>, st: ConnState): void {
  const p = st.pending!;
  const n = s.write(p);
  st.pending = n >= p.length ? null : p.subarray(Math.max(n, 0));
}

// One handler object shared by every connection: per-connection state lives in socket.data.
const handlers = {
  open(s: Socket<ConnState>) {
    s.setNoDelay(true);
    s.write(s.data.request);
  },
  data(s: Socket<ConnState>, chunk: Buffer) {
    const st = s.data;
    if (st.counting) return st.onBytes(chunk.length);
    slowData(st, chunk);
  },
  drain(s: Socket<ConnState>) {
    if (s.data.pending) flushWrite(s, s.data);
  },
  close(s: Socket<ConnState>) {
    s.data.closed = true;
    s.data.failed?.(new Error("connection closed during handshake"));
  },
  error(s: Socket<ConnState>, err: Error) {
    s.data.failed?.(err);
  },
  connectError(s: Socket<ConnState>, err: Error) {
    s.data.failed?.(err);
  },
};

function slowData(st: ConnState, chunk: Uint8Array): void {
  st.buf = concat(st.buf, chunk);
  if (!st.handshakeDone) {
    const end = indexOfBlankLine(st.buf);
    if (end < 0) return;
    const head = decoder.decode(st.buf.subarray(0, end));
    st.buf = st.buf.slice(end + 4);
    try {
      checkHandshakeResponse(head);
    } catch (e) {
      st.failed?.(e as Error);
      return;
    }
    st.handshakeDone = true;
    const ok = st.opened;
    st.opened = st.failed = null;
    ok?.();
  }
  for (;;) {
    if (st.counting) {
      // switched to counting while frames were being read: the rest of the buffer is counted bytes
      if (st.buf.length) st.onBytes(st.buf.length);
      st.buf = new Uint8Array(0);
      return;
    }
    const f = readServerFrame(st.buf);
    if (!f) return;
    const copy = { opcode: f.opcode, payload: f.payload.slice(), size: f.size };
    st.buf = st.buf.slice(f.size);
    const w = st.waiters.shift();
    if (w) w(copy);
    else st.frames.push(copy);
  }
}

function indexOfBlankLine(b: Uint8Array): number {
  for (let i = 3; i < b.length; i++) {
    if (b[i] === 10 && b[i - 1] === 13 && b[i - 2] === 10 && b[i - 3] === 13) return i - 3;
  }
  return -1;
}

export interface ConnTarget {
  host: string;
  port: number;
  path: string;
  headers?: Record<string, string>;
}

export class WireConn {
  private constructor(private readonly socket: Socket<ConnState>) {}

  /** Connects and completes the RFC 6455 handshake (101 + Sec-WebSocket-Accept checked). */
  static async open(t: ConnTarget, timeoutMs = 10_000): Promise<WireConn> {
    const st: ConnState = {
      counting: false,
      onBytes: () => {},
      handshakeDone: false,
      buf: new Uint8Array(0),
      frames: [],
      waiters: [],
      pending: null,
      opened: null,
      failed: null,
      closed: false,
      request: handshakeRequest({ host: `${t.host}:${t.port}`, path: t.path, headers: t.headers }),
    };
    const done = new Promise<void>((resolve, reject) => {
      st.opened = resolve;
      st.failed = reject;
    });
    const socket = await Bun.connect<ConnState>({ hostname: t.host, port: t.port, socket: handlers, data: st });
    let timer: Timer | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`handshake timeout on ${t.path}`)), timeoutMs);
    });
    try {
      await Promise.race([done, timeout]);
    } catch (e) {
      socket.terminate();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return new WireConn(socket);
  }

  /** Next complete server frame (slow path only). */
  nextFrame(timeoutMs = 10_000): Promise<ServerFrame> {
    const st = this.socket.data;
    const f = st.frames.shift();
    if (f) return Promise.resolve(f);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = st.waiters.indexOf(w);
        if (i >= 0) st.waiters.splice(i, 1);
        reject(new Error("timed out waiting for a server frame"));
      }, timeoutMs);
      const w = (fr: ServerFrame) => {
        clearTimeout(timer);
        resolve(fr);
      };
      st.waiters.push(w);
    });
  }

  /** Next text frame, skipping control frames and any frame `skip` says to ignore. */
  async nextText(skip?: (text: string) => boolean, timeoutMs?: number): Promise<{ text: string; size: number }> {
    for (;;) {
      const f = await this.nextFrame(timeoutMs);
      if (f.opcode === 8) throw new Error(`server closed the connection: ${decoder.decode(f.payload.subarray(2))}`);
      if (f.opcode !== 1 && f.opcode !== 2) continue;
      const text = decoder.decode(f.payload);
      if (skip?.(text)) continue;
      return { text, size: f.size };
    }
  }

  /** Switches to the hot path: from now on every received byte goes to `onBytes`, frames already queued included. */
  count(onBytes: (n: number) => void): void {
    const st = this.socket.data;
    st.onBytes = onBytes;
    st.counting = true;
    for (const f of st.frames) onBytes(f.size);
    st.frames = [];
    if (st.buf.length) onBytes(st.buf.length);
    st.buf = new Uint8Array(0);
  }

  /** Writes all of `buf` eventually (Bun's write may be partial; the rest goes out on drain). */
  send(buf: Uint8Array): void {
    const st = this.socket.data;
    if (st.pending) {
      st.pending = concat(st.pending, buf);
      return;
    }
    const n = this.socket.write(buf);
    if (n < buf.length) st.pending = buf.slice(Math.max(n, 0));
  }

  get closed(): boolean {
    return this.socket.data.closed;
  }

  /** Abrupt close (RST): no TIME_WAIT left behind, so loopback ports are not exhausted. */
  terminate(): void {
    this.socket.data.failed = null;
    this.socket.terminate();
  }
}

/** Runs `open` for indexes 0..n-1 with at most `concurrency` at a time (avoids SYN floods on the accept queue). */
export async function openMany<T>(n: number, concurrency: number, open: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await open(i);
      }
    }),
  );
  return out;
}
