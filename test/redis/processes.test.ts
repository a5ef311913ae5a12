// The kill -9 scenario with real separate Bun processes: two instance processes share one redis-server, which is
// killed and restarted while clients keep talking. Each process logs exactly one warning and one recovery line.
import { expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { useRedisServer } from "../support/redis-server.ts";
import { Client, subscribersOnRedis } from "./fixture.ts";

const redis = useRedisServer();

interface Proc {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  port: number;
  /** Lines the process wrote (stdout and stderr). */
  stderr: string[];
  /** Resolves when the process' stderr has a line matching `pattern`. */
  waitFor(pattern: RegExp): Promise<void>;
}

async function spawnInstance(): Promise<Proc> {
  const proc = Bun.spawn([process.execPath, "test/redis/instance-process.ts", redis.url], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const stderr: string[] = [];
  let waiters: { pattern: RegExp; resolve: () => void }[] = [];
  // console.warn goes to stderr, console.info to stdout: collect the lines of both.
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      stderr.push(...decoder.decode(value).split("\n").filter((l) => l.length > 0));
      waiters = waiters.filter((w) => (stderr.some((l) => w.pattern.test(l)) ? (w.resolve(), false) : true));
    }
  };
  void collect(proc.stdout);
  void collect(proc.stderr);
  const port = await new Promise<number>((resolve) => {
    const check = () => {
      const line = stderr.find((l) => l.startsWith("PORT "));
      if (line !== undefined) resolve(Number(line.slice(5)));
      else waiters.push({ pattern: /^PORT /, resolve: check });
    };
    check();
  });
  return {
    proc,
    port,
    stderr,
    waitFor: (pattern) =>
      stderr.some((l) => pattern.test(l)) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pattern, resolve })),
  };
}

test("separate processes: Redis kill -9 and restart; local delivery goes on, buffered publishes cross after, one warning each", async () => {
  const p1 = await spawnInstance();
  const p2 = await spawnInstance();
  const clients: Client[] = [];
  try {
    const sender = await Client.open(`ws://127.0.0.1:${p1.port}/?topic=room`);
    const localPeer = await Client.open(`ws://127.0.0.1:${p1.port}/?topic=room`);
    const remotePeer = await Client.open(`ws://127.0.0.1:${p2.port}/?topic=room`);
    clients.push(sender, localPeer, remotePeer);
    await subscribersOnRedis(redis.url, "bunwire:t:room", 2);
    sender.send("room|before");
    await remotePeer.received(1);

    await redis.kill();
    await Promise.all([p1.waitFor(/unreachable/), p2.waitFor(/unreachable/)]);
    for (let i = 1; i <= 20; i++) sender.send(`room|during-${i}`);
    // Same-instance delivery never stopped.
    expect((await localPeer.received(21)).at(-1)).toBe("during-20");

    await redis.restart();
    await Promise.all([p1.waitFor(/back after/), p2.waitFor(/back after/)]);
    const got = await remotePeer.received(21, 10_000);
    expect(got).toEqual(["before", ...Array.from({ length: 20 }, (_, i) => `during-${i + 1}`)]);
    sender.send("room|after");
    expect((await remotePeer.received(22)).at(-1)).toBe("after");
    for (const p of [p1, p2]) {
      expect(p.stderr.filter((l) => /unreachable/.test(l))).toHaveLength(1);
    }
    expect(p1.stderr.find((l) => /back after/.test(l))).toMatch(/resent 20 buffered publishes, dropped 0/);
  } finally {
    for (const c of clients) c.close();
    p1.proc.kill("SIGKILL");
    p2.proc.kill("SIGKILL");
  }
}, 30_000);
