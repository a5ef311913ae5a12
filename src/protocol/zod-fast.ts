// A hand-compiled check for the commonest event schema: a zod object of plain `z.number()`, `z.string()` and
// `z.boolean()` fields (no refinements, no optional fields, no catch-all). It does what zod's own parser does for
// such a schema, in one function with no payload, context or issue array: a non-array object whose fields have the
// right types gives a new object with exactly the shape's fields, in the shape's order (unknown keys stripped, as
// zod strips them); anything else answers `MISS`, and zod itself then parses the value, so every error message is
// zod's. Schemas outside this subset get no fast check.

export const MISS: unique symbol = Symbol("bunwire.zodFastMiss");

export type FastCheck = (value: unknown) => unknown;

interface ZodDef {
  type?: unknown;
  shape?: Record<string, { _zod?: { def?: ZodDef } }>;
  catchall?: unknown;
  checks?: unknown[];
  coerce?: unknown;
}

/** The test of one field's value, as JavaScript source (`v` is the value), or undefined when not in the subset. */
function fieldTest(def: ZodDef | undefined): string | undefined {
  if (def === undefined) return undefined;
  // Only the bare types: `checks` (`.int()`, `.min()`...) and `coerce` are left to zod.
  for (const key of Object.keys(def)) if (key !== "type" && !(key === "checks" && def.checks!.length === 0)) return undefined;
  switch (def.type) {
    case "number":
      // z.number() refuses NaN and ±Infinity.
      return 'typeof v === "number" && Number.isFinite(v)';
    case "string":
      return 'typeof v === "string"';
    case "boolean":
      return 'typeof v === "boolean"';
    default:
      return undefined;
  }
}

export function compileZodFast(schema: unknown): FastCheck | undefined {
  const def = (schema as { _zod?: { def?: ZodDef } } | null)?._zod?.def;
  if (def === undefined || def.type !== "object" || def.catchall !== undefined || def.shape === undefined) return undefined;
  if (Object.keys(def).some((key) => key !== "type" && key !== "shape")) return undefined;
  const names = Object.keys(def.shape);
  if (names.length === 0 || names.length > 16) return undefined;
  const lines = ['if (typeof input !== "object" || input === null || Array.isArray(input)) return MISS;'];
  const fields: string[] = [];
  for (const [index, name] of names.entries()) {
    if (name === "__proto__") return undefined;
    const test = fieldTest(def.shape[name]?._zod?.def);
    if (test === undefined) return undefined;
    const key = JSON.stringify(name);
    lines.push(`const f${index} = input[${key}];`, `{ const v = f${index}; if (!(${test})) return MISS; }`);
    fields.push(`${key}: f${index}`);
  }
  lines.push(`return { ${fields.join(", ")} };`);
  return new Function("MISS", `return (input) => { ${lines.join(" ")} };`)(MISS) as FastCheck;
}
