// The docs cover the whole public surface, so a stranger needs no source reading and drift is caught here:
// - every export of every entry point is listed under its entry point in docs/API.md (no more, no fewer) and named
//   in code somewhere in README.md + docs/*.md;
// - every key of every exported options type (`ServerOptions`, `HandleOptions`, `ClientOptions`, `ObserveOptions`,
//   `RedisBusOptions`, `CorsOptions`, ...) is named in code in README.md + docs/*.md;
// - every error code the code base can throw or send is in docs/ERRORS.md.
// Read with the TypeScript compiler (the checker resolves `export *` and `export type *`), not with regexes.

import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { ENTRY_POINTS } from "../scripts/entry-points.ts";

const ROOT = resolve(import.meta.dir, "..");
const DOC_FILES = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((file) => file.endsWith(".md")).map((file) => `docs/${file}`)];
const DOCS = DOC_FILES.map((file) => readFileSync(join(ROOT, file), "utf8")).join("\n");

/** The text of every code block and inline code span of the docs: where an API name counts as mentioned. */
const CODE = (() => {
  const parts: string[] = [];
  const fenced = /```[^\n]*\n([\s\S]*?)```/g;
  for (const match of DOCS.matchAll(fenced)) parts.push(match[1]!);
  // Inline code may wrap onto the next line of a paragraph.
  for (const match of DOCS.replace(fenced, "").matchAll(/`([^`]+)`/g)) parts.push(match[1]!);
  return parts.join("\n");
})();

function mentioned(name: string): boolean {
  return new RegExp(`(^|[^\\w$])${name.replace(/\$/g, "\\$")}($|[^\\w$])`).test(CODE);
}

const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
if (config === undefined) throw new Error("tsconfig.json could not be read");
const entryFiles = Object.fromEntries(Object.entries(ENTRY_POINTS).map(([subpath, module]) => [subpath === "." ? "bunwire" : `bunwire/${subpath.slice(2)}`, join(ROOT, "src", `${module}.ts`)]));
const program = ts.createProgram(Object.values(entryFiles), { ...config.options, noEmit: true });
const checker = program.getTypeChecker();

/** Entry point (`bunwire/redis`) → its exported names, values and types. */
const EXPORTS = new Map(
  Object.entries(entryFiles).map(([entry, file]) => {
    const source = program.getSourceFile(file);
    const symbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (symbol === undefined) throw new Error(`${file} is not a module`);
    return [entry, checker.getExportsOfModule(symbol)] as const;
  }),
);

// Types named like options, and the option objects that are not (the message rate limit, the limits on a route).
const OPTION_TYPE = /Options$|^(MessageRateLimit|RouteLimits)$/;
// Bun's own WebSocket options, passed through untouched (`websocket: {...}`): documented by Bun.
const NOT_OURS = new Set(["WebSocketOptions"]);

describe("every export of every entry point is documented", () => {
  const api = readFileSync(join(ROOT, "docs/API.md"), "utf8");
  /** docs/API.md: `## \`bunwire/redis\`` headings, each followed by rows/items starting with `Name`. */
  const listed = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of api.split("\n")) {
    const heading = line.match(/^## `(bunwire(?:\/[\w/]+)?)`/);
    if (heading) listed.set(heading[1]!, (current = new Set()));
    else if (line.startsWith("## ")) current = undefined;
    const item = line.match(/^(?:\| |- )`([\w$]+)`/);
    if (item && current !== undefined) current.add(item[1]!);
  }

  for (const [entry, symbols] of EXPORTS) {
    test(`${entry}: docs/API.md lists exactly its exports, and each is named in the docs`, () => {
      const names = symbols.map((symbol) => symbol.name).sort();
      expect(names.length).toBeGreaterThan(0);
      expect([...(listed.get(entry) ?? [])].sort()).toEqual(names);
      expect(names.filter((name) => !mentioned(name))).toEqual([]);
    });
  }
});

