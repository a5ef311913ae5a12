// The HTTP scenario's servers, as bench/runner/children.ts starts them (files relative to bench/servers).
import type { ServerSpec } from "../registry.ts";

const spec = (id: string, label: string, group: ServerSpec["group"], file: string, needs: string[] = []): ServerSpec => ({
  id,
  label,
  group,
  runtime: "bun",
  file: `http/${file}`,
  wire: "plain",
  scenarios: ["http"],
  needs,
});

export const HTTP_SERVERS: ServerSpec[] = [
  spec("raw-bun", "raw Bun.serve", "baseline", "raw-bun.ts"),
  spec("bunwire-app", "bunwire App", "bunwire", "bunwire.ts", ["src/index.ts", "src/app"]),
  spec("hono", "Hono on Bun", "peer", "hono.ts"),
  spec("elysia", "Elysia", "peer", "elysia.ts"),
];
