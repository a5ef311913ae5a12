// The docs as a user copies them: every ```ts/```tsx block of README.md and docs/*.md is a file of one project with
// the packed bunwire installed, type-checked in one TypeScript 5.9 run with the README's quick-start tsconfig; the
// quick start runs (server, then the client against it), and a few representative README servers start, answer
// over HTTP and WebSocket. test-stress/readme.stress.ts starts every README server, and runs Install and Quick start
// step by step with real npm installs. Conventions: test/readme-blocks.ts.
// Needs npm (to pack); without it the test says why it skipped.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import { RedisServer } from "./support/redis-server.ts";
import { npmVersion } from "./package/project.ts";
import { BLOCKS, FILES, makeProject, runBlock, serverFiles, startBlock, typeCheck, type DocsProject } from "./readme-project.ts";

const skip = (await npmVersion()) === undefined;
if (skip) console.warn("test/readme.test.ts skipped: npm is not on PATH (the package is packed with npm pack)");

let project: DocsProject;
let redis: RedisServer | undefined;

beforeAll(async () => {
  if (skip) return;
  [project, redis] = await Promise.all([makeProject(), RedisServer.start()]);
}, 180_000);

afterAll(async () => {
  await redis?.stop();
  if (project !== undefined) await rm(project.dir, { recursive: true, force: true });
});

/** The quick start's own file, by name. */
function quickStart(name: string) {
  const file = FILES.find((f) => f.block.doc === "README.md" && f.block.section === "Quick start" && f.block.name === name && !f.inherited);
  if (file === undefined) throw new Error(`README.md's quick start has no block named // ${name}`);
  return file;
}

test("the docs' conventions hold: blocks are found, every README server reads PORT", () => {
  expect(BLOCKS.filter((block) => block.doc === "README.md" && block.lang === "ts").length).toBeGreaterThan(15);
  expect(FILES.some((file) => file.block.doc !== "README.md")).toBe(true);
  // A server block that listens on a fixed port could not run beside another one: every one reads PORT.
  for (const file of serverFiles("README.md")) expect(`${file.block.doc}:${file.block.line} ${/process\.env\.PORT/.test(file.code)}`).toEndWith("true");
});

test.skipIf(skip)("every ts/tsx block of README.md and docs/*.md type-checks against the packed package (TypeScript 5.9)", async () => {
  const result = await typeCheck(project);
  expect(`exit ${result.code}\n${result.output}`).toBe("exit 0\n");
}, 120_000);

test.skipIf(skip)("the quick start: server.ts serves, client.ts gets its event and its acknowledgement", async () => {
  const server = await startBlock(project, quickStart("server.ts"));
  try {
    const page = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(page.status).toBe(200);
    const refused = await fetch(`http://127.0.0.1:${server.port}/chat?name=`, { headers: UPGRADE });
    expect(refused.status).toBe(400);
    const client = await runBlock(project, quickStart("client.ts"), { PORT: String(server.port) });
    expect(client.stderr).toBe("");
    expect(client.stdout).toMatch(/^ada: hello\ndelivered at \d{4}-\d\d-\d\dT[\d:.]+Z\n$/);
    expect(client.code).toBe(0);
  } finally {
    await server.stop();
  }
}, 60_000);

/** Settles with `work`, or fails after 10 s saying what did not happen (instead of the test's own timeout). */
async function within<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: Timer | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within 10 s`)), 10_000)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens a WebSocket (with request headers, as Bun's client allows); resolves once open, fails on a refusal. */
function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, { headers } as unknown as string[]);
  return within(`open ${url}`, new Promise<WebSocket>((resolve, reject) => {
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error(`WebSocket ${url} was refused`));
  }));
}

/** The first message `ws` receives. */
function next(ws: WebSocket): Promise<string> {
  return within(`a message on ${ws.url}`, new Promise<string>((resolve) => (ws.onmessage = (event) => resolve(String(event.data)))));
}

/** Two sockets on `url`: what one sends, the other receives (a room relay, where the sender is left out). */
async function relayed(url: string, text: string): Promise<string> {
  const [a, b] = await Promise.all([open(url), open(url)]);
  try {
    const heard = next(a);
    b.send(text);
    return await heard;
  } finally {
    a.close();
    b.close();
  }
}

/** One socket on `url`: the reply to what it sends. */
async function reply(url: string, text: string | undefined, headers: Record<string, string> = {}): Promise<string> {
  const ws = await open(url, headers);
  try {
    const heard = next(ws);
    if (text !== undefined) ws.send(text);
    return await heard;
  } finally {
    ws.close();
  }
}

const UPGRADE = { upgrade: "websocket", connection: "upgrade", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" };

/** Representative README servers (one per front door, the security example, Redis) and what each must answer. */
const REPRESENTATIVE: { section: string; contains: string; check: (port: number) => Promise<void>; redis?: boolean }[] = [
  {
    section: "Four front doors, side by side",
    contains: 'from "bunwire/router"',
    check: async (port) => expect(await relayed(`ws://127.0.0.1:${port}/`, "hi")).toBe("hi"),
  },
  {
    section: "Four front doors, side by side",
    contains: "@WebSocketGateway",
    check: async (port) => expect(await relayed(`ws://127.0.0.1:${port}/chat`, "hi")).toBe("hi"),
  },
  {
    section: "Router (`bunwire/router`) and file routes (`bunwire/fs`)",
    contains: "fileRoutes(",
    check: async (port) => {
      expect(await reply(`ws://127.0.0.1:${port}/ws/room/42?user=ada`, "hi")).toBe("ada: hi");
      expect((await fetch(`http://127.0.0.1:${port}/ws/room/42`, { headers: UPGRADE })).status).toBe(403); // no ?user: upgrade() said false
    },
  },
  {
    section: "Security and limits",
    contains: "closeOnSignals",
    check: async (port) => {
      expect((await fetch(`http://127.0.0.1:${port}/live`, { headers: { ...UPGRADE, origin: "https://evil.example" } })).status).toBe(403);
      expect((await fetch(`http://127.0.0.1:${port}/live`, { headers: UPGRADE })).status).toBe(401);
      expect(await reply(`ws://127.0.0.1:${port}/live`, undefined, { "x-user": "ada" })).toStartWith("hello ada, you are connection ");
    },
  },
  {
    section: "Scaling out",
    contains: "redisBus({ url })",
    redis: true,
    check: async (port) => expect(await relayed(`ws://127.0.0.1:${port}/chat/lobby`, "hi")).toBe("hi"),
  },
];

for (const { section, contains, check, redis: needsRedis } of REPRESENTATIVE) {
  test.skipIf(skip)(`README "${section}": the block with ${contains} starts and answers`, async () => {
    const file = serverFiles("README.md").find((f) => f.block.section === section && f.code.includes(contains));
    if (file === undefined) throw new Error(`README.md, section "${section}": no server block containing ${contains}`);
    const server = await startBlock(project, file, needsRedis ? { REDIS_URL: redis!.url } : {});
    try {
      await check(server.port);
    } finally {
      await server.stop();
    }
  }, 60_000);
}
