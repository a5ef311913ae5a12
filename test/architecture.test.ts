// The import graph of src/ is the architecture: the engine at the bottom with the bus core beside it, the typed
// protocol above the engine, drivers that lean only on the bus core and the engine, four front doors that never
// import each other, and a client that never pulls in server code. No circles, type imports included (a circle of
// types is still two modules that cannot be understood, moved or tested apart).

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve(import.meta.dir, "../src");

interface Edge {
  readonly to: string;
  /** A bare specifier (`bun`, `node:fs`, `react`) rather than a file of src/. */
  readonly external: boolean;
}

// Static imports and re-exports (`import ... from`, `import "x"`, `export ... from`) and `import("x")`, type or not.
const SPECIFIERS = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

function buildGraph(): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  const files = [...new Bun.Glob("**/*.{ts,tsx}").scanSync({ cwd: SRC })].map((file) => file.replaceAll("\\", "/")).sort();
  for (const file of files) {
    const text = readFileSync(join(SRC, file), "utf8");
    const edges: Edge[] = [];
    for (const match of text.matchAll(SPECIFIERS)) {
      const specifier = (match[1] ?? match[2])!;
      if (!specifier.startsWith(".")) edges.push({ to: specifier, external: true });
      else edges.push({ to: relative(SRC, resolve(SRC, dirname(file), specifier)).replaceAll("\\", "/"), external: false });
    }
    graph.set(file, edges);
  }
  return graph;
}

const graph = buildGraph();

/** `engine/upgrade.ts` → "engine"; files directly in src/ (the `bunwire` entry point) → "(root)". */
function layerOf(file: string): string {
  const slash = file.indexOf("/");
  return slash === -1 ? "(root)" : file.slice(0, slash);
}

function cyclesOf(edges: Map<string, string[]>): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    state.set(node, "open");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

/** Which other layers each layer may import. Anything not listed is a sideways or upward arrow. */
const ALLOWED: Record<string, readonly string[]> = {
  // The bus contract sits beside the engine; cluster operations are the engine's own, built on its open
  // connections and the bus, so the engine constructs them and they read the engine's registry.
  engine: ["bus", "cluster"],
  bus: ["engine"], // leaf modules only: checked below
  cluster: ["engine", "bus"],
  presence: ["engine"], // presence by connection identity; stores live in presence/ (memory) and redis/
  protocol: ["engine", "presence"],
  redis: ["bus", "engine", "presence", "protocol"], // stores for the layers below: histories, presence, idempotency
  nats: ["bus", "engine"],
  app: ["engine", "bus", "protocol", "cluster"],
  router: ["engine", "bus", "protocol", "cluster"],
  fs: ["engine", "bus", "protocol", "cluster"],
  gateway: ["engine", "bus", "protocol", "cluster"],
  // Observability (metrics, health, the inspector and its page): reads the engine's counters and the bus, serves
  // its page over the typed protocol and bundles the page with bunwire/client.
  metrics: ["engine", "bus", "protocol", "client"],
  client: ["protocol", "engine", "presence"], // client-safe modules only: checked below
  react: ["client", "protocol"],
  "(root)": ["app", "engine", "protocol", "cluster", "presence"],
};

describe("the import graph of src/", () => {
  test("has no circles, type imports included", () => {
    const internal = new Map([...graph].map(([file, edges]) => [file, edges.filter((e) => !e.external).map((e) => e.to)]));
    expect(cyclesOf(internal).map((cycle) => cycle.join(" → "))).toEqual([]);
  });

  test("every import resolves to a file of src/ (the graph is complete)", () => {
    const missing = [...graph].flatMap(([file, edges]) => edges.filter((e) => !e.external && !graph.has(e.to)).map((e) => `${file} → ${e.to}`));
    expect(missing).toEqual([]);
    expect(graph.size).toBeGreaterThan(100);
  });

  test("is layered: engine at the bottom with bus beside it, protocol above, drivers and front doors on top", () => {
    const wrong: string[] = [];
    for (const [file, edges] of graph) {
      const from = layerOf(file);
      const allowed = ALLOWED[from];
      if (allowed === undefined) {
        wrong.push(`${file}: folder "${from}" has no place in the layering (add it to test/architecture.test.ts)`);
        continue;
      }
      for (const edge of edges) {
        if (edge.external) continue;
        const to = layerOf(edge.to);
        if (to !== from && !allowed.includes(to)) wrong.push(`${file} → ${edge.to}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test("the bus core takes only leaf modules from the engine: its errors and the churn tests' size accessor", () => {
    const leaves = ["engine/errors.ts", "engine/sizes.ts"];
    const bus = [...graph].filter(([file]) => layerOf(file) === "bus");
    const beyond = bus.flatMap(([file, edges]) => edges.filter((e) => !e.external && layerOf(e.to) === "engine" && !leaves.includes(e.to)).map((e) => `${file} → ${e.to}`));
    expect(beyond).toEqual([]);
  });

  test("front doors never import each other, nor drivers", () => {
    const doors = ["app", "router", "fs", "gateway"];
    const sideways = [...graph].flatMap(([file, edges]) =>
      edges.filter((e) => !e.external && doors.includes(layerOf(file)) && layerOf(e.to) !== layerOf(file) && [...doors, "redis", "nats"].includes(layerOf(e.to))).map((e) => `${file} → ${e.to}`),
    );
    expect(sideways).toEqual([]);
  });

  test("bunwire/client and bunwire/react never reach server code: no bun, no node:, no engine beyond its errors", () => {
    // Modules outside client/react/protocol the client may use: plain classes, types and functions, importing
    // nothing but each other.
    const CLIENT_SAFE = ["engine/errors.ts", "engine/option-names.ts", "presence/types.ts"];
    const seen = new Set<string>();
    const server: string[] = [];
    const walk = (file: string, via: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const layer = layerOf(file);
      if (!["client", "react", "protocol"].includes(layer) && !CLIENT_SAFE.includes(file)) server.push(`${via} → ${file}`);
      for (const edge of graph.get(file) ?? []) {
        if (edge.external) {
          if (edge.to === "bun" || edge.to.startsWith("bun:") || edge.to.startsWith("node:")) server.push(`${file} → ${edge.to}`);
        } else walk(edge.to, file);
      }
    };
    for (const file of graph.keys()) if (["client", "react"].includes(layerOf(file))) walk(file, file);
    expect(server).toEqual([]);
    expect(seen.has("protocol/define.ts")).toBe(true);
  });
});

describe("the tests", () => {
  const ROOT = resolve(import.meta.dir, "..");
  const files = [...new Bun.Glob("{test,test-stress}/**/*.{ts,tsx}").scanSync({ cwd: ROOT })].filter((file) => file !== "test/architecture.test.ts");
  const sources = files.map((file) => [file, readFileSync(join(ROOT, file), "utf8")] as const);

  test("every conditional skip says why it skips, and nothing is skipped unconditionally", () => {
    const silent = sources.filter(([, text]) => /\.skipIf\(/.test(text) && !/console\.warn\(|chromiumOrSkip\(/.test(text)).map(([file]) => file);
    const unconditional = sources.filter(([, text]) => /\b(?:test|it|describe)\.(?:skip|todo)\(/.test(text)).map(([file]) => file);
    expect({ silent, unconditional }).toEqual({ silent: [], unconditional: [] });
  });

  test("no test hides a module from the type checker behind import(String(...))", () => {
    const hidden = sources.filter(([, text]) => /\bimport\(\s*String\(/.test(text)).map(([file]) => file);
    expect(hidden).toEqual([]);
  });
});