describe("every option key is documented", () => {
  const seen = new Set<string>();
  for (const [entry, symbols] of EXPORTS) {
    for (const exported of symbols) {
      if (!OPTION_TYPE.test(exported.name) || NOT_OURS.has(exported.name) || seen.has(exported.name)) continue;
      seen.add(exported.name);
      test(`${exported.name} (${entry}): every key is named in the docs`, () => {
        const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        const keys = checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(target)).map((property) => property.name);
        expect(keys.length).toBeGreaterThan(0);
        expect(keys.filter((key) => !mentioned(key))).toEqual([]);
      });
    }
  }
  test("the option types found include the ones users pass most", () => {
    for (const name of ["ServerOptions", "HandleOptions", "ClientOptions", "ObserveOptions", "RedisBusOptions", "NatsBusOptions", "RedisHistoryOptions", "RedisPresenceOptions", "RedisIdempotencyOptions", "CorsOptions", "StaticOptions", "SessionOptions", "RateLimitOptions"]) {
      expect(seen).toContain(name);
    }
  });
});

// Error classes whose first constructor argument is a code.
const ERROR_CLASSES = new Set(["BunwireError", "ProtocolError", "ServerRequestError", "ClientError", "RedisBusError", "NatsBusError"]);
const SCREAMING = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;
// SCREAMING_SNAKE strings in src/ that are not bunwire's codes: Node's own module-loading codes, read to tell a
// missing optional peer from a broken one.
const NOT_CODES = new Set(["ERR_MODULE_NOT_FOUND", "MODULE_NOT_FOUND"]);

/** Every code src/ can throw or send: error constructors' literal codes, the *ErrorCode unions, and SCREAMING_SNAKE literals. */
function codesOfSource(): Map<string, string> {
  const codes = new Map<string, string>();
  const files = [...new Bun.Glob("**/*.ts").scanSync({ cwd: join(ROOT, "src") })];
  for (const file of files) {
    const text = readFileSync(join(ROOT, "src", file), "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ESNext, true);
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && ERROR_CLASSES.has(node.expression.text)) {
        const first = node.arguments?.[0];
        if (first !== undefined) for (const literal of literalsOf(first)) codes.set(literal, file);
      }
      if (ts.isTypeAliasDeclaration(node) && node.name.text.endsWith("ErrorCode")) {
        node.type.forEachChild(function members(child): void {
          if (ts.isLiteralTypeNode(child) && ts.isStringLiteral(child.literal)) codes.set(child.literal.text, file);
          else child.forEachChild(members);
        });
        if (ts.isLiteralTypeNode(node.type) && ts.isStringLiteral(node.type.literal)) codes.set(node.type.literal.text, file);
      }
      if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && SCREAMING.test(node.text) && !NOT_CODES.has(node.text)) codes.set(node.text, file);
      node.forEachChild(visit);
    };
    visit(source);
  }
  return codes;
}

/** The string literals an expression can evaluate to (`"A"`, `x ? "A" : "B"`). */
function literalsOf(node: ts.Expression): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isConditionalExpression(node)) return [...literalsOf(node.whenTrue), ...literalsOf(node.whenFalse)];
  if (ts.isParenthesizedExpression(node)) return literalsOf(node.expression);
  return [];
}

test("docs/ERRORS.md lists every error code src/ can throw or send", () => {
  const errors = readFileSync(join(ROOT, "docs/ERRORS.md"), "utf8");
  const codes = codesOfSource();
  expect(codes.size).toBeGreaterThan(60);
  const missing = [...codes].filter(([code]) => !errors.includes(`\`${code}\``)).map(([code, file]) => `${code} (src/${file})`);
  expect(missing).toEqual([]);
});

test("every error code src/ can throw or send is in the BunwireErrorCode union, and nothing else is", () => {
  const text = readFileSync(join(ROOT, "src/engine/errors.ts"), "utf8");
  const source = ts.createSourceFile("errors.ts", text, ts.ScriptTarget.ESNext, true);
  const union = new Set<string>();
  source.forEachChild((node) => {
    if (ts.isTypeAliasDeclaration(node) && node.name.text === "BunwireErrorCode") {
      node.type.forEachChild(function members(child): void {
        if (ts.isLiteralTypeNode(child) && ts.isStringLiteral(child.literal)) union.add(child.literal.text);
        else child.forEachChild(members);
      });
    }
  });
  const codes = codesOfSource();
  const missing = [...codes].filter(([code]) => !union.has(code)).map(([code, file]) => `${code} (src/${file})`);
  expect(missing).toEqual([]);
  // A code only the union names (no longer thrown, sent or logged) would be documented for nothing.
  expect([...union].filter((code) => !codes.has(code))).toEqual([]);
});
