import { z } from "zod";
import type { ServerWebSocket } from "bun";
import { defineProtocol, MemoryIdempotency, type IdempotencyStore } from "../src/protocol/index.ts";
let touched = 0;
const ws = { readyState: 1, data: {}, send(f: string) { touched += f.length; return 1; }, subscribe() {}, unsubscribe() {} } as unknown as ServerWebSocket<Record<string, unknown>>;
const N = 1 << 18;
const counters = new Array<number>(64).fill(1_000_000_000);
const build = () => Array.from({ length: N }, (_, n) => { const c = (n >> 4) & 63; return `{"event":"add","data":{"a":20,"b":22},"id":${1000 + (n & 1023)},"key":"run${String(c).padStart(5, "0")}:${counters[c]!++}"}`.normalize("NFC"); }).map((s) => Buffer.from(s).toString());
let keyed = build();
const plain = Array.from({ length: N }, (_, n) => `{"event":"add","data":{"a":20,"b":22},"id":${1000 + (n & 1023)}}`);
const forgetful: IdempotencyStore = { claim: () => ({ state: "claimed" }), complete() {}, close: () => Promise.resolve() };
const protocol = defineProtocol({ client: { add: z.object({ a: z.number(), b: z.number() }) }, server: {} });
function make(store?: IdempotencyStore) { const h = protocol.handle({ add: (_ws, { a, b }) => a + b }, store ? { idempotency: { store } } : {}); h.open(ws); return h; }
const which = process.argv[2] ?? "all";
const cases: Array<[string, any, boolean]> = [["plain", make(), false], ["keyed-off", make(), true], ["forgetful", make(forgetful), true], ["memory", make(new MemoryIdempotency()), true]];
for (let round = 0; round < 12; round++) {
  for (const [name, h, k] of cases) {
    if (which !== "all" && which !== name) continue;
    const frames = k ? (keyed = build()) : plain; Bun.gc(true);
    const t = process.cpuUsage();
    for (let i = 0; i < N; i++) h.message(ws, frames[i]);
    const u = process.cpuUsage(t);
    if (round > 0) console.log(round, name, (((u.user + u.system) * 1000) / N).toFixed(0), "ns");
  }
}
