// One shop instance in a process of its own, for tests that kill it (kill -9): keys in Redis (argv[2]), a lease of
// argv[3] ms. Prints "PORT <n>" when listening and "RAN <n>" each time `pay` runs; with argv[4] = "hold", every run
// waits forever (the process dies mid-run).
import { redisIdempotency } from "../../src/redis/index.ts";
import { shopInstance } from "./idempotency-fixture.ts";

const [url, lease, mode] = process.argv.slice(2);
const shop = shopInstance({ store: redisIdempotency({ url: url! }), leaseMs: Number(lease) }, "P", (run) => console.log(`RAN ${run}`));
if (mode === "hold") shop.gate.close();
console.log(`PORT ${shop.port}`);
