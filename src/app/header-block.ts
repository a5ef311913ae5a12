// An upgrade request's headers kept as flat strings ("\nname: value" per header, names lower-cased) once its socket
// is open: `ws.data.req` keeps these instead of Bun's `Request` and native `Headers` (issue 16: bytes per idle
// connection). Headers that differ per client (cookie, credentials, the handshake key) stay in the request's own
// block; the rest (user agent, languages, origin...) is usually identical across many clients, so that block is
// shared through the App's `SharedHeaderBlocks`. HTTP forbids "\n" in names and values, and ":" in names, so
// "\nname: " finds exactly that header.

/** Headers kept per request, never shared: they differ from one client to the next. */
const OWN_NAMES = ["cookie", "authorization", "sec-websocket-key", "x-forwarded-for", "forwarded"];
/**
 * The handshake's nonce: spent once the 101 is sent, so a request keeping every header leaves it out (about 45 bytes
 * per socket); a route that names it in `keepHeaders` keeps it.
 */
export const SPENT_HEADER = "sec-websocket-key";
const OWN = new Set(OWN_NAMES);
/** Distinct shared blocks remembered per App before the table starts over (it only saves memory, never changes a value). */
const MAX_SHARED = 1024;
/** Header sets remembered per user agent for the fast check (clients of one browser differ in language, origin...). */
const PER_AGENT = 4;

/** A shared block, with the values it was built from so the next request can be checked against them. */
interface SharedBlock {
  readonly values: Record<string, string>;
  readonly count: number;
  readonly block: string;
}

/**
 * One App's table of shared header blocks: equal blocks of different requests become one string. A request is
 * first checked value by value against the last few header sets of its user agent, so a repeat client costs no
 * block building and no hashing; otherwise its block is built and interned whole.
 */
export class SharedHeaderBlocks {
  readonly #byAgent = new Map<string, SharedBlock[]>();
  readonly #blocks = new Map<string, string>();

  /** The known block for exactly these shared values (`count` of them), if one of the agent's last sets matches. */
  find(agent: string, values: Record<string, string | string[]>, count: number): string | undefined {
    const known = this.#byAgent.get(agent);
    if (known === undefined) return undefined;
    for (const candidate of known) if (candidate.count === count && sameValues(candidate.values, values)) return candidate.block;
    return undefined;
  }

  /** The one string for this block (interned), remembered for the agent's next requests. */
  remember(agent: string, values: Record<string, string>, count: number, built: string): string {
    if (this.#blocks.size >= MAX_SHARED) {
      this.#blocks.clear();
      this.#byAgent.clear();
    }
    let block = this.#blocks.get(built);
    if (block === undefined) this.#blocks.set(built, (block = built));
    const known = this.#byAgent.get(agent);
    const entry = { values, count, block };
    if (known === undefined) this.#byAgent.set(agent, [entry]);
    else {
      known.unshift(entry);
      if (known.length > PER_AGENT) known.pop();
    }
    return block;
  }
}

function sameValues(known: Record<string, string>, values: Record<string, string | string[]>): boolean {
  for (const name in known) if (values[name] !== known[name]) return false;
  return true;
}

/** A request's headers as two blocks: `own` (per client) and `shared` (interned). A tuple: no object per request. */
export type PackedHeaders = readonly [own: string, shared: string];

/** `\nname: value` pieces; only set-cookie comes back as an array (each value stays its own line). */
function addLines(pieces: string[], name: string, value: string | string[]): void {
  // Pushed as pieces, not a template: a template's result is a rope object per line until `join` copies it.
  if (typeof value === "string") pieces.push("\n", name, ": ", value);
  else for (const one of value) pieces.push("\n", name, ": ", one);
}

/**
 * Packs `headers` (only those named in `keep`, when given): `own` starts with `prefix` (the caller's own text, kept
 * in the same string) and holds the per-client lines; `shared` is the App's interned block for the rest. Upgrades
 * run this once each, so it reads the five per-client names directly and counts the rest, rather than asking a Set
 * about every header.
 */
export function packHeaders(headers: Headers, table: SharedHeaderBlocks | undefined, prefix = "", keep?: ReadonlySet<string>): PackedHeaders {
  // Every header in one native call (iterating `Headers` crosses into native code once per header); only the kept
  // ones, one call each, when a route keeps a few: no string made for the others.
  const all = keep === undefined ? (headers.toJSON() as Record<string, string | string[]>) : only(headers, keep);
  const ownPieces = [prefix];
  let ownCount = 0;
  for (const name of OWN_NAMES) {
    const value = all[name];
    if (value === undefined) continue;
    ownCount++;
    if (name === SPENT_HEADER && keep === undefined) continue;
    addLines(ownPieces, name, value);
  }
  let total = 0;
  for (const _ in all) total++;
  const count = total - ownCount;
  // `join`, never `+=`: a `+=` chain is a rope that keeps every piece (and each header value) alive.
  const own = ownPieces.join("");
  const agent = typeof all["user-agent"] === "string" ? all["user-agent"] : "";
  const known = table?.find(agent, all, count);
  if (known !== undefined) return [own, known];
  const pieces: string[] = [];
  const values: Record<string, string> = {};
  for (const name in all) {
    if (OWN.has(name)) continue;
    const value = all[name]!;
    addLines(pieces, name, value);
    values[name] = typeof value === "string" ? value : value.join(", ");
  }
  const block = pieces.join("");
  return [own, table === undefined ? block : table.remember(agent, values, count, block)];
}

/** The headers named in `keep` (lower-case names), for a route that keeps only those (`keepHeaders`). */
function only(headers: Headers, keep: ReadonlySet<string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of keep) {
    const value = headers.get(name);
    if (value !== null) kept[name] = value;
  }
  return kept;
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
