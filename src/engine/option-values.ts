// The values of option objects (the App's middleware, `handle()`, gateways, `new Application()`), checked when the
// object is given: a wrong type would otherwise surface later as a 500 at request time, a TypeError in a handler,
// or a header such as `max-age=NaN`. One table of rules per option object; names are checked apart (option-names.ts).

import { BunwireError } from "./errors.ts";
import { MAX_TIMER_MS } from "./limits.ts";

/** A test and what it expects, as the error says it: "option maxAge must be <expected>". */
export interface Rule {
  readonly test: (value: unknown) => boolean;
  readonly expected: string;
}

/** A rule for every option of T: the compiler refuses a missing or an extra one, as `optionKeys` does for names. */
export type Rules<T> = { readonly [K in keyof Required<T>]: Rule };

export const rule = (expected: string, test: (value: unknown) => boolean): Rule => ({ test, expected });

export const BOOLEAN = rule("true or false", (value) => typeof value === "boolean");
export const FUNCTION = rule("a function", (value) => typeof value === "function");
export const TEXT = rule("a string", (value) => typeof value === "string");
export const NAME = rule("a non-empty string", (value) => typeof value === "string" && value !== "");
export const COUNT = rule("a number >= 0", (value) => typeof value === "number" && value >= 0);
export const MILLISECONDS = rule("a number of milliseconds >= 0", (value) => typeof value === "number" && value >= 0);
/** A delay a timer can hold: Node and Bun fire a longer one at once. */
export const TIMER_MS = rule(`a number of milliseconds > 0 and <= ${MAX_TIMER_MS}`, (value) => typeof value === "number" && value > 0 && value <= MAX_TIMER_MS);
export const SECONDS = rule("a number of seconds >= 0", (value) => typeof value === "number" && value >= 0);
export const STATUS = rule("an HTTP status (200-599)", (value) => Number.isInteger(value) && (value as number) >= 200 && (value as number) <= 599);
export const NAMES = rule("a string or an array of strings", (value) => typeof value === "string" || (Array.isArray(value) && value.every((item) => typeof item === "string")));
/** What `listen()` accepts as a port: a number, or a string of digits (`process.env.PORT`), in 0-65535. */
export const PORT = rule("a port (an integer 0-65535, or a string of its digits)", (value) => {
  const port = typeof value === "string" && /^\d{1,5}$/.test(value) ? Number(value) : value;
  return Number.isInteger(port) && (port as number) >= 0 && (port as number) <= 65535;
});
export const OBJECT = rule("an object", (value) => typeof value === "object" && value !== null && !Array.isArray(value));
export const NAME_LIST = rule("an array of strings", (value) => Array.isArray(value) && value.every((item) => typeof item === "string"));
export const STRING_RECORD = rule("an object of header names to strings", (value) => typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((item) => typeof item === "string"));

export function oneOf(...values: readonly unknown[]): Rule {
  return rule(values.map((value) => JSON.stringify(value)).join(", ").replace(/, ([^,]*)$/, " or $1"), (value) => values.includes(value));
}

export function either(...rules: readonly Rule[]): Rule {
  return rule(rules.map((one) => one.expected).join(", or "), (value) => rules.some((one) => one.test(value)));
}

function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "object" && value !== null) return Array.isArray(value) ? "an array" : "an object";
  return String(value);
}

/** An object whose `methods` are all functions (a store, a history): "<expected> (method, method)". */
export function withMethods(expected: string, ...methods: readonly string[]): Rule {
  return rule(`${expected} (${methods.join(", ")})`, (value) => typeof value === "object" && value !== null && methods.every((method) => typeof (value as Record<string, unknown>)[method] === "function"));
}

/**
 * Throws INVALID_OPTION (`where: option maxAge must be ..., got "1d"`) for the first value its rule refuses;
 * `prefix` names a nested object's options after their parent (`idempotency.` gives `option idempotency.windowMs`).
 */
export function checkOptionValues(options: object | undefined, rules: Readonly<Record<string, Rule>>, where: string, prefix = ""): void {
  if (options === undefined) return;
  const values = options as Record<string, unknown>;
  for (const name in rules) {
    const value = values[name];
    if (value === undefined) continue;
    const { test, expected } = rules[name]!;
    if (!test(value)) throw new BunwireError("INVALID_OPTION", `${where}: option ${prefix}${name} must be ${expected}, got ${shown(value)}`);
  }
}
