// ws.data.req keeps its upgrade's url and per-client header lines as one string (issue 16). Built as a `+` chain
// (a rope holding every piece) and flattened by a read the optimizing JIT drops as unused, it would keep ~9 strings
// per socket, and only once detach() is hot: the socket-level count (test/engine/kept-strings.test.ts) runs too few
// upgrades to see that. This runs detach() hot, in-process.
import { heapStats } from "bun:jsc";
import { expect, test } from "bun:test";
import { SharedHeaderBlocks } from "../../src/app/header-block.ts";
import { BunwireRequest, type RequestSettings } from "../../src/app/request.ts";
import { NO_PARAMS } from "../../src/engine/path-pattern.ts";

const N = 20_000;

function handshake(i: number): Request {
  return new Request(`http://127.0.0.1:3000/chat/lobby?n=${i}`, {
    headers: {
      "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Accept-Language": "en-GB,en;q=0.9",
      Origin: "http://127.0.0.1:3000",
      Cookie: `theme=dark; sid=${i.toString(36).padStart(8, "0")}.signature-of-the-session-${i}`,
      "Sec-WebSocket-Key": `key-${i.toString(36).padStart(18, "0")}==`,
      Upgrade: "websocket",
    },
  });
}

function detached(i: number, settings: RequestSettings): BunwireRequest {
  const req = new BunwireRequest(handshake(i), undefined, "/chat/lobby", NO_PARAMS, settings);
  req.detach();
  return req;
}

test("a detached request keeps one string for its url and own headers, also once detach() is hot in the JIT", () => {
  const settings: RequestSettings = { trustProxy: false, bodyLimit: 1 << 20, headerBlocks: new SharedHeaderBlocks() };
  for (let i = 0; i < N; i++) detached(i, settings); // tier detach() and packHeaders() up
  Bun.gc(true);
  const before = heapStats().objectTypeCounts.string ?? 0;
  const kept = Array.from({ length: N }, (_, i) => detached(N + i, settings));
  Bun.gc(true);
  const perRequest = ((heapStats().objectTypeCounts.string ?? 0) - before) / N;
  expect(perRequest).toBeLessThan(1.5);
  const last = kept[N - 1]!;
  expect(last.get("cookie")).toBe(`theme=dark; sid=${(2 * N - 1).toString(36).padStart(8, "0")}.signature-of-the-session-${2 * N - 1}`);
  expect(last.get("accept-language")).toBe("en-GB,en;q=0.9");
  expect(last.path).toBe("/chat/lobby");
  expect(last.originalUrl).toBe(`/chat/lobby?n=${2 * N - 1}`);
});
