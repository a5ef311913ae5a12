// What bunwire writes about a request or an error (log lines, the inspector) never carries a secret: query strings,
// credentials in URLs, bearer tokens and values named like tokens, passwords or cookies are masked here first.
// Request headers are never logged at all; paths are logged without their query string (`pathnameOf`).

export const REDACTED = "[redacted]";

const RULES: ReadonlyArray<[RegExp, string]> = [
  // scheme://user:password@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, `$1${REDACTED}@`],
  // a query string after a path or URL: /path?anything (up to a space, quote, fragment or closing bracket)
  [/(\/[^\s?"']*)\?[^\s"'#)\]<>]*/g, `$1?${REDACTED}`],
  // Authorization: Bearer <token>, Basic <credentials>
  [/\b(Bearer|Basic)\s+[^\s,;"']+/gi, `$1 ${REDACTED}`],
  // key=value / "key": "value" where the key names a secret
  [/((?:access_?|refresh_?|id_?|api_?|auth_?|session_?|csrf_?)?(?:token|secret|password|passwd|pwd|cookie|authorization|api[_-]?key|sid|session)(?:[_-]?(?:id|key|token))?["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic)\s|\[redacted\])[^\s"'&,;}]+/gi, `$1${REDACTED}`],
];

/** `text` with every secret-looking part masked; the same string when there is none. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}

/** How deep a chain of causes is followed: a cycle or a very long chain stops here. */
const MAX_CAUSES = 8;

/**
 * The error as a log line may carry it: the same object when nothing in it has to be masked, else an Error of the
 * same name, code, message, stack and cause with the secrets masked (the original stays untouched for your hooks).
 * Its `cause` chain is masked too (a driver's error often carries the connection URL there), and a thrown value
 * that is no Error (`throw { message }`) is masked as its JSON text.
 */
export function redactError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return redactValue(error);
  const message = redactText(error.message);
  const stack = error.stack === undefined ? undefined : redactText(error.stack);
  const cause = depth < MAX_CAUSES && error.cause !== undefined ? redactError(error.cause, depth + 1) : error.cause;
  if (message === error.message && stack === error.stack && cause === error.cause) return error;
  const copy = new Error(message, cause === undefined ? undefined : { cause });
  copy.name = error.name;
  copy.stack = stack;
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) (copy as Error & { code?: unknown }).code = code;
  return copy;
}

/** A thrown string, or an object as its JSON text, masked; the same value when there is nothing to mask. */
function redactValue(value: unknown): unknown {
  if (typeof value === "string") return redactText(value);
  if (typeof value !== "object" || value === null) return value;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return "[an unserializable thrown value]";
  }
  if (text === undefined) return value;
  const masked = redactText(text);
  return masked === text ? value : masked;
}
