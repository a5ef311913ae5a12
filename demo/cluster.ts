// `npm run demo:cluster`: two demo instances on two ports sharing one Redis, so a chat crosses them. Uses
// REDIS_URL when set; otherwise starts a throwaway redis-server on a free port (redis-server must be installed).
import { spawn, type Subprocess } from "bun";

const basePort = Number(process.env.PORT ?? 3000);
const children: Subprocess[] = [];
/** Stopped last, so the instances can flush their buses on the way out. */
let redisChild: Subprocess | undefined;

async function freePort(): Promise<number> {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

async function startRedis(): Promise<string> {
  const port = await freePort();
  const redis = spawn(["redis-server", "--port", String(port), "--save", "", "--appendonly", "no"], { stdout: "ignore", stderr: "inherit" });
  redisChild = redis;
  for (let i = 0; i < 100; i++) {
    try {
      await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then((s) => s.end());
      return `redis://127.0.0.1:${port}`;
    } catch {
      await Bun.sleep(50);
    }
  }
  throw new Error("redis-server did not start: is it installed? (apt-get install redis-server) Or set REDIS_URL.");
}

let redisUrl = process.env.REDIS_URL;
if (redisUrl === undefined) {
  try {
    redisUrl = await startRedis();
  } catch (error) {
    console.error(String((error as Error).message ?? error));
    process.exit(1);
  }
  console.log(`started redis-server at ${redisUrl}`);
}

for (const [index, name] of ["A", "B"].entries()) {
  const port = basePort + index;
  children.push(
    spawn([process.execPath, "run", `${import.meta.dir}/server.ts`], {
      env: { ...process.env, PORT: String(port), REDIS_URL: redisUrl, INSTANCE: `instance ${name} (port ${port})` },
      stdout: "inherit",
      stderr: "inherit",
    }),
  );
}
console.log(`open http://localhost:${basePort} and http://localhost:${basePort + 1}: same rooms, one chat`);

// Each instance closes gracefully on SIGTERM (1001 to its sockets, handlers finish, bus flushed): wait for them,
// then stop redis-server, before exiting; a child still running after 12 s (past its 10 s shutdownTimeout) is killed.
async function stop(): Promise<void> {
  for (const child of children) child.kill("SIGTERM");
  const deadline = setTimeout(() => {
    for (const child of children) child.kill("SIGKILL");
  }, 12_000);
  await Promise.all(children.map((child) => child.exited));
  clearTimeout(deadline);
  redisChild?.kill("SIGTERM");
  await redisChild?.exited;
  process.exit(0);
}
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
