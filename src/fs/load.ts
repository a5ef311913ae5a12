// Imports each route file and checks its exports, collecting every problem instead of stopping at the first. A
// file that does not parse or throws while loading is reported at its line and column.

import { pathToFileURL } from "node:url";
import type { RouteFileProblem } from "./errors.ts";
import { handlersOf } from "./handlers.ts";
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
 * 1-based `position`; an error thrown while the module ran names the file in its stack.
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
  return found === null ? undefined : { line: Number(found[1]), column: Number(found[2]) };
}

function importProblem(route: RouteFile, error: unknown): RouteFileProblem {
  const message = error instanceof AggregateError && error.errors.length > 0 ? error.errors.map(messageOf).join("; ") : messageOf(error);
  const position = positionOf(error, route.file);
  if (position === undefined) return { file: route.file, reason: `failed to import: ${message}` };
  const excerpt = position.lineText === undefined ? "" : `\n      ${position.lineText.trimEnd()}\n      ${" ".repeat(Math.max(position.column - 1, 0))}^`;
  return { file: route.file, line: position.line, column: position.column, reason: `failed to import: ${message}${excerpt}` };
}

/** Why a ws module is unusable, or undefined when it is fine. */
function checkWsModule(module: Record<string, unknown>): string | undefined {
  for (const name of ROUTE_EXPORTS) {
    const value = module[name];
    if (value !== undefined && typeof value !== "function") return `export "${name}" is ${describe(value)}, expected a function`;
  }
  // A misspelt handler would otherwise be ignored without a word.
  const unknown = Object.keys(module).filter((name) => /^on[A-Z]/.test(name) && !KNOWN.has(name) && typeof module[name] === "function");
  if (unknown.length > 0) return `unknown export${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `"${n}"`).join(", ")}; a route exports ${ROUTE_EXPORTS.join(", ")}`;
  if (!ROUTE_EXPORTS.some((name) => typeof module[name] === "function")) return `exports none of ${ROUTE_EXPORTS.join(", ")}`;
  return undefined;
}

async function loadOne(route: RouteFile): Promise<FileRoute | RouteFileProblem> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(route.file).href)) as Record<string, unknown>;
  } catch (error) {
    return importProblem(route, error);
  }
  if (route.kind === "ws") {
    const reason = checkWsModule(module);
    if (reason !== undefined) return { file: route.file, reason };
    const ws = module as WebSocketRouteModule;
    return { route, handlers: handlersOf(ws), upgrade: ws.upgrade };
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
  return { route, handlers, upgrade: sockets.upgrade };
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
