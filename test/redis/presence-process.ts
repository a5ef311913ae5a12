// A separate instance for the presence tests: joins the given ids on each topic, prints "joined", then lives
// until killed (the tests kill it with SIGKILL: no goodbye). Args: url topics ttlMs heartbeatMs id...; `url` is a
// redis:// URL or "cluster:<port>,<port>,..." for a Redis Cluster; `topics` is a comma-separated list.
import { redisPresence } from "../../src/redis/presence.ts";

const [url, topics, ttlMs, heartbeatMs, ...ids] = process.argv.slice(2) as [string, string, string, string, ...string[]];
const source = url.startsWith("cluster:") ? { cluster: url.slice(8).split(",").map((port) => ({ host: "127.0.0.1", port: Number(port) })) } : { url };
const presence = redisPresence({ ...source, ttlMs: Number(ttlMs), heartbeatMs: Number(heartbeatMs) });
for (const topic of topics.split(",")) for (const id of ids) await presence.join(topic, id, { from: "process" });
console.log("joined");
setInterval(() => {}, 1 << 30);
