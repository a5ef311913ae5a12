// Every bad route file found at start-up, reported together in one error that names each path (with the line and
// column when the file does not parse or throws while loading) and why.

import { BunwireError } from "../engine/index.ts";

export interface RouteFileProblem {
  /** The file (or folder) concerned, as found on disk. */
  readonly file: string;
  /** 1-based, when the problem is at one place in the file (a syntax error, a throw while loading). */
  readonly line?: number;
  readonly column?: number;
  readonly reason: string;
}

function where(problem: RouteFileProblem): string {
  return problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
}

export class RouteFileError extends BunwireError {
  override name = "RouteFileError";
  readonly problems: readonly RouteFileProblem[];

  constructor(dir: string, problems: readonly RouteFileProblem[]) {
    const lines = problems.map((p) => `  ${where(p)}: ${p.reason}`);
    super("INVALID_ROUTE", `${problems.length} bad route file${problems.length === 1 ? "" : "s"} in ${dir}:\n${lines.join("\n")}`);
    this.problems = problems;
  }
}
