// A restartable server for client tests: a real Bun server on a fixed port (port 0 the first time) that
// records what it receives, can be stopped and started again on the same port, and keeps its history.

import type { Server, ServerWebSocket } from "bun";
import { z } from "zod";
import type { ClientState } from "../../src/client/index.ts";
import { defineProtocol, MemoryHistory, servedOn, type HandleOptions, type PublishTarget } from "../../src/protocol/index.ts";

export const notes = defineProtocol({
  client: {
    note: z.object({ n: z.number() }),
    add: z.object({ a: z.number(), b: z.number() }),
    slow: z.object({ ms: z.number() }),
    received: z.object({}),
    quiz: z.object({ q: z.string() }),
  },
  server: {
    posted: z.object({ n: z.number() }),
    ask: z.object({ q: z.string() }),
  },
  acks: { add: z.number(), received: z.array(z.number()), slow: z.string(), quiz: z.string() },
  replies: { ask: z.string() },
});

export class NotesServer {
  server: Server<object> | undefined;
  /** The last server started, also once stopped: publishing through it still records in the history. */
  target: PublishTarget = { publish() {} };
  port = 0;
  opens = 0;
  closes: number[] = [];
  received: number[] = [];
  /** Binary (MessagePack) frames received. */
  binaryFrames = 0;
  /** The event of every text frame received, in order. */
  events: string[] = [];
  readonly history: MemoryHistory;
  private readonly options: HandleOptions<object>;
  private openWaiters: (() => void)[] = [];

  constructor({ maxLength, ...options }: HandleOptions<object> & { maxLength?: number } = {}) {
    this.history = new MemoryHistory({ maxLength: maxLength ?? 100 });
    this.options = options;
  }

  start(): this {
    const websocket = notes.handle<object>(
      {
        note: (_ws, { n }) => void this.received.push(n),
        add: (_ws, { a, b }) => a + b,
        slow: async (_ws, { ms }) => (await Bun.sleep(ms), "done"),
        received: () => this.received,
        // Asks the client back (a server request) and acks with its reply.
        quiz: (ws, { q }) => notes.request(ws, "ask", { q }),
      },
      {
        rooms: true,
        history: this.history,
        ...this.options,
        open: (ws: ServerWebSocket<object>) => {
          this.opens++;
          for (const waiter of this.openWaiters.splice(0)) waiter();
          return this.options.open?.(ws);
        },
        close: (_ws, code) => void this.closes.push(code),
      },
    );
    this.server = Bun.serve<object>({
      port: this.port,
      hostname: "127.0.0.1",
      fetch: (req, server) => (server.upgrade(req, { data: {} }) ? undefined : new Response("no", { status: 400 })),
      websocket: {
        ...websocket,
        message: (ws, message) => {
          if (typeof message !== "string") this.binaryFrames++;
          else this.events.push((JSON.parse(message) as { event: string }).event);
          return websocket.message(ws, message);
        },
      },
    });
    this.port = this.server.port!;
    servedOn(websocket, this.server);
    this.target = this.server;
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.stop(true);
    this.server = undefined;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  /** Publishes `posted { n }` on `topic` (recorded in the history, also while stopped). */
  post(topic: string, n: number): Promise<string | undefined> | undefined {
    return notes.publish(this.target, topic, "posted", { n });
  }

  /** Resolves on the next server-side open. */
  nextOpen(): Promise<void> {
    return new Promise((resolve) => this.openWaiters.push(resolve));
  }
}

/** Resolves when `client.state` becomes `state`. */
export function stateReached(client: { state: ClientState; onState(listener: (state: ClientState) => void): () => void }, state: ClientState): Promise<void> {
  if (client.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const off = client.onState((next) => {
      if (next === state) {
        off();
        resolve();
      }
    });
  });
}

/** A port with nothing listening on it. */
export async function deadPort(): Promise<number> {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
  const port = server.port!;
  await server.stop(true);
  return port;
}
