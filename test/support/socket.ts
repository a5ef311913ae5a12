// A real WebSocket client for tests that awaits frames and the close instead of sleeping (after Elysia's
// `wsOpen`/`wsMessage` helpers). Frames are kept in arrival order; `next()` takes the oldest unread one.

export type Frame = string | Uint8Array;

export class TestSocket {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<CloseEvent>;
  #read = 0;
  #waiters: Array<() => void> = [];

  constructor(url: string, options?: { headers?: Record<string, string>; protocols?: string | string[] }) {
    this.ws = new WebSocket(url, options as ConstructorParameters<typeof WebSocket>[1]);
    this.ws.binaryType = "arraybuffer";
    this.ws.onmessage = (event) => {
      this.frames.push(typeof event.data === "string" ? event.data : new Uint8Array(event.data as ArrayBuffer));
      for (const wake of this.#waiters.splice(0)) wake();
    };
    this.opened = new Promise((resolve, reject) => {
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new Error(`WebSocket to ${url} failed`));
    });
    this.closed = new Promise((resolve) => {
      this.ws.addEventListener("close", (event) => {
        resolve(event);
        for (const wake of this.#waiters.splice(0)) wake();
      });
    });
    this.opened.catch(() => {});
  }

  static async open(url: string, options?: { headers?: Record<string, string>; protocols?: string | string[] }): Promise<TestSocket> {
    const socket = new TestSocket(url, options);
    await socket.opened;
    return socket;
  }

  send(data: string | Uint8Array): void {
    this.ws.send(data as string | Uint8Array<ArrayBuffer>); // TypeScript 7: DOM send takes ArrayBuffer-backed views
  }

  /** The next unread frame; rejects if the socket closes or nothing arrives within `timeoutMs`. */
  async next(timeoutMs = 2000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (this.#read >= this.frames.length) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting for frame #${this.#read + 1}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame #${this.#read + 1} within ${timeoutMs} ms (got ${JSON.stringify(this.frames.map(String))})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames[this.#read++]!;
  }

  /** The next `count` unread frames. */
  async take(count: number, timeoutMs = 2000): Promise<Frame[]> {
    const taken: Frame[] = [];
    for (let i = 0; i < count; i++) taken.push(await this.next(timeoutMs));
    return taken;
  }

  /** The next frame parsed as JSON. */
  async json<T = any>(timeoutMs?: number): Promise<T> {
    return JSON.parse(String(await this.next(timeoutMs))) as T;
  }

  close(code?: number, reason?: string): Promise<CloseEvent> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close(code, reason);
    return this.closed;
  }
}

/** Resolves once `predicate()` holds, polling briefly (for server-side state such as subscriber counts). */
export async function until(predicate: () => boolean, timeoutMs = 2000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}

/** The HTTP status and headers a raw upgrade attempt gets (a refused handshake is not an open socket). */
export async function upgradeAttempt(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url.replace(/^ws/, "http"), {
    headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", ...headers },
  });
}

export interface RawHandshake {
  status: number;
  /** Header lines, names lower-cased; repeated headers (Set-Cookie) keep every value. */
  headers: Array<[name: string, value: string]>;
  header(name: string): string | undefined;
}

/** Sends a handshake over raw TCP and returns the response head as sent: the only way to read a 101's headers. */
export function rawHandshake(url: string, headers: Record<string, string> = {}, rawRequest?: string): Promise<RawHandshake> {
  const { hostname, port, pathname, search } = new URL(url);
  const lines = [
    `GET ${pathname}${search} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    "Connection: Upgrade",
    "Upgrade: websocket",
    "Sec-WebSocket-Version: 13",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  const request = rawRequest ?? `${lines.join("\r\n")}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    let received = "";
    Bun.connect({
      hostname,
      port: Number(port),
      socket: {
        open(socket) {
          socket.write(request);
        },
        data(socket, chunk) {
          received += chunk.toString("latin1");
          const end = received.indexOf("\r\n\r\n");
          if (end === -1) return;
          socket.end();
          const [statusLine = "", ...rest] = received.slice(0, end).split("\r\n");
          const parsed = rest.map((line): [string, string] => {
            const colon = line.indexOf(":");
            return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
          });
          resolve({
            status: Number(statusLine.split(" ")[1]),
            headers: parsed,
            header: (name) => parsed.find(([key]) => key === name.toLowerCase())?.[1],
          });
        },
        error(_socket, error) {
          reject(error);
        },
        close() {
          if (!received.includes("\r\n\r\n")) reject(new Error(`connection closed before a response head: ${JSON.stringify(received)}`));
        },
      },
    }).catch(reject);
  });
}
