// Test helpers for gateways: a real WebSocket client that queues frames, and an async queue that server-side
// handlers push into, so tests await events instead of sleeping.

import type { Application } from "../../src/gateway/index.ts";

/** An async FIFO: handlers `push`, tests `await next()`. */
export class Queue<T> {
  readonly #items: T[] = [];
  readonly #waiting: ((value: T) => void)[] = [];

  push(item: T): void {
    const waiter = this.#waiting.shift();
    if (waiter) waiter(item);
    else this.#items.push(item);
  }

  next(): Promise<T> {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift()!);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async take(count: number): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(await this.next());
    return out;
  }
}

/** A real WebSocket client over loopback; frames are kept as text until a test reads them. */
export class Client {
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #frames = new Queue<string>();

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.ws.addEventListener("open", () => resolve());
      this.ws.addEventListener("error", () => reject(new Error(`could not connect to ${url}`)));
    });
    this.closed = new Promise((resolve) => this.ws.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason })));
    this.ws.addEventListener("message", (event) => this.#frames.push(String(event.data)));
  }

  send(frame: string | object): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The next text frame. */
  text(): Promise<string> {
    return this.#frames.next();
  }

  /** The next frame, parsed as JSON. */
  async json(): Promise<any> {
    return JSON.parse(await this.#frames.next());
  }

  /** Sends a frame and returns the next one parsed. */
  async ask(frame: string | object): Promise<any> {
    this.send(frame);
    return this.json();
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

/** Opens a client on `path` of a listening app and waits until it is open. */
export async function connect(app: Application, path: string): Promise<Client> {
  const client = new Client(`ws://127.0.0.1:${app.port}${path}`);
  await client.opened;
  return client;
}
