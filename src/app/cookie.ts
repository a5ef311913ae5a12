// Cookies both ways: the `Cookie` request header parsed by hand, and `Set-Cookie` values written with Express's
// units (`maxAge` in milliseconds), which Bun's own `Bun.Cookie` (seconds) then serializes.

/** Options of `res.cookie()`, in Express's units. */
export interface CookieOptions {
  /** Lifetime in **milliseconds**, as in Express (written as `Max-Age` in seconds, rounded down). */
  maxAge?: number;
  /** An absolute expiry: a Date, or milliseconds since the epoch. */
  expires?: Date | number;
  /** Default "/". */
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  /** Default "lax" (Bun's default; Express sends none). */
  sameSite?: "strict" | "lax" | "none";
  partitioned?: boolean;
}

/** One `Set-Cookie` value. The value is percent-encoded as Express's default `encodeURIComponent` does. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  const { maxAge, expires, ...rest } = options;
  return new Bun.Cookie(name, value, {
    path: "/",
    ...rest,
    // Bun.Cookie counts Max-Age in seconds and reads a numeric `expires` as seconds: convert from Express's ms.
    ...(maxAge === undefined ? {} : { maxAge: Math.floor(maxAge / 1000) }),
    ...(expires === undefined ? {} : { expires: expires instanceof Date ? expires : new Date(expires) }),
  }).serialize();
}

function decode(value: string): string {
  if (value.indexOf("%") === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** One cookie of a Cookie header, read as `parseCookies` reads it, without building the others (undefined: absent). */
export function findCookie(header: string, name: string): string | undefined {
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(";", start);
    if (end === -1) end = header.length;
    const eq = header.indexOf("=", start);
    if (eq !== -1 && eq < end) {
      // Compare in place first: most cookies are not the one asked for, and their names need no copy.
      let from = start;
      while (from < eq && (header.charCodeAt(from) === 32 || header.charCodeAt(from) === 9)) from++;
      if (header.startsWith(name, from) && header.slice(from + name.length, eq).trim() === "") {
        let value = header.slice(eq + 1, end).trim();
        if (value.length >= 2 && value.charCodeAt(0) === 34 && value.charCodeAt(value.length - 1) === 34) value = value.slice(1, -1);
        return decode(value);
      }
    }
    start = end + 1;
  }
  return undefined;
}

/** `a=1; b=2` into `cookies` by hand: no CookieMap and no iterator per request (the first of a repeated name wins). */
export function parseCookies(header: string, cookies: Record<string, string>): void {
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(";", start);
    if (end === -1) end = header.length;
    const eq = header.indexOf("=", start);
    if (eq !== -1 && eq < end) {
      const name = header.slice(start, eq).trim();
      let value = header.slice(eq + 1, end).trim();
      if (value.length >= 2 && value.charCodeAt(0) === 34 && value.charCodeAt(value.length - 1) === 34) value = value.slice(1, -1);
      if (name !== "" && !Object.hasOwn(cookies, name)) cookies[name] = decode(value);
    }
    start = end + 1;
  }
}
