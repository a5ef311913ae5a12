// Shared test fixture: a typed chat protocol (zod and valibot side by side), a real Bun server on port 0
// serving it, and a raw WebSocket probe that awaits frames instead of sleeping.

import * as v from "valibot";
import { z } from "zod";
import type { Server, ServerWebSocket } from "bun";
import { defineProtocol, ProtocolError, servedOn, ServerRequestError, type HandleOptions } from "../../src/protocol/index.ts";

export const chat = defineProtocol({
  name: "chat",
  client: {
    say: z.object({ text: z.string().max(20) }),
    add: v.object({ a: v.number(), b: v.number() }),
    boom: z.object({}),
    refuse: z.object({}),
    slow: z.object({ ms: z.number() }),
    shout: z.object({ room: z.string(), text: z.string() }),
    inspect: z.looseObject({}),
    checkout: z.object({ amount: z.number(), timeout: z.number().optional() }),
    register: z.object({ as: z.string() }),
    tally: z.object({}),
  },
  server: {
    said: z.object({ from: z.string(), text: z.string() }),
    welcome: z.object({ id: z.number() }),
    confirm: z.object({ amount: z.number() }),
  },
  acks: {
    add: z.number(),
    say: z.object({ ok: z.boolean() }),
    checkout: z.object({ confirmed: z.boolean().optional(), failed: z.string().optional() }),
  },
  // A server request: the client's reply to "confirm" must pass this schema.
  replies: {
    confirm: z.object({ ok: z.boolean() }),
  },
});

/** Sockets that sent `register { as }`, for tests that send server requests from outside any handler. */
export const registered = new Map<string, ServerWebSocket<ChatData>>();
/** Runs of `tally` (each returns the new count). */
export const tallies = { runs: 0 };
/** How the server requests made by `checkout` handlers ended ("confirmed", or the error code), in order. */
export const checkouts: string[] = [];

/** Another protocol, for checking that one protocol's broadcast does not reach the other's sockets. */
export const other = defineProtocol({
  name: "other",
  client: { say: z.object({ text: z.string() }) },
  server: { said: z.object({ from: z.string(), text: z.string() }) },
});

export interface ChatData {
  name: string;
}

export function chatHandlers() {
  return {
    say(_ws: unknown, { text }: { text: string }) {
      return { ok: text.length > 0 };
    },
    add(_ws: unknown, { a, b }: { a: number; b: number }) {
      return a + b;
    },
    boom(): never {
      throw new Error("kaboom: internals that must not reach the client");
    },
    refuse(): never {
      throw new ProtocolError("ROOM_FULL", "the room is full");
    },
    async slow(_ws: unknown, { ms }: { ms: number }) {
      await Bun.sleep(ms);
      return "done";
    },
    shout(ws: import("bun").ServerWebSocket<ChatData>, { room, text }: { room: string; text: string }) {
      return chat.publish(ws, room, "said", { from: ws.data.name ?? "anon", text });
    },
    // Awaits a server request from inside a client request's handler: the reply must not queue behind this handler.
    async checkout(ws: ServerWebSocket<ChatData>, { amount, timeout }: { amount: number; timeout?: number }) {
      try {
        const { ok } = await chat.request(ws, "confirm", { amount }, { timeout: timeout ?? 20_000 });
        checkouts.push("confirmed");
        return { confirmed: ok };
      } catch (error) {
        checkouts.push((error as ServerRequestError).code);
        return { failed: (error as ServerRequestError).code };
      }
    },
    tally() {
      return ++tallies.runs;
    },
    register(ws: ServerWebSocket<ChatData>, { as }: { as: string }) {
      registered.set(as, ws);
      return true;
    },
    inspect(_ws: unknown, data: Record<string, unknown>) {
      return {
        protoIsObject: Object.getPrototypeOf(data) === Object.prototype,
        ownKeys: Object.keys(data),
        polluted: ({} as Record<string, unknown>).polluted ?? null,
      };
    },
  };
}

let names = 0;

/** A real Bun server on port 0 serving `chat` with the given options. */
export function serveChat(options: HandleOptions<ChatData> = {}, port = 0): Server<ChatData> {
  const websocket = chat.handle<ChatData>(chatHandlers(), options);
  const server = Bun.serve<ChatData>({
    port,
    hostname: "127.0.0.1",
    fetch(req, server) {
      if (server.upgrade(req, { data: { name: `user${++names}` } })) return undefined;
      return new Response("websocket only", { status: 400 });
    },
    websocket,
  });
  servedOn(websocket, server);
  return server;
}

/** A plain WebSocket that queues what it receives, for checking exact frames. */
export class Probe {
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly inbox: unknown[] = [];
  private readonly waiting: ((value: unknown) => void)[] = [];

  constructor(url: string, protocols?: string[]) {
    this.ws = new WebSocket(url, protocols);
    this.ws.binaryType = "arraybuffer";
    this.opened = new Promise((resolve, reject) => {
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new Error("probe could not connect"));
    });
    this.closed = new Promise((resolve) => {
      this.ws.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason }));
    });
    this.ws.onmessage = (event) => {
      const value = typeof event.data === "string" ? JSON.parse(event.data) : new Uint8Array(event.data as ArrayBuffer);
      const waiter = this.waiting.shift();
      if (waiter) waiter(value);
      else this.inbox.push(value);
    };
  }

  send(frame: string | object | Uint8Array): void {
    this.ws.send(typeof frame === "string" || frame instanceof Uint8Array ? (frame as string | Uint8Array<ArrayBuffer>) : JSON.stringify(frame));
  }

  /** The next frame received (JSON parsed, or raw bytes for binary frames). */
  next(): Promise<any> {
    if (this.inbox.length > 0) return Promise.resolve(this.inbox.shift());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Sends a frame and returns the next one received. */
  async ask(frame: string | object | Uint8Array): Promise<any> {
    this.send(frame);
    return this.next();
  }
}

export function urlOf(server: Server<unknown>): string {
  return `ws://127.0.0.1:${server.port}/`;
}
