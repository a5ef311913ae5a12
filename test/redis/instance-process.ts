// One instance in its own process (real separate Bun process): Bun.serve + redisBus, sockets subscribe to the
// topics in their URL. Prints "PORT <n>" when ready. Args: redisUrl
import { redisBus } from "../../src/redis/bus.ts";
import { Instance } from "./fixture.ts";

const instance = await new Instance(redisBus({ url: process.argv[2]!, reconnect: { minDelayMs: 20, maxDelayMs: 200 }, flushDelayMs: 600 })).connect();
console.log(`PORT ${instance.server.port}`);
