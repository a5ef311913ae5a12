// `bun bench/capacity.ts [--subs=25] [--rate=25] [--seconds=4]`: the scaled-down capacity simulation of
// docs/CAPACITY.md. Four App instances on one Redis (src/redis bus), subscribers spread over them with a known
// interest per topic, one publisher per topic on a chosen instance. It predicts, from the model (one broker write
// per publish; one bus message per publish per interested instance; local delivery native), what Redis and each
// instance should see, then measures it (Redis INFO commandstats and PUBSUB NUMSUB, each instance's bus counters,
// WebSocket deliveries and publish-to-delivery latency at the clients) and prints both side by side.

import { cpuSeconds } from "./load/proc.ts";
import { median } from "./runner/summary.ts";
import { startRedis, startServer, type RunningServer } from "./runner/children.ts";
import type { ServerSpec } from "./servers/registry.ts";

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const SUBS = opt("subs", 25); // subscribers per (topic, interested instance)
const RATE = opt("rate", 25); // publishes per second per topic
const SECONDS = opt("seconds", 4);
const INSTANCES = 4;

/** Topic → instances with local subscribers (its interest), and the instance its publisher is connected to. */
const TOPICS: { topic: string; interest: number[]; publisher: number }[] = [
  { topic: "t0", interest: [0], publisher: 0 },
  { topic: "t1", interest: [1], publisher: 0 },
  { topic: "t2", interest: [0, 1], publisher: 2 },
  { topic: "t3", interest: [2, 3], publisher: 3 },
  { topic: "t4", interest: [0, 1, 2], publisher: 1 },
  { topic: "t5", interest: [1, 2, 3], publisher: 0 },
  { topic: "t6", interest: [0, 1, 2, 3], publisher: 2 },
  { topic: "t7", interest: [0, 1, 2, 3], publisher: 3 },
  { topic: "t8", interest: [], publisher: 1 },
];

const spec: ServerSpec = { id: "bunwire-capacity", label: "capacity", group: "bunwire", runtime: "bun", file: "bunwire-capacity.ts", wire: "plain", scenarios: [], needs: [] };

function open(url: string, onMessage?: (data: string) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error(`could not connect to ${url}`));
    if (onMessage) ws.onmessage = (e) => onMessage(e.data as string);
  });
}

interface Stats {
  bus: { publishes: number; receives: number };
  topics: Record<string, number>;
}

