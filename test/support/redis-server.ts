// Real Redis for tests: a `redis-server` child process on a free port (no persistence), which a test can
// kill -9 and restart on the same port; and a local 3-master Redis Cluster built with `redis-cli --cluster create`.

import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

/** The lowest port the kernel picks for outgoing connections (and for servers on port 0). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    if (low > 2048) return low;
  } catch {
    // Not Linux: fall back to the usual default.
  }
  return 32768;
}

/** A port nobody listens on right now, below the ephemeral range: a test kills a server and restarts it on the
 *  same port, and in between an outgoing connection of a test running in parallel must not take that port. Also
 *  10 000 below it, for Redis Cluster's bus port (port + 10 000). */
export function freePort(): number {
  const low = ephemeralLow();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * Math.max(1000, low - 20_000));
    try {
      Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } }).stop(true);
      return port;
    } catch {
      // Taken: try another.
    }
  }
  throw new Error("no free port below the ephemeral range");
}

async function ping(port: number): Promise<boolean> {
  const proc = Bun.spawn(["redis-cli", "-p", String(port), "PING"], { stdout: "pipe", stderr: "ignore" });
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  return out.trim() === "PONG";
}

async function waitForPing(port: number, proc: Subprocess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`redis-server on port ${port} exited with ${proc.exitCode}`);
    if (await ping(port)) return;
    await Bun.sleep(25); // polling a child process that offers no readiness event
  }
  throw new Error(`redis-server on port ${port} did not answer PING`);
}

export class RedisServer {
  private proc: Subprocess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), "bunwire-redis-"));

  private constructor(readonly port: number, private readonly extraArgs: string[]) {}

  static async start(extraArgs: string[] = [], port = freePort()): Promise<RedisServer> {
    const server = new RedisServer(port, extraArgs);
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Starts (again) on the same port; resolves once it answers PING. */
  async restart(): Promise<void> {
    if (this.running) throw new Error("redis-server is still running");
    const args = ["redis-server", "--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.dir, ...this.extraArgs];
    this.proc = Bun.spawn(args, { stdout: "ignore", stderr: "ignore" });
    await waitForPing(this.port, this.proc);
  }

  /** kill -9: no goodbye to clients, exactly like a crashed host. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (proc === undefined || !this.running) return;
    proc.kill("SIGKILL");
    await proc.exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One redis-server for the tests of a file (or of the describe block that calls it), started in beforeAll and
 *  stopped in afterAll, so that lifecycle is not repeated in every file. The handle reads the started server; a test
 *  may kill and restart it. `beforeStop` closes what still talks to Redis while Redis answers: an afterAll declared
 *  after this call would run only once Redis is gone (Bun runs afterAll hooks in the order they are declared). */
export function useRedisServer(options: { beforeStop?: () => unknown } = {}): Pick<RedisServer, "url" | "port" | "dir" | "kill" | "restart"> {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    try {
      await options.beforeStop?.();
    } finally {
      await server?.stop();
    }
  });
  const started = (): RedisServer => {
    if (server === undefined) throw new Error("useRedisServer(): redis-server starts in beforeAll, so read it from a test or a hook");
    return server;
  };
  return {
    get url() {
      return started().url;
    },
    get port() {
      return started().port;
    },
    get dir() {
      return started().dir;
    },
    kill: () => started().kill(),
    restart: () => started().restart(),
  };
}

/** Three masters, no replicas, every slot assigned; `nodes` are seed addresses for a cluster client. */
export class RedisClusterServer {
  private constructor(readonly servers: RedisServer[]) {}

  static async start(masters = 3): Promise<RedisClusterServer> {
    const servers: RedisServer[] = [];
    try {
      for (let i = 0; i < masters; i++) {
        servers.push(await RedisServer.start(["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"]));
      }
      const create = Bun.spawn(["redis-cli", "--cluster", "create", ...servers.map((s) => `127.0.0.1:${s.port}`), "--cluster-replicas", "0", "--cluster-yes"], {
        stdout: "pipe",
        stderr: "pipe",
      });
      const out = await new Response(create.stdout).text();
      if ((await create.exited) !== 0) throw new Error(`redis-cli --cluster create failed: ${out}`);
      const cluster = new RedisClusterServer(servers);
      await cluster.waitForOk();
      return cluster;
    } catch (error) {
      await Promise.all(servers.map((s) => s.stop()));
      throw error;
    }
  }

  get nodes(): { host: string; port: number }[] {
    return this.servers.map((s) => ({ host: "127.0.0.1", port: s.port }));
  }

  get urls(): string[] {
    return this.servers.map((s) => s.url);
  }

  private async waitForOk(): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt++) {
      let ok = true;
      for (const server of this.servers) {
        const proc = Bun.spawn(["redis-cli", "-p", String(server.port), "CLUSTER", "INFO"], { stdout: "pipe", stderr: "ignore" });
        const out = await new Response(proc.stdout).text();
        await proc.exited;
        if (!out.includes("cluster_state:ok")) ok = false;
      }
      if (ok) return;
      await Bun.sleep(50); // cluster state converges by gossip; there is no event to await
    }
    throw new Error("redis cluster did not reach cluster_state:ok");
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.stop()));
  }
}

/** Runs a command against one server with redis-cli and returns its raw output (for assertions on server state). */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const proc = Bun.spawn(["redis-cli", "-p", String(port), ...args], { stdout: "pipe", stderr: "pipe" });
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  return out.trim();
}
