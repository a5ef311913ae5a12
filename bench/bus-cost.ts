// `bun bench/bus-cost.ts [messages]`: CPU per bus message on each side of the Redis bus, for docs/CAPACITY.md.
// A sender process publishes 64-byte messages to one topic (one per event-loop turn, then 8 per turn, which the
// bus sends as one batch frame); a receiver process (a child) counts deliveries. Each side reads its own CPU time
// (process.cpuUsage), Redis's from /proc: µs per message for the sender, Redis and the receiver.

import { cpuSeconds } from "./load/proc.ts";
import { startRedis } from "./runner/children.ts";
import { redisBus } from "../src/redis/bus.ts";

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

if (process.argv[2] === "--receiver") {
  const [url, nS] = process.argv.slice(3) as [string, string];
  const n = Number(nS);
  let got = 0;
  let start = 0;
  const bus = redisBus({ url });
  const done = new Promise<void>((resolve) => {
    void bus.connect(() => {
      if (got++ === 0) start = cpuNow();
      if (got === n) resolve();
    });
  });
  await bus.subscribe("cost");
  console.log("READY");
  await done;
  console.log(JSON.stringify({ cpu: cpuNow() - start }));
  await bus.close();
  process.exit(0);
}

const N = Number(process.argv[2] ?? 40_000);
const redis = await startRedis();
const url = `redis://127.0.0.1:${redis.port}`;
const payload = "x".repeat(64);
try {
  for (const perTurn of [1, 8]) {
    const receiver = Bun.spawn([process.execPath, import.meta.path, "--receiver", url, String(N)], { stdout: "pipe", stderr: "inherit" });
    const reader = receiver.stdout.getReader();
    let out = "";
    while (!out.includes("READY")) out += new TextDecoder().decode((await reader.read()).value);
    const sender = redisBus({ url });
    await sender.connect(() => {});
    const redis0 = cpuSeconds(redis.pid);
    const sender0 = cpuNow();
    for (let i = 0; i < N; i += perTurn) {
      for (let k = 0; k < perTurn; k++) sender.publish("cost", payload, false);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const senderCpu = cpuNow() - sender0;
    while (!out.includes("}")) {
      const { value, done } = await reader.read();
      if (done) break;
      out += new TextDecoder().decode(value);
    }
    const redisCpu = cpuSeconds(redis.pid) - redis0;
    const { cpu } = JSON.parse(out.slice(out.indexOf("{"))) as { cpu: number };
    const us = (s: number) => ((s / N) * 1e6).toFixed(1);
    console.log(`${perTurn} message(s) per turn: sender ${us(senderCpu)} µs, Redis ${us(redisCpu)} µs, receiver ${us(cpu)} µs per message (${N} messages)`);
    await sender.close();
    await receiver.exited;
  }
} finally {
  await redis.stop();
}
process.exit(0);
