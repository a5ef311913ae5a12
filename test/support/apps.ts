// The Apps and sockets one test opens, closed after it: `const { start, open } = useApps()` at the top of a test file.

import { afterEach } from "bun:test";
import type { App } from "bunwire";
import { TestSocket } from "./socket.ts";

export interface Started {
  http: string;
  ws: string;
  port: number;
}

export function useApps(): { start(app: App): Started; open(url: string, headers?: Record<string, string>): Promise<TestSocket> } {
  const apps: App[] = [];
  const sockets: TestSocket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) await socket.close();
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  return {
    /** Listens on a free loopback port. */
    start(app) {
      apps.push(app);
      const port = app.listen({ port: 0, hostname: "127.0.0.1", quiet: true }).port!;
      return { http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}`, port };
    },
    async open(url, headers = {}) {
      const socket = await TestSocket.open(url, { headers });
      sockets.push(socket);
      return socket;
    },
  };
}
