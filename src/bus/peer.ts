// Optional peers (`ioredis`, `nats`) are loaded at run time, not imported statically: a static import of a
// missing package fails before any bunwire code runs, with a resolver message that says nothing about what to
// do. A driver awaits its peer at the top of its module, so `import "bunwire/redis"` without ioredis fails
// with MISSING_PEER saying `npm install ioredis`.

import { BunwireError } from "../engine/errors.ts";

/** Imports `name`; if it is not installed, throws MISSING_PEER naming the entry point that needs it. */
export async function loadPeer<T>(name: string, entryPoint: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if (!isNotFound(error, name)) throw error;
    throw new BunwireError("MISSING_PEER", `${entryPoint} needs the optional peer dependency "${name}", which is not installed: npm install ${name}`, { cause: error });
  }
}

/** True only when `name` itself cannot be resolved, not when it is installed but fails (or one of its own imports does). */
function isNotFound(error: unknown, name: string): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return false;
  return typeof message === "string" && (message.includes(`'${name}'`) || message.includes(`"${name}"`));
}
