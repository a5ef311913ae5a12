// Seed 003's examples (examples/gateway/) run as their own processes, from their directory as a user would
// (`cd examples/gateway && bun basic-gateway.ts`), on PORT=0, and behave as the seed describes.

import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { Client, Queue } from "./fixture.ts";

// Each test starts Bun child processes: on a cold checkout (nothing transpiled yet) under parallel load one start
// alone can take seconds.
setDefaultTimeout(20_000);

const EXAMPLES = new URL("../../examples/gateway/", import.meta.url).pathname;
const GATEWAY_ENTRY = new URL("../../src/gateway/index.ts", import.meta.url).pathname;

interface Running {
  readonly proc: Subprocess<"ignore", "pipe", "pipe">;
  /** stdout, line by line. */
  readonly lines: Queue<string>;
  readonly stderr: Promise<string>;
}

const running: Running[] = [];

afterEach(async () => {
  for (const { proc } of running.splice(0)) {
    proc.kill();
    await proc.exited;
  }
});

function run(file: string, env: Record<string, string>, cwd = EXAMPLES): Running {
  const proc = Bun.spawn([process.execPath, file], { cwd, env: { ...process.env, ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const lines = new Queue<string>();
  void (async () => {
    let buffered = "";
    const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      buffered += read.value;
      let newline: number;
      while ((newline = buffered.indexOf("\n")) !== -1) {
        lines.push(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
      }
    }
  })();
  const started = { proc, lines, stderr: new Response(proc.stderr).text() };
  running.push(started);
  return started;
}

/** Starts an example on a free port; resolves with its port once it printed where it listens. */
async function start(file: string): Promise<Running & { port: number }> {
  const example = run(file, { PORT: "0" });
  const exited = example.proc.exited.then(async () => `exited: ${await example.stderr}`);
  let line = await Promise.race([example.lines.next(), exited]);
  // bunwire's own "bunwire listening on http://..." line comes first; the example's follows it.
  while (line.startsWith("bunwire listening on ")) line = await Promise.race([example.lines.next(), exited]);
  const port = /listening on ws:\/\/localhost:(\d+)/.exec(line)?.[1];
  if (port === undefined) throw new Error(`${file} did not start: ${line}`);
  return { ...example, port: Number(port) };
}

async function open(port: number, path: string): Promise<Client> {
  const client = new Client(`ws://127.0.0.1:${port}${path}`);
  await client.opened;
  return client;
}

describe("seed 003 examples", () => {
  test("Basic Gateway + Register Gateway: echo broadcast to every client, connection counts logged", async () => {
    const server = await start("basic-gateway.ts");
    const alice = await open(server.port, "/ws");
    expect(await server.lines.next()).toBe("Client connected, total: 1");
    const bob = await open(server.port, "/ws");
    expect(await server.lines.next()).toBe("Client connected, total: 2");
    alice.send("hi all");
    expect(await server.lines.next()).toBe("Received: hi all");
    expect(await alice.text()).toBe("Echo: hi all");
    expect(await bob.text()).toBe("Echo: hi all");
    await bob.close();
    expect(await server.lines.next()).toBe("Client disconnected, total: 1");
  });

  test("Connection Data: @OnOpen fills ws.data, @OnMessage reads it", async () => {
    const server = await start("connection-data.ts");
    const client = await open(server.port, "/ws/chat");
    client.send("hello");
    expect(await server.lines.next()).toBe("[lobby] Anonymous: hello");
  });

  test("Room-based Chat: rooms, broadcast within a room, invalid JSON answered", async () => {
    const server = await start("room-chat.ts");
    const alice = await open(server.port, "/ws/chat");
    const bob = await open(server.port, "/ws/chat");
    const carol = await open(server.port, "/ws/chat");
    // Joining adds a room; the seed's "leave" is how alice stops hearing the lobby. Two connections' frames have no
    // order between them: alice's own message in "general" coming back says she is in before bob speaks there.
    alice.send({ type: "leave", room: "lobby" });
    alice.send({ type: "join", room: "general" });
    alice.send({ type: "message", text: "alice is here" });
    expect(await alice.json()).toEqual({ type: "message", text: "alice is here" });
    bob.send({ type: "join", room: "general" });
    // Ordering per connection: bob's join is handled before his message.
    bob.send({ type: "message", text: "hi general" });
    expect(await alice.json()).toEqual({ type: "message", text: "hi general" });
    expect(await bob.json()).toEqual({ type: "message", text: "hi general" });
    carol.send({ type: "message", text: "hi lobby" });
    expect(await carol.json()).toEqual({ type: "message", text: "hi lobby" });
    expect(await bob.json()).toEqual({ type: "message", text: "hi lobby" });
    alice.send("{oops");
    expect(await alice.json()).toEqual({ type: "error", message: "Invalid JSON" });
  });

  test("With DI Services: the gateway gets MessageService injected and handles messages", async () => {
    const server = await start("di-services.ts");
    const client = await open(server.port, "/ws");
    client.send("saved?");
    client.send("again");
    // The gateway never replies; a second connection proves the server is healthy, then no error was printed.
    await (await open(server.port, "/ws")).close();
    await client.close();
    server.proc.kill();
    await server.proc.exited;
    expect(await server.stderr).toBe("");
  });

  test("Client Connection Example: joins, sends, receives from the room chat", async () => {
    const server = await start("room-chat.ts");
    const client = run("client.ts", { PORT: String(server.port) });
    expect(await client.lines.next()).toBe("Connected");
    const received = [await client.lines.next()];
    while (!received.at(-1)!.startsWith("}")) received.push(await client.lines.next());
    expect(received.join("\n")).toContain('text: "Hello!"');
  });
});

describe("the README section (docs/front-doors-gateway.md)", () => {
  test("readme-chat.ts: validated say acks, invalid data refused", async () => {
    const server = await start("readme-chat.ts");
    const client = await open(server.port, "/ws");
    expect(await client.ask({ event: "say", data: { text: "hi" }, id: 1 })).toEqual({ id: 1, ack: { from: "anon", text: "hi" } });
    expect((await client.ask({ event: "say", data: {}, id: 2 })).error.code).toBe("VALIDATION_FAILED");
  });
});

describe("tsconfig", () => {
  test("without experimentalDecorators, the first decorator says which tsconfig lines to set", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bunwire-gateway-"));
    writeFileSync(
      join(dir, "app.ts"),
      `import { WebSocketGateway } from ${JSON.stringify(GATEWAY_ENTRY)};\n@WebSocketGateway("/ws")\nclass G {}\nconsole.log(G.name);\n`,
    );
    const proc = run("app.ts", {}, dir);
    expect(await proc.proc.exited).not.toBe(0);
    const stderr = await proc.stderr;
    expect(stderr).toContain('"experimentalDecorators": true');
    expect(stderr).toContain('"emitDecoratorMetadata": true');
  });
});
