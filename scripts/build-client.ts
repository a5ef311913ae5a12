// Builds the browser bundle of bunwire/client (ESM, minified) into demo/public/client.js, or into the path
// given as the first argument. The demo and the browser test call `buildClient()` on start.
// `buildClient(path, "msgpack")` builds bunwire/client/msgpack on its own (the codec object), for pages that
// want MessagePack: `import { msgpack } from "/client-msgpack.js"`.

import { dirname, join, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");
export const DEFAULT_CLIENT_BUNDLE = join(root, "demo/public/client.js");

/** Bundles src/client/index.ts for browsers; returns the path written and its size in bytes. */
export async function buildClient(outfile: string = DEFAULT_CLIENT_BUNDLE, entry: "client" | "msgpack" = "client"): Promise<{ path: string; bytes: number }> {
  const result = await Bun.build({
    entrypoints: [join(root, entry === "client" ? "src/client/index.ts" : "src/client/msgpack/index.ts")],
    target: "browser",
    format: "esm",
    minify: true,
    sourcemap: "none",
  });
  if (!result.success || result.outputs[0] === undefined) {
    const reasons = result.logs.map((log) => String(log)).join("\n");
    throw new Error(`client bundle failed:\n${reasons}`);
  }
  const text = await result.outputs[0].text();
  await Bun.write(outfile, text, { createPath: true });
  return { path: outfile, bytes: text.length };
}

if (import.meta.main) {
  const target = process.argv[2] !== undefined ? resolve(process.argv[2]) : DEFAULT_CLIENT_BUNDLE;
  const { path, bytes } = await buildClient(target);
  console.log(`client bundle: ${path} (${(bytes / 1024).toFixed(1)} KiB, dir ${dirname(path)})`);
}