const started: RunningServer[] = [];
const sockets: WebSocket[] = [];
try {
  const redis = await startRedis();
  started.push(redis);
  const env = { BENCH_REDIS_URL: `redis://127.0.0.1:${redis.port}` };
  const instances: RunningServer[] = [];
  for (let i = 0; i < INSTANCES; i++) instances.push(await startServer(spec, env));
  started.push(...instances);
  const { RedisClient } = await import("bun");
  const probe = new RedisClient(`redis://127.0.0.1:${redis.port}`);
  const publishCalls = async () => Number(/cmdstat_publish:calls=(\d+)/.exec(String(await probe.send("INFO", ["commandstats"])))?.[1] ?? 0);
  const stats = async (i: number) => (await (await fetch(`http://127.0.0.1:${instances[i]!.port}/stats`)).json()) as Stats;

  // Subscribers, with their instance: each delivery is timed (the payload carries performance.now() at send).
  const latency = { local: [] as number[], remote: [] as number[] };
  const delivered = new Map<string, number>();
  for (const { topic, interest, publisher } of TOPICS) {
    for (const i of interest) {
      const kind = i === publisher ? "local" : "remote";
      for (let s = 0; s < SUBS; s++) {
        sockets.push(
          await open(`ws://127.0.0.1:${instances[i]!.port}/sub/${topic}`, (data) => {
            const sentAt = Number(data.slice(data.lastIndexOf(" ") + 1));
            latency[kind].push(performance.now() - sentAt);
            delivered.set(topic, (delivered.get(topic) ?? 0) + 1);
          }),
        );
      }
    }
  }
  const publishers = await Promise.all(TOPICS.map((t) => open(`ws://127.0.0.1:${instances[t.publisher]!.port}/pub`)));
  sockets.push(...publishers);
  // Every bus subscription live: Redis reports each topic's interested instances.
  const numsub = async () => {
    const reply = (await probe.send("PUBSUB", ["NUMSUB", ...TOPICS.map((t) => `bunwire:t:${t.topic}`)])) as (string | number)[];
    return TOPICS.map((_, k) => Number(reply[2 * k + 1]));
  };
  for (let tries = 0; ; tries++) {
    const counts = await numsub();
    if (TOPICS.every((t, k) => counts[k] === t.interest.length)) break;
    if (tries > 200) throw new Error(`bus subscriptions not live: NUMSUB ${counts.join(",")}`);
    await Bun.sleep(25);
  }

  const before = { calls: await publishCalls(), stats: await Promise.all(instances.map((_, i) => stats(i))), cpu: started.map((s) => cpuSeconds(s.pid)) };
  latency.local.length = 0;
  latency.remote.length = 0;
  delivered.clear();
  const t0 = performance.now();
  let sent = 0;
  const ticks = RATE * SECONDS;
  for (let n = 0; n < ticks; n++) {
    for (let k = 0; k < TOPICS.length; k++) publishers[k]!.send(`${TOPICS[k]!.topic} ${n} ${performance.now()}`);
    sent += TOPICS.length;
    const next = t0 + ((n + 1) * 1000) / RATE;
    await Bun.sleep(Math.max(0, next - performance.now()));
  }
  const expected = TOPICS.reduce((s, t) => s + ticks * t.interest.length * SUBS, 0);
  const deadline = performance.now() + 5000;
  while ([...delivered.values()].reduce((s, x) => s + x, 0) < expected && performance.now() < deadline) await Bun.sleep(20);
  const elapsed = (performance.now() - t0) / 1000;
  const after = { calls: await publishCalls(), stats: await Promise.all(instances.map((_, i) => stats(i))), cpu: started.map((s) => cpuSeconds(s.pid)) };
  const counts = await numsub();
  probe.close();

  // Model predictions.
  const perTopic = ticks; // publishes per topic
  const predictedReceives = instances.map((_, i) => TOPICS.reduce((s, t) => s + (t.interest.includes(i) && t.publisher !== i ? perTopic : 0), 0));
  const predictedBusMessages = TOPICS.reduce((s, t) => s + perTopic * t.interest.length, 0);
  const measuredReceives = instances.map((_, i) => after.stats[i]!.bus.receives - before.stats[i]!.bus.receives);
  const measuredPublishes = instances.reduce((s, _, i) => s + after.stats[i]!.bus.publishes - before.stats[i]!.bus.publishes, 0);
  const echoes = TOPICS.reduce((s, t) => s + (t.interest.includes(t.publisher) ? perTopic : 0), 0);
  const deliveredTotal = [...delivered.values()].reduce((s, x) => s + x, 0);
  const cpu = after.cpu.map((c, i) => c - before.cpu[i]!);

  const line = (what: string, model: number | string, measured: number | string) => console.log(`| ${what} | ${model} | ${measured} |`);
  console.log(`\n${INSTANCES} instances + 1 Redis, ${sockets.length - publishers.length} subscribers (${SUBS} per topic per interested instance), ${TOPICS.length} topics x ${RATE} publishes/s for ${SECONDS} s (${sent} publishes), ${elapsed.toFixed(1)} s until drained\n`);
  console.log("| quantity | model | measured |\n|---|---|---|");
  line("publishes handed to the bus (instances' `publishes`)", sent, measuredPublishes);
  line("Redis PUBLISH commands (cmdstat_publish; includes heartbeats and batches)", `${sent} topic + ~${Math.round((INSTANCES * elapsed) / 5)} heartbeats (one per instance per 5 s)`, after.calls - before.calls);
  line("instances subscribed per topic channel (PUBSUB NUMSUB), t0..t8", TOPICS.map((t) => t.interest.length).join(" "), counts.join(" "));
  line("bus messages out of Redis (publishes x interested instances)", predictedBusMessages, `${measuredReceives.reduce((s, x) => s + x, 0) + echoes} (${measuredReceives.reduce((s, x) => s + x, 0)} received + ${echoes} echoes dropped by the sender)`);
  for (let i = 0; i < INSTANCES; i++) line(`bus messages received and delivered by instance ${i}`, predictedReceives[i]!, measuredReceives[i]!);
  line("WebSocket deliveries (publishes x subscribers)", expected, deliveredTotal);
  const q = (xs: number[], p: number) => (xs.sort((a, b) => a - b), xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN);
  line("latency, publisher's own instance (native publish): p50 / p99 ms", "one local hop", `${q(latency.local, 0.5).toFixed(2)} / ${q(latency.local, 0.99).toFixed(2)}`);
  line("latency, other instances (through Redis): p50 / p99 ms", "local + one Redis hop", `${q(latency.remote, 0.5).toFixed(2)} / ${q(latency.remote, 0.99).toFixed(2)}`);
  const redisCpu = cpu[0]!;
  const instanceCpu = cpu.slice(1);
  console.log(`\nCPU over the run: Redis ${redisCpu.toFixed(2)} s (${((redisCpu / (after.calls - before.calls + predictedBusMessages)) * 1e6).toFixed(1)} µs per command + bus message), instances ${instanceCpu.map((c) => c.toFixed(2)).join(" / ")} s; median latency all ${median([...latency.local, ...latency.remote]).toFixed(2)} ms`);
  console.log(JSON.stringify({ sent, measuredPublishes, redisPublishCalls: after.calls - before.calls, numsub: counts, predictedBusMessages, measuredReceives, predictedReceives, echoes, expected, deliveredTotal, cpu, elapsed }));
} finally {
  for (const ws of sockets) ws.close();
  for (const s of started.reverse()) await s.stop();
}
process.exit(0);
