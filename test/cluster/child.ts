// Starts test/cluster/instance-process.ts: a bunwire App in its own process that a test can freeze, kill and
// replace, plus what the tests need around it (its URLs, publishing through it, cutting a client's socket).
import type { Subprocess } from "bun";
import { TestSocket } from "../support/socket.ts";

export class ChildInstance {
  private constructor(readonly proc: Subprocess<"ignore", "pipe", "inherit">, readonly port: number, readonly id: string) {}

  /** `kind`: redis | nats | none (no bus). Resolves once it listens and its bus is connected. */
  static async start(kind: string, brokerUrl = "", heartbeatMs = 300, flushDelayMs = 300): Promise<ChildInstance> {
    const args = ["test/cluster/instance-process.ts", kind, brokerUrl, String(heartbeatMs), String(flushDelayMs)];
    const proc = Bun.spawn([process.execPath, ...args], { stdout: "pipe", stderr: "inherit" });
    const line = new TextDecoder().decode((await proc.stdout.getReader().read()).value);
    const [, port, id] = /READY (\d+) (\S+)/.exec(line) ?? [];
    if (port === undefined) {
      proc.kill("SIGKILL");
      throw new Error(`instance-process did not start: ${line}`);
    }
    return new ChildInstance(proc, Number(port), id!);
  }

  /** ws:// URL of /chat with the given query (`user=ada&topic=news`). */
  url(query: string): string {
    return `ws://127.0.0.1:${this.port}/chat?${query}`;
  }

  /** POST `body` to `path` on the instance (`/publish/news`, `/user/ada`). */
  async post(path: string, body: string): Promise<void> {
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`, { method: "POST", body });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
  }

  /** Its bus: up (neither down nor still holding its buffer), and the outages it went through. */
  async bus(): Promise<{ connected: boolean; outages: number }> {
    return (await fetch(`http://127.0.0.1:${this.port}/bus`)).json() as Promise<{ connected: boolean; outages: number }>;
  }

  async kill(): Promise<void> {
    this.proc.kill("SIGKILL");
    await this.proc.exited;
  }
}

/** Opens a socket and reads its "hello <id>" greeting. */
export async function hello(url: string): Promise<{ socket: TestSocket; id: string }> {
  const socket = await TestSocket.open(url);
  return { socket, id: String(await socket.next()).slice("hello ".length) };
}

/** Drops the TCP connection without a close frame, as a network cut does: the server sees 1006. */
export function cut(socket: TestSocket): Promise<CloseEvent> {
  (socket.ws as WebSocket & { terminate(): void }).terminate();
  return socket.closed;
}
