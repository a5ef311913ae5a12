// The package's public entry points: one line each. `npm run build` writes package.json `exports` from this list
// (types, import and default conditions into dist/), and test/package/exports.test.ts fails when the two differ.
// Adding an entry point (say `bunwire/metrics` from src/metrics/index.ts) is one line here, then `npm run build`.

/** Subpath → source module under src/, without the extension. */
export const ENTRY_POINTS: Readonly<Record<string, string>> = {
  ".": "index",
  "./router": "router/index",
  "./fs": "fs/index",
  "./gateway": "gateway/index",
  "./client": "client/index",
  "./client/msgpack": "client/msgpack/index",
  "./react": "react/index",
  "./redis": "redis/index",
  "./nats": "nats/index",
  "./metrics": "metrics/index",
};

/** The CLI: command name → source file; the build emits it to dist/ and package.json `bin` points there. */
export const BINARIES: Readonly<Record<string, string>> = {
  bunwire: "bin/bunwire",
};

type Conditions = { types: string; import: string; default: string };

/** package.json `exports` for the entry points above (tsc mirrors src/ into dist/src/). */
export function exportsField(): Record<string, Conditions | string> {
  const field: Record<string, Conditions | string> = {};
  for (const [subpath, module] of Object.entries(ENTRY_POINTS)) {
    const js = `./dist/src/${module}.js`;
    field[subpath] = { types: `./dist/src/${module}.d.ts`, import: js, default: js };
  }
  field["./package.json"] = "./package.json";
  return field;
}

/** package.json `bin` for the binaries above. */
export function binField(): Record<string, string> {
  return Object.fromEntries(Object.entries(BINARIES).map(([name, file]) => [name, `./dist/${file}.js`]));
}
