// Imports each route file and checks its exports, collecting every problem instead of stopping at the first. A
// file that does not parse or throws while loading is reported at its line and column, with that line and a caret.

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { RouteFileProblem } from "./errors.ts";
import { handlersOf, joinTopic } from "./handlers.ts";
import { protocolHandlers, type SocketRouteModule } from "./protocol-route.ts";
import type { FileRoute } from "./route.ts";
import type { RouteFile } from "./scan.ts";
import { ROUTE_EXPORTS, type WebSocketRouteModule } from "./types.ts";

const KNOWN = new Set<string>(ROUTE_EXPORTS);

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error || (error !== null && typeof error === "object" && "message" in error) ? String((error as { message: unknown }).message) : String(error);
}

interface Position {
  readonly line: number;
  readonly column: number;
  readonly lineText?: string;
}

/**
 * Where in `file` an import failed. Bun's parse errors (`BuildMessage`, several in an AggregateError) carry a
 * 1-based `position` and the line; an error thrown while the module ran names the file in its stack (the line is
 * read from the file then). A throw inside a module the route file imports names that module instead: no position.
 */
function positionOf(error: unknown, file: string): Position | undefined {
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = positionOf(inner, file);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (error === null || typeof error !== "object") return undefined;
  const position = (error as { position?: { line?: unknown; column?: unknown; lineText?: unknown } | null }).position;
  if (position != null && typeof position.line === "number" && typeof position.column === "number") {
    return { line: position.line, column: position.column, lineText: typeof position.lineText === "string" ? position.lineText : undefined };
  }
  const stack = (error as { stack?: unknown }).stack;
  if (typeof stack !== "string") return undefined;
  const at = stack.indexOf(`${file}:`);
  if (at === -1) return undefined;
  const found = /^:(\d+):(\d+)/.exec(stack.slice(at + file.length));
  if (found === null) return undefined;
  const line = Number(found[1]);
  // Bun maps the stack back to the source as written (TypeScript included), so its line is the one to show.
  return { line, column: Number(found[2]), lineText: sourceLine(file, line) };
}

/** Line `line` (1-based) of `file`, when it can still be read. */
function sourceLine(file: string, line: number): string | undefined {
  try {
    return readFileSync(file, "utf8").split(/\r?\n/)[line - 1];
  } catch {
    return undefined;
  }
}

function importProblem(route: RouteFile, error: unknown): RouteFileProblem {
  const message = error instanceof AggregateError && error.errors.length > 0 ? error.errors.map(messageOf).join("; ") : messageOf(error);
  const position = positionOf(error, route.file);
  if (position === undefined) return { file: route.file, reason: `failed to import: ${message}` };
  const excerpt = position.lineText === undefined ? "" : `\n      ${position.lineText.trimEnd()}\n      ${" ".repeat(Math.max(position.column - 1, 0))}^`;
  return { file: route.file, line: position.line, column: position.column, reason: `failed to import: ${message}${excerpt}` };
}

/** How a problem names a handler: a named export, or a key of the default-exported object. */
const WORDING = {
  named: { handler: (name: string) => `export "${name}"`, unknown: "export", has: "a route exports", none: "exports none of" },
  default: { handler: (name: string) => `default export's "${name}"`, unknown: "key", has: "a route object has", none: "the default export has none of" },
} as const;

/** `source` (the module, or its default object) as a route module, or why it is unusable. */
function checkHandlers(source: Record<string, unknown>, wording: (typeof WORDING)[keyof typeof WORDING]): WebSocketRouteModule | string {
  for (const name of ROUTE_EXPORTS) {
    const value = source[name];
    if (value !== undefined && typeof value !== "function") return `${wording.handler(name)} is ${describe(value)}, expected a function`;
  }
  // A misspelt handler would otherwise be ignored without a word.
  const unknown = Object.keys(source).filter((name) => /^on[A-Z]/.test(name) && !KNOWN.has(name) && typeof source[name] === "function");
  if (unknown.length > 0) return `unknown ${wording.unknown}${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `"${n}"`).join(", ")}; ${wording.has} ${ROUTE_EXPORTS.join(", ")}`;
  if (!ROUTE_EXPORTS.some((name) => typeof source[name] === "function")) return `${wording.none} ${ROUTE_EXPORTS.join(", ")}`;
  return source as WebSocketRouteModule;
}

