// Test helpers shared by the Router and file-route tests: real WebSocket clients over loopback that queue what
// they receive, a raw handshake that shows the exact 101/4xx response, and example processes driven by their output.

import { connect as tcpConnect } from "node:net";
import type { Server } from "bun";

export interface Client {
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** The next message (text as string, binary as Uint8Array). */
  next(): Promise<string | Uint8Array>;
  /** The next text message, JSON-parsed. */
  json(): Promise<any>;
  send(data: string | Uint8Array): void;
  close(): void;
}

export function client(url: string, options?: { headers?: Record<string, string> }): Client {
  // Bun's WebSocket takes headers in its options object (not a browser feature; used for Authorization tests).
  const ws = new WebSocket(url, options as unknown as string[]);
  ws.binaryType = "arraybuffer";
  const inbox: (string | Uint8Array)[] = [];
  const waiting: ((value: string | Uint8Array) => void)[] = [];
  ws.addEventListener("message", (event) => {
    const value = typeof event.data === "string" ? event.data : new Uint8Array(event.data as ArrayBuffer);
    const waiter = waiting.shift();
    if (waiter) waiter(value);
    else inbox.push(value);
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("close", (event) => reject(new Error(`closed before open: ${event.code} ${event.reason}`)));
  });
  opened.catch(() => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason }));
  });
  const next = (): Promise<string | Uint8Array> => {
    const queued = inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => waiting.push(resolve));
  };
  return {
    ws,
    opened,
    closed,
    next,
    async json() {
      const value = await next();
      if (typeof value !== "string") throw new Error("expected a text frame, got binary");
      return JSON.parse(value);
    },
    send: (data) => ws.send(data as string | Uint8Array<ArrayBuffer>), // TypeScript 7: DOM send takes ArrayBuffer-backed views
    close: () => ws.close(),
  };
}

/** Opens a client and waits until it is open. */
export async function connected(url: string, options?: { headers?: Record<string, string> }): Promise<Client> {
  const c = client(url, options);
  await c.opened;
  return c;
}

export function wsUrl(server: Server<unknown>, path = "/"): string {
  return `ws://127.0.0.1:${server.port}${path}`;
}

export function httpUrl(server: Server<unknown>, path = "/"): string {
  return `http://127.0.0.1:${server.port}${path}`;
}

export interface HandshakeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends a WebSocket handshake over a raw TCP socket and returns the response head (status, lower-cased headers). */
export function rawHandshake(port: number, path: string, headers: Record<string, string> = {}): Promise<HandshakeResponse> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, "127.0.0.1");
    let received = "";
    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version: 13",
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.on("connect", () => socket.write(lines.join("\r\n") + "\r\n\r\n"));
    socket.on("error", reject);
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      const end = received.indexOf("\r\n\r\n");
      if (end === -1) return;
      const [statusLine, ...headerLines] = received.slice(0, end).split("\r\n");
      const parsed: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(":");
        parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const status = Number(statusLine!.split(" ")[1]);
      const length = Number(parsed["content-length"] ?? 0);
      const body = received.slice(end + 4);
      if (status !== 101 && body.length < length) return;
      socket.destroy();
      resolve({ status, headers: parsed, body: status === 101 ? "" : body.slice(0, length) });
    });
  });
}

/** A child process whose stdout and stderr lines can be awaited. */
export interface Child {
  readonly proc: ReturnType<typeof Bun.spawn>;
  readonly lines: string[];
  /** The first output line matching `pattern` (already printed or still to come), from line `from` on. */
  waitFor(pattern: RegExp, from?: number): Promise<string>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number>;
  kill(): void;
}

export function spawnBun(args: string[], env: Record<string, string> = {}): Child {
  const proc = Bun.spawn([process.execPath, ...args], {
    cwd: new URL("../../", import.meta.url).pathname,
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve(line: string): void }[] = [];
  // Waiters registered with `from` only see lines printed later; lines.length at registration is >= from.
  const consume = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let buffered = "";
    const reader = stream.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf("\n")) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        lines.push(line);
        for (const waiter of [...waiters]) {
          if (waiter.pattern.test(line)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
    }
  };
  void consume(proc.stdout as ReadableStream<Uint8Array>);
  void consume(proc.stderr as ReadableStream<Uint8Array>);
  return {
    proc,
    lines,
    exited: proc.exited,
    waitFor(pattern, from = 0) {
      const found = lines.slice(from).find((line) => pattern.test(line));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
    kill: () => proc.kill(),
  };
}

/** Runs an example file with PORT=0 and returns it with the port it printed ("Listening on http://...:<port>/"). */
export async function runExample(file: string): Promise<Child & { port: number }> {
  const child = spawnBun([file], { PORT: "0" });
  const line = await Promise.race([
    child.waitFor(/Listening on /),
    child.exited.then((code) => {
      throw new Error(`${file} exited with ${code}:\n${child.lines.join("\n")}`);
    }),
  ]);
  const port = Number(/:(\d+)\/?$/.exec(line)?.[1]);
  return Object.assign(child, { port });
}
