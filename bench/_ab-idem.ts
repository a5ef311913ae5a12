import { runGenerator, startServer } from "./runner/children.ts";
import { median } from "./runner/summary.ts";
const rounds = Number(process.argv[2] ?? 5);
const server = await startServer({ id: "g", runtime: "bun", file: "bunwire-guarantees.ts" } as any);
const job = (path: string) => ({ mode: "rpc", path, connections: 64, inflight: 32, keyed: true, host: "127.0.0.1", port: server.port, serverPid: [server.pid], wire: "plain", warmupMs: 1000, windowMs: 2500 }) as any;
const ratios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const a = await runGenerator(job("/rpc")); const b = await runGenerator(job("/rpc-idem"));
  ratios.push(b.perCpuSecond / a.perCpuSecond);
  console.log(r, Math.round(a.perCpuSecond), Math.round(b.perCpuSecond), (b.perCpuSecond / a.perCpuSecond).toFixed(3));
}
console.log("median", median(ratios).toFixed(3));
await server.stop(); process.exit(0);
