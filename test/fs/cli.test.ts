// `bunwire serve <dir>`: the command a user types. It prints its routes and URL, serves, reports bad input with
// a clear message and exit code, and with --watch picks up an edited route module.

import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connected, spawnBun, type Child } from "../router/support.ts";
import { writeTree } from "./support.ts";

const children: Child[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

function bunwire(...args: string[]): Child {
  const child = spawnBun(["bin/bunwire.ts", ...args]);
  children.push(child);
  return child;
}

async function listening(child: Child): Promise<number> {
  const line = await Promise.race([
    child.waitFor(/^bunwire: serving /),
    child.exited.then((code) => {
      throw new Error(`exited with ${code}:\n${child.lines.join("\n")}`);
    }),
  ]);
  return Number(/:(\d+)\/$/.exec(line)![1]);
}

describe("bunwire serve", () => {
  test("serves a directory on the port given, prints each route with its file and the URL", async () => {
    const dir = writeTree({ "ws/echo/route.ts": `export function onMessage(ws, m) { ws.send("echo " + m); }` });
    const child = bunwire("serve", dir, "--port", "0");
    const port = await listening(child);
    expect(child.lines.some((line) => line.includes("WS /ws/echo") && line.includes(join(dir, "ws/echo/route.ts")))).toBe(true);
    const c = await connected(`ws://127.0.0.1:${port}/ws/echo`);
    c.send("hi");
    expect(await c.next()).toBe("echo hi");
    c.close();
  });

  test("bad route files: exit code 1 and every bad path in the message", async () => {
    const dir = writeTree({
      "ws/ok/route.ts": `export function onOpen() {}`,
      "ws/broken/route.ts": `throw new Error("no config");`,
      "ws/empty/route.ts": `export {};`,
    });
    const child = bunwire("serve", dir, "--port", "0");
    expect(await child.exited).toBe(1);
    const output = child.lines.join("\n");
    expect(output).toContain(`${join(dir, "ws/broken/route.ts")}:1:11: failed to import: no config`);
    expect(output).toContain(`${join(dir, "ws/empty/route.ts")}: exports none of`);
  });

  test("usage errors: no command, unknown command, no directory, bad port, missing directory", async () => {
    const cases: [string[], number, RegExp][] = [
      [[], 2, /missing command/],
      [["start", "."], 2, /unknown command "start"/],
      [["serve"], 2, /serve needs a directory/],
      [["serve", ".", "--port", "abc"], 2, /--port must be a number/],
      [["serve", "/no/such/dir"], 1, /\/no\/such\/dir is not a directory/],
      [["serve", ".", "--bogus"], 2, /bogus/],
    ];
    for (const [args, code, message] of cases) {
      const child = bunwire(...args);
      expect(await child.exited).toBe(code);
      expect(child.lines.join("\n")).toMatch(message);
    }
    const help = bunwire("--help");
    expect(await help.exited).toBe(0);
    expect(help.lines[0]).toBe("Usage: bunwire serve <dir> [options]");
  });

  test("--watch: an edited route module and a new route file are served after the restart", async () => {
    const dir = writeTree({ "ws/v/route.ts": `export function onOpen(ws) { ws.send("v1"); }` });
    const child = bunwire("serve", dir, "--port", "0", "--watch");
    const first = await listening(child);
    const c1 = await connected(`ws://127.0.0.1:${first}/ws/v`);
    expect(await c1.next()).toBe("v1");
    let before = child.lines.length;
    writeFileSync(join(dir, "ws/v/route.ts"), `export function onOpen(ws) { ws.send("v2"); }`);
    // The restarted server prints its URL again (port 0: possibly another port).
    const second = Number(/:(\d+)\/$/.exec(await child.waitFor(/^bunwire: serving /, before))![1]);
    const c2 = await connected(`ws://127.0.0.1:${second}/ws/v`);
    expect(await c2.next()).toBe("v2");
    c2.close();
    before = child.lines.length;
    mkdirSync(join(dir, "ws/added"));
    writeFileSync(join(dir, "ws/added/route.ts"), `export function onOpen(ws) { ws.send("added"); }`);
    const third = Number(/:(\d+)\/$/.exec(await child.waitFor(/^bunwire: serving /, before))![1]);
    const c3 = await connected(`ws://127.0.0.1:${third}/ws/added`);
    expect(await c3.next()).toBe("added");
    c3.close();
  }, 20_000);
});
