// Real NATS for tests: a `nats-server` child process on a free port, which a test can kill -9 and restart.
import type { Subprocess } from "bun";
import { freePort } from "../support/redis-server.ts";

export class NatsServer {
  private proc: Subprocess | undefined;
  private constructor(readonly port: number) {}

  static async start(): Promise<NatsServer> {
    const server = new NatsServer(freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async restart(): Promise<void> {
    if (this.running) throw new Error("nats-server is still running");
    this.proc = Bun.spawn(["nats-server", "-a", "127.0.0.1", "-p", String(this.port)], { stdout: "ignore", stderr: "ignore" });
    for (let attempt = 0; attempt < 200; attempt++) {
      if (!this.running) throw new Error("nats-server exited");
      try {
        const socket = await Bun.connect({ hostname: "127.0.0.1", port: this.port, socket: { data() {} } });
        socket.end();
        return;
      } catch {
        await Bun.sleep(25); // no readiness event from a child process
      }
    }
    throw new Error(`nats-server on ${this.port} did not start`);
  }

  async kill(): Promise<void> {
    if (!this.running) return;
    this.proc!.kill("SIGKILL");
    await this.proc!.exited;
  }
}
