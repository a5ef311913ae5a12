// `req.headers` as Express code reads it (a plain object of lower-cased names, `req.headers.authorization`) that
// still answers the Fetch-style calls bunWay code makes (`req.headers.get("Authorization")`, `.has()`).

/** Lower-cased header names to values (repeated headers joined with ", ", cookies with "; "), plus `get`/`has`. */
export type RequestHeaders = Record<string, string | undefined> & {
  /** Case-insensitive, as `Headers.get`: the value or null. */
  get(name: string): string | null;
  has(name: string): boolean;
};

// `get` and `has` live on the prototype, so Object.keys, spreading and JSON.stringify see only the headers.
const METHODS = Object.create(null, {
  get: {
    value(this: Record<string, string | undefined>, name: string): string | null {
      const value = Object.hasOwn(this, name) ? this[name] : this[name.toLowerCase()];
      return typeof value === "string" ? value : null;
    },
  },
  has: {
    value(this: RequestHeaders, name: string): boolean {
      return this.get(name) !== null;
    },
  },
}) as object;

export function headersObject(headers: Iterable<[string, string]>): RequestHeaders {
  const object = Object.create(METHODS) as RequestHeaders;
  // Fetch Headers already lower-cases names and joins repeats.
  for (const [name, value] of headers) object[name] = value;
  return object;
}
