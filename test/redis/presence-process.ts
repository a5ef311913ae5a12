// A separate instance for the presence tests: joins the given ids on a topic, prints "joined", then lives
// until killed (the test kills it with SIGKILL: no goodbye). Args: url topic ttlMs heartbeatMs id...
import { redisPresence } from "../../src/redis/presence.ts";

const [url, topic, ttlMs, heartbeatMs, ...ids] = process.argv.slice(2);
const presence = redisPresence({ url: url!, ttlMs: Number(ttlMs), heartbeatMs: Number(heartbeatMs) });
for (const id of ids) await presence.join(topic!, id, { from: "process" });
console.log("joined");
setInterval(() => {}, 1 << 30);
