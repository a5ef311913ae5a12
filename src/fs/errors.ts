// Every bad route file found at start-up, reported together in one error that names each path and why.

import { BunwireError } from "../engine/index.ts";

export interface RouteFileProblem {
  /** The file (or folder) concerned, as found on disk. */
  readonly file: string;
  readonly reason: string;
}

export class RouteFileError extends BunwireError {
  override name = "RouteFileError";
  readonly problems: readonly RouteFileProblem[];

  constructor(dir: string, problems: readonly RouteFileProblem[]) {
    const lines = problems.map((p) => `  ${p.file}: ${p.reason}`);
    super("INVALID_ROUTE", `${problems.length} bad route file${problems.length === 1 ? "" : "s"} in ${dir}:\n${lines.join("\n")}`);
    this.problems = problems;
  }
}
