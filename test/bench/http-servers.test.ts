// The HTTP scenario's servers (bench/servers/http/*), started as the bench starts them: each answers GET /json
// behind its two middlewares correctly (200 + tag header + exact body; 401 without credentials; 404 elsewhere), and
// the keep-alive generator counts it without errors. The generator refuses wrong or unevenly sized answers.
import { describe, expect, test } from "bun:test";
import { median } from "../../bench/runner/summary.ts";
import { runHttpLoad, type HttpLoadJob } from "../../bench/load/http.ts";
import { startServer } from "../../bench/runner/children.ts";
import { runHttpRounds } from "../../bench/runner/http.ts";
import { AUTH_HEADER, EXPECTED_BODY, HTTP_PATH, TAG_HEADER } from "../../bench/servers/http/contract.ts";
import { HTTP_SERVERS } from "../../bench/servers/http/registry.ts";

const job = (port: number, serverPid: number): HttpLoadJob => ({
  host: "127.0.0.1",
  port,
  path: HTTP_PATH,
  headers: { Authorization: AUTH_HEADER },
  connections: 2,
  inflight: 3,
  // Long enough to count answers while the rest of the suite loads both cores.
  warmupMs: 50,
  windowMs: 400,
  serverPid,
  expect: { status: 200, header: TAG_HEADER, body: EXPECTED_BODY },
});

describe("HTTP bench servers", () => {
  for (const spec of HTTP_SERVERS) {
    test(`${spec.id} answers GET ${HTTP_PATH} through its two middlewares, and the generator counts it`, async () => {
      const server = await startServer(spec);
      try {
        const base = `http://127.0.0.1:${server.port}`;
        const ok = await fetch(base + HTTP_PATH, { headers: { Authorization: AUTH_HEADER } });
        expect([ok.status, ok.headers.get(TAG_HEADER), ok.headers.get("content-type")?.startsWith("application/json"), await ok.text()]).toEqual([200, "1", true, EXPECTED_BODY]);
        const refused = await fetch(base + HTTP_PATH);
        expect(refused.status).toBe(401);
        expect((await fetch(`${base}/elsewhere`, { headers: { Authorization: AUTH_HEADER } })).status).toBe(404);
        const result = await runHttpLoad(job(server.port, server.pid));
        expect({ errors: result.errors, firstError: result.firstError }).toEqual({ errors: 0, firstError: undefined });
        expect(result.count).toBeGreaterThan(0);
      } finally {
        await server.stop();
      }
    }, 30_000);
  }
});

test("the generator refuses a wrong body and answers whose size varies", async () => {
  const wrong = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response('{"nope":1}', { headers: { [TAG_HEADER]: "1" } }) });
  // Both connections calibrate on two right answers (4 requests), then every answer is a byte longer.
  let n = 0;
  const varying = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(++n > 4 ? `${EXPECTED_BODY} ` : EXPECTED_BODY, { headers: { [TAG_HEADER]: "1" } }) });
  try {
    await expect(runHttpLoad(job(wrong.port!, process.pid))).rejects.toThrow("wrong answer");
    const result = await runHttpLoad(job(varying.port!, process.pid));
    expect(result.errors).toBeGreaterThan(0);
    expect(result.firstError).toContain("differ in size");
  } finally {
    await wrong.stop(true);
    await varying.stop(true);
  }
});

test("the figure is the median of per-round ratios", () => {
  expect(median([0.9, 0.7, 0.8])).toBe(0.8);
  expect(median([1, 0.5, 0.75, 0.25])).toBe(0.625);
});

test("the rounds alternate the servers' order and give one checked sample per server and round", async () => {
  const specs = HTTP_SERVERS.filter((spec) => spec.id === "raw-bun" || spec.id === "bunwire-app");
  const lines: string[] = [];
  // As `job`: a 150 ms window once counted nothing under the suite's load.
  const samples = await runHttpRounds(specs, { rounds: 3, windowMs: 400, warmupMs: 50, connections: 2, inflight: 2 }, (line) => lines.push(line));
  expect(samples.map((s) => `${s.round} ${s.server}`)).toEqual(["0 raw-bun", "0 bunwire-app", "1 bunwire-app", "1 raw-bun", "2 raw-bun", "2 bunwire-app"]);
  for (const s of samples) {
    const checked = { sample: `${s.round} ${s.server}`, errors: s.result.errors, counted: s.result.count > 0, cpu: s.result.perCpuSecond > 0 };
    expect(checked).toEqual({ sample: checked.sample, errors: 0, counted: true, cpu: true });
  }
  expect(lines).toHaveLength(6);
}, 60_000);
