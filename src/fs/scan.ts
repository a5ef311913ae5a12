// Finds route files with Bun.Glob and turns their folders into route paths: `ws/room/[id]/route.ts` serves
// `/ws/room/:id`, `[...rest]` catches the rest of the path, `(group)` folders only organise and add nothing.

import { join } from "node:path";
import type { RouteFileProblem } from "./errors.ts";

export type Segment = { readonly kind: "literal"; readonly text: string } | { readonly kind: "param" | "rest"; readonly name: string };

export interface RouteFile {
  /** `ws`: raw handlers with ctx; `sockets`: typed protocol handlers. */
  readonly kind: "ws" | "sockets";
  readonly file: string;
  /** The path as the engine matches it: `/ws/room/:id`, `/ws/files/*`. */
  readonly path: string;
  readonly segments: readonly Segment[];
}

const PATTERN = new Bun.Glob("{ws,sockets}/**/route.{ts,js}");
const NAME = /^[A-Za-z_$][\w$]*$/;

function parseSegment(folder: string, isLast: boolean): Segment | null | string {
  if (/^\(.+\)$/.test(folder)) return null;
  const rest = /^\[\.\.\.(.+)\]$/.exec(folder);
  if (rest !== null) {
    if (!NAME.test(rest[1]!)) return `folder "${folder}": "${rest[1]}" is not a valid param name`;
    if (!isLast) return `folder "${folder}": a catch-all [...name] must be the last folder`;
    return { kind: "rest", name: rest[1]! };
  }
  const param = /^\[(.+)\]$/.exec(folder);
  if (param !== null) {
    if (!NAME.test(param[1]!)) return `folder "${folder}": "${param[1]}" is not a valid param name (letters, digits, _ and $)`;
    return { kind: "param", name: param[1]! };
  }
  if (/[[\]:*?#%]/.test(folder)) return `folder "${folder}": use [name] for a param; ":", "*", "?", "#", "%" and stray brackets are not allowed`;
  return { kind: "literal", text: folder };
}

function toPath(segments: readonly Segment[]): string {
  return "/" + segments.map((s) => (s.kind === "literal" ? s.text : s.kind === "param" ? `:${s.name}` : "*")).join("/");
}

/** More specific routes first: fewer params, catch-alls last (static paths never compete: the engine maps them). */
function specificity(route: RouteFile): number {
  let score = 0;
  for (const s of route.segments) score += s.kind === "rest" ? 1000 : s.kind === "param" ? 1 : 0;
  return score;
}

export function scanRoutes(dir: string): { routes: RouteFile[]; problems: RouteFileProblem[] } {
  const routes: RouteFile[] = [];
  const problems: RouteFileProblem[] = [];
  const byShape = new Map<string, RouteFile>();
  const relatives = [...PATTERN.scanSync({ cwd: dir, onlyFiles: true })].map((r) => r.replaceAll("\\", "/")).sort();
  for (const relative of relatives) {
    const file = join(dir, relative);
    const folders = relative.split("/").slice(0, -1);
    const kind = folders[0] as "ws" | "sockets";
    const segments: Segment[] = [{ kind: "literal", text: kind }];
    let bad: string | undefined;
    folders.slice(1).forEach((folder, i) => {
      const parsed = parseSegment(folder, i === folders.length - 2);
      if (typeof parsed === "string") bad ??= parsed;
      else if (parsed !== null) segments.push(parsed);
    });
    if (bad !== undefined) {
      problems.push({ file, reason: bad });
      continue;
    }
    const route: RouteFile = { kind, file, path: toPath(segments), segments };
    // `[id]` and `[slug]` in the same place would both match every path: the second could never be reached.
    const shape = route.path.replace(/:[^/]+/g, ":");
    const twin = byShape.get(shape);
    if (twin !== undefined) {
      problems.push({ file, reason: twin.path === route.path ? `serves ${route.path} like ${twin.file}` : `serves the same paths as ${twin.file} (${twin.path})` });
      continue;
    }
    byShape.set(shape, route);
    routes.push(route);
  }
  routes.sort((a, b) => specificity(a) - specificity(b));
  return { routes, problems };
}
