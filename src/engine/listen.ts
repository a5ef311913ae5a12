// The one listen signature of every front door: `listen(port?, hostname?, callback?)` or
// `listen({ port, hostname, quiet })`, read into one shape.

import type { Server } from "bun";
import { BunwireError } from "./errors.ts";
import { checkOptionNames } from "./option-names.ts";
import { BOOLEAN, checkOptionValues, FUNCTION, NAME, PORT } from "./option-values.ts";

export type ListenCallback = (server: Server<unknown>) => void;

export interface ListenOptions {
  /** Default 3000; 0 picks a free port (read it from `.port`). */
  port?: number | string;
  hostname?: string;
  /** Do not print `bunwire listening on ...`. */
  quiet?: boolean;
}

export interface ListenArgs extends ListenOptions {
  callback?: ListenCallback;
}

/** Reads either listen style; `defaults` are the front door's own (an Application's constructor port). */
export function listenArgs(
  first: number | string | ListenOptions | undefined,
  second: string | ListenCallback | undefined,
  third: ListenCallback | undefined,
  defaults: ListenOptions = {},
): ListenArgs {
  if (first !== null && typeof first === "object") {
    checkOptionNames(first, ["port", "hostname", "quiet"], "listen()");
    const callback = typeof second === "function" ? second : third;
    return checked({ port: first.port ?? defaults.port, hostname: first.hostname ?? defaults.hostname, quiet: first.quiet ?? defaults.quiet, callback });
  }
  if (first !== undefined && typeof first !== "number" && typeof first !== "string") {
    throw new BunwireError("INVALID_OPTION", `listen(): the port must be a number, a string or { port, hostname, quiet }, got ${typeof first}`);
  }
  if (typeof second === "function") return checked({ port: first ?? defaults.port, hostname: defaults.hostname, quiet: defaults.quiet, callback: second });
  return checked({ port: first ?? defaults.port, hostname: second ?? defaults.hostname, quiet: defaults.quiet, callback: third });
}

/** The same port rule as `new Application({ port })`: Bun's own error for `listen("abc")` would name no option. */
function checked(args: ListenArgs): ListenArgs {
  checkOptionValues(args, LISTEN_RULES, "listen()");
  return args;
}

const LISTEN_RULES = { port: PORT, hostname: NAME, quiet: BOOLEAN, callback: FUNCTION };
