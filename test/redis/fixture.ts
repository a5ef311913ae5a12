// Cross-instance test fixture without the engine: a real Bun.serve per "instance" whose sockets subscribe to
// the topics in their URL, counting local subscribers the way the engine does (bus.subscribe on the first,
// bus.unsubscribe after the last), and a real WebSocket client that awaits frames instead of sleeping.

import type { Server, ServerWebSocket } from "bun";
import { Redis } from "ioredis";
import type { BusLogger, BusPayload } from "../../src/bus/index.ts";
import type { TransportBus } from "../../src/bus/transport-bus.ts";

interface SocketData {
  topics: string[];
}

export interface Delivery {
  topic: string;
  data: BusPayload;
  compress: boolean;
}

export class Instance {
  readonly server: Server<SocketData>;
  readonly counts = new Map<string, number>();
  /** What the bus delivered to this instance (from other instances). */
  readonly delivered: Delivery[] = [];

  constructor(readonly bus: TransportBus) {
    this.server = Bun.serve<SocketData>({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req, server) => {
        const topics = new URL(req.url).searchParams.getAll("topic");
        if (server.upgrade(req, { data: { topics } })) return undefined;
        return new Response("upgrade only", { status: 400 });
      },
      websocket: {
        open: (ws) => {
          for (const topic of ws.data.topics) this.join(ws, topic);
          ws.send("ready");
        },
        message: (ws, message) => {
          // "topic|text": a client publishing like ws.publish would (sender excluded locally).
          const text = String(message);
          const bar = text.indexOf("|");
          const topic = text.slice(0, bar);
          ws.publish(topic, text.slice(bar + 1));
          this.bus.publish(topic, text.slice(bar + 1), false);
        },
        close: (ws) => {
          for (const topic of ws.data.topics) this.leave(topic);
        },
      },
    });
  }

  async connect(): Promise<this> {
    const deliver = (topic: string, data: BusPayload, compress: boolean) => {
      this.delivered.push({ topic, data, compress });
      this.server.publish(topic, data, compress);
    };
    // The engine passes the local counter the same way.
    await this.bus.connect(deliver, (topic) => this.server.subscriberCount(topic));
    return this;
  }

  url(...topics: string[]): string {
    return `ws://127.0.0.1:${this.server.port}/?${topics.map((t) => `topic=${encodeURIComponent(t)}`).join("&")}`;
  }

  /** The engine's publish path: local first, then the bus. */
  publish(topic: string, data: BusPayload, compress = false): void {
    this.server.publish(topic, data, compress);
    this.bus.publish(topic, data, compress);
  }

  private join(ws: ServerWebSocket<SocketData>, topic: string): void {
    ws.subscribe(topic);
    const n = (this.counts.get(topic) ?? 0) + 1;
    this.counts.set(topic, n);
    if (n === 1) this.bus.subscribe(topic);
  }

  private leave(topic: string): void {
    const n = (this.counts.get(topic) ?? 0) - 1;
    if (n > 0) this.counts.set(topic, n);
    else {
      this.counts.delete(topic);
      this.bus.unsubscribe(topic);
    }
  }

  async close(): Promise<void> {
    await this.server.stop(true);
    await this.bus.close();
  }
}

export class Client {
  readonly messages: (string | Uint8Array)[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];
  readonly ws: WebSocket;

  private constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.binaryType = "arraybuffer";
    this.ws.onmessage = (event) => {
      const data = event.data;
      if (data === "ready") return;
      this.messages.push(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
      this.waiters = this.waiters.filter((w) => (this.messages.length >= w.n ? (w.resolve(), false) : true));
    };
  }

  /** Resolves once the server has subscribed the socket (it sends "ready" after open). */
  static open(url: string): Promise<Client> {
    const client = new Client(url);
    return new Promise((resolve, reject) => {
      client.ws.addEventListener("message", (e) => e.data === "ready" && resolve(client), { once: false });
      client.ws.addEventListener("error", () => reject(new Error(`could not connect to ${url}`)));
    });
  }

  /** Resolves when at least `n` messages have arrived in total. */
  received(n: number, timeoutMs = 5000): Promise<(string | Uint8Array)[]> {
    if (this.messages.length >= n) return Promise.resolve(this.messages);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${n} messages, got ${this.messages.length}: ${JSON.stringify(this.messages.slice(-5)).slice(0, 300)}`)), timeoutMs);
      this.waiters.push({ n, resolve: () => (clearTimeout(timer), resolve(this.messages)) });
    });
  }

  send(text: string): void {
    this.ws.send(text);
  }

  close(): void {
    this.ws.close();
  }
}

/** Resolves when Redis reports `n` subscribing connections on a topic's channel (bus subscriptions are asynchronous). */
export async function subscribersOnRedis(url: string, channel: string, n: number): Promise<void> {
  const redis = new Redis(url);
  try {
    for (let attempt = 0; attempt < 400; attempt++) {
      const reply = (await redis.pubsub("NUMSUB", channel)) as [string, number];
      if (Number(reply[1]) === n) return;
      await Bun.sleep(10); // Redis offers no event for "someone subscribed"
    }
    throw new Error(`channel ${channel} never reached ${n} subscribers`);
  } finally {
    redis.disconnect();
  }
}

/** A pino-style logger (`(obj, msg)`) that records the bus's outage lines and lets a test await them. */
export class RecordingLogger implements BusLogger {
  readonly warnings: string[] = [];
  readonly infos: string[] = [];
  /** The structured objects, in order (warnings and infos). */
  readonly objects: object[] = [];
  private waiters: (() => void)[] = [];
  private warnWaiters: (() => void)[] = [];
  warn(obj: object, message = ""): void {
    this.objects.push(obj);
    this.warnings.push(message);
    for (const w of this.warnWaiters.splice(0)) w();
  }
  /** Resolves at the next warning (the bus logs one when it loses Redis). */
  nextWarning(): Promise<void> {
    return new Promise((resolve) => this.warnWaiters.push(resolve));
  }
  info(obj: object, message = ""): void {
    this.objects.push(obj);
    this.infos.push(message);
    for (const w of this.waiters.splice(0)) w();
  }
  /** Resolves at the next info line (the bus logs one when Redis is back and the buffer is resent). */
  nextInfo(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** Resolves once every bus knows all the others (heartbeats crossed): cluster requests then expect everyone. */
export async function membersKnown(buses: { instanceId: string; members(): string[] }[], timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const converged = buses.every((bus) => buses.every((other) => other === bus || bus.members().includes(other.instanceId)));
    if (converged) return;
    if (Date.now() > deadline) throw new Error("the buses never learnt of each other (heartbeats)");
    await Bun.sleep(10); // membership converges by heartbeat frames; there is no single event to await across buses
  }
}
