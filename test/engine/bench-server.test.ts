// The hardened bench server really runs with its defences on (test/bench/servers.test.ts checks that it serves
// every scenario correctly): a foreign origin is refused, its allowed origin and origin-less clients echo.

import { expect, test } from "bun:test";
import { startServer } from "../../bench/runner/children.ts";
import { SERVERS } from "../../bench/servers/registry.ts";
import { rawHandshake, TestSocket } from "../support/socket.ts";

test("bunwire-app-hardened refuses a foreign origin and echoes for its own origin and for origin-less clients", async () => {
  const server = await startServer(SERVERS.find((s) => s.id === "bunwire-app-hardened")!);
  try {
    const url = `ws://127.0.0.1:${server.port}/echo`;
    expect((await rawHandshake(url, { Origin: "https://evil.example" })).status).toBe(403);
    for (const headers of [{ Origin: "https://bench.example" }, {}] as Record<string, string>[]) {
      const client = await TestSocket.open(url, { headers });
      client.send("ping");
      expect(await client.next()).toBe("ping");
      await client.close();
    }
  } finally {
    await server.stop();
  }
});
