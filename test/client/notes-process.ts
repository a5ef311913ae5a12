// The notes protocol of fixture.ts on a bunwire App in a process of its own, for tests that kill it (kill -9):
// `quiz` asks the client back with a server request that waits up to a minute. Prints "PORT <n>" when listening.
import { bunwire } from "../../src/index.ts";
import { notes } from "./fixture.ts";

const app = bunwire({ development: false });
app.ws("/", notes.handle({
  note() {},
  add: (_ws, { a, b }) => a + b,
  slow: async (_ws, { ms }) => (await Bun.sleep(ms), "done"),
  received: () => [],
  quiz: (ws, { q }) => notes.request(ws, "ask", { q }, { timeout: 60_000 }),
}, { rooms: true }));
console.log(`PORT ${app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port}`);
