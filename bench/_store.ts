import { MemoryIdempotency } from "../src/protocol/memory-idempotency.ts";
const PER = 4096, C = 64, BURST = 16;
const next = new Array(C).fill(1_000_000_000);
function build(): string[] {
  const keys: string[] = [];
  for (let i = 0; i < PER * C; i += BURST) { const c = (Math.random() * C) | 0; for (let b = 0; b < BURST; b++) keys.push(JSON.parse(`"run${String(c).padStart(5, "0")}:${next[c]++}"`)); }
  return keys;
}
const opts = JSON.parse(process.argv[2] ?? "{}");
const res: number[] = [];
const s = new MemoryIdempotency(opts);
for (let r = 0; r < 40; r++) {
  const keys = build();
  const t = process.cpuUsage();
  for (let i = 0; i < keys.length; i++) { const k = keys[i]!; s.claim(k, 60000); s.complete(k, { event: "add", ack: i }, 300000); }
  const u = process.cpuUsage(t);
  if (r >= 5) res.push(((u.user + u.system) * 1000) / keys.length);
}
res.sort((a, b) => a - b);
console.log("median ns/key", res[res.length >> 1]!.toFixed(0), "min", res[0]!.toFixed(0));