/** `export const route = {...}` (or any other name) holds handlers the loader never looks for: say so. */
function withHint(checked: WebSocketRouteModule | string, module: Record<string, unknown>): WebSocketRouteModule | string {
  if (typeof checked !== "string") return checked;
  const holder = Object.keys(module).find((name) => {
    const value = module[name];
    return value !== null && typeof value === "object" && ROUTE_EXPORTS.some((key) => typeof (value as Record<string, unknown>)[key] === "function");
  });
  return holder === undefined ? checked : `${checked}; "${holder}" holds handlers: make it the default export (export default { ... })`;
}

/**
 * A ws module's handlers: its named exports, or the object it exports as default (one place to type them all with
 * `satisfies WebSocketRouteModule<Data>`). Both at once is refused: which would win is a guess either way.
 */
function wsRouteOf(module: Record<string, unknown>): WebSocketRouteModule | string {
  const route = module.default;
  if (route === undefined) return withHint(checkHandlers(module, WORDING.named), module);
  const named = ROUTE_EXPORTS.filter((name) => module[name] !== undefined);
  const handlers = (route ?? {}) as Record<string, unknown>;
  // A CommonJS route.js (`exports.onMessage = ...`) imports as both: `default` is `module.exports`, each key also
  // named. The same functions both ways are one set of handlers, not two.
  const conflicting = named.filter((name) => handlers[name] !== module[name]);
  if (conflicting.length > 0) return `exports both a default route object and ${conflicting.map((n) => `"${n}"`).join(", ")}; export the handlers one way, not both`;
  if (route === null || typeof route !== "object" || Array.isArray(route)) {
    return `the default export is ${describe(route)}; export an object of handlers (export default { onMessage(ws, message, ctx) {...} }) or named functions`;
  }
  // `export default chat.handle(...)` in ws/ instead of sockets/: say where it belongs, not just "none of".
  if (typeof handlers.message === "function" && !ROUTE_EXPORTS.some((name) => handlers[name] !== undefined)) {
    return `the default export has "message", not "onMessage": a protocol.handle(...) result goes in sockets/<path>/route.ts`;
  }
  return checkHandlers(handlers, WORDING.default);
}

async function loadOne(route: RouteFile): Promise<FileRoute | RouteFileProblem> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(route.file).href)) as Record<string, unknown>;
  } catch (error) {
    return importProblem(route, error);
  }
  if (route.kind === "ws") {
    const ws = wsRouteOf(module);
    if (typeof ws === "string") return { file: route.file, reason: ws };
    return { route, handlers: joinTopic(handlersOf(ws)), upgrade: ws.upgrade };
  }
  const sockets = module as SocketRouteModule;
  if (sockets.upgrade !== undefined && typeof sockets.upgrade !== "function") return { file: route.file, reason: `export "upgrade" is ${describe(sockets.upgrade)}, expected a function` };
  let handlers: ReturnType<typeof protocolHandlers>;
  try {
    handlers = protocolHandlers(sockets);
  } catch (error) {
    return { file: route.file, reason: `protocol.handle() failed: ${messageOf(error)}` };
  }
  if (typeof handlers === "string") return { file: route.file, reason: handlers };
  return { route, handlers: joinTopic(handlers), upgrade: sockets.upgrade };
}

export async function loadRoutes(routes: readonly RouteFile[]): Promise<{ loaded: FileRoute[]; problems: RouteFileProblem[] }> {
  const results = await Promise.all(routes.map(loadOne));
  const loaded: FileRoute[] = [];
  const problems: RouteFileProblem[] = [];
  for (const result of results) {
    if ("reason" in result) problems.push(result);
    else loaded.push(result);
  }
  return { loaded, problems };
}
