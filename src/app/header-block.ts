// An upgrade request's headers kept as flat strings ("\nname: value" per header, names lower-cased) once its socket
// is open: `ws.data.req` keeps these instead of Bun's `Request` and native `Headers` (issue 16: bytes per idle
// connection). Headers that differ per client (cookie, credentials, the handshake key) stay in the request's own
// block; the rest (user agent, languages, origin...) is usually identical across many clients, so that block is
// shared through the App's `SharedHeaderBlocks`. HTTP forbids "\n" in names and values, and ":" in names, so
// "\nname: " finds exactly that header.

/** Headers kept per request, never shared: they differ from one client to the next. */
const OWN = new Set(["cookie", "authorization", "sec-websocket-key", "x-forwarded-for", "forwarded"]);
/** Distinct shared blocks remembered per App before the table starts over (it only saves memory, never changes a value). */
const MAX_SHARED = 1024;

/** One App's table of shared header blocks: equal blocks of different requests become one string. */
export class SharedHeaderBlocks {
  readonly #blocks = new Map<string, string>();

  intern(block: string): string {
    const known = this.#blocks.get(block);
    if (known !== undefined) return known;
    if (this.#blocks.size >= MAX_SHARED) this.#blocks.clear();
    this.#blocks.set(block, block);
    return block;
  }
}

/** A request's headers as two blocks: `own` (per client) and `shared` (interned). A tuple: no object per request. */
export type PackedHeaders = readonly [own: string, shared: string];

export function packHeaders(headers: Headers, table: SharedHeaderBlocks | undefined): PackedHeaders {
  const own: string[] = [];
  const shared: string[] = [];
  for (const [name, value] of headers) (OWN.has(name) ? own : shared).push(`\n${name}: ${value}`);
  // one join, not `+=`: a `+=` chain is a rope that keeps every piece alive
  const block = shared.join("");
  return [own.join(""), table === undefined ? block : table.intern(block)];
}

/** A header of packed blocks, case-insensitive; repeats joined with ", " as `Headers.get` does. */
export function headerIn(own: string, shared: string, name: string): string | null {
  const lower = name.toLowerCase();
  return find(OWN.has(lower) ? own : shared, `\n${lower}: `);
}

function find(block: string, key: string): string | null {
  let at = block.indexOf(key);
  let value: string | null = null;
  while (at !== -1) {
    const start = at + key.length;
    const end = block.indexOf("\n", start);
    const one = block.slice(start, end === -1 ? undefined : end);
    value = value === null ? one : `${value}, ${one}`;
    at = end === -1 ? -1 : block.indexOf(key, end);
  }
  return value;
}

/** The name/value pairs of packed blocks. */
export function* unpackHeaders(own: string, shared: string): Generator<[string, string]> {
  for (const block of [shared, own]) {
    let at = 0;
    while (at < block.length) {
      const colon = block.indexOf(": ", at + 1);
      const end = block.indexOf("\n", colon + 2);
      yield [block.slice(at + 1, colon), block.slice(colon + 2, end === -1 ? undefined : end)];
      at = end === -1 ? block.length : end;
    }
  }
}
