// HTTP request bodies, read only when something asks (a matching route about to run, or `await req.json()` and
// friends) and never past the body limit: a Content-Length over it is refused before a byte is read, and a chunked
// body is counted while it streams and abandoned the moment it goes over. Parsing follows the Content-Type.

import { BunwireError } from "../engine/index.ts";

/** bunwire's default body limit: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

const EMPTY = new Uint8Array(0);
const decoder = new TextDecoder();

/** A body limit from user options: a non-negative number of bytes (Infinity allowed), else INVALID_OPTION. */
export function checkBodyLimit(value: unknown, where: string): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new BunwireError("INVALID_OPTION", `${where}: bodyLimit must be a number of bytes >= 0, got ${String(value)}`);
  }
  return value;
}

function tooLarge(limit: number): BunwireError {
  return new BunwireError("PAYLOAD_TOO_LARGE", `request body is larger than the limit of ${limit} bytes`, { status: 413 });
}

/** The body's bytes, at most `limit` of them; PAYLOAD_TOO_LARGE (413) past it. */
export async function readBytes(raw: Request, limit: number): Promise<Uint8Array> {
  const declared = raw.headers.get("content-length");
  if (declared !== null) {
    const length = Number(declared);
    if (length > limit) throw tooLarge(limit);
    // HTTP framing stops a body at its Content-Length, so Bun's native read cannot go past the limit.
    if (Number.isInteger(length)) return length === 0 ? EMPTY : raw.bytes();
  }
  const stream = raw.body;
  if (stream === null) return EMPTY;
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export function parseJson(bytes: Uint8Array): unknown {
  const text = decoder.decode(bytes);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BunwireError("INVALID_BODY", `request body is not valid JSON: ${(error as Error).message}`, { status: 400 });
  }
}

/** Multipart or urlencoded bytes as Bun's own FormData (files as `File`); INVALID_BODY (400) when malformed. */
export async function parseFormData(bytes: Uint8Array, contentType: string): Promise<FormData> {
  try {
    return await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": contentType } }).formData();
  } catch (error) {
    throw new BunwireError("INVALID_BODY", `request body is not valid form data: ${(error as Error).message}`, { status: 400 });
  }
}

/**
 * Name/value pairs as an object; a repeated name becomes an array, as repeated query keys do. The object has no
 * prototype, so a field named `__proto__` is just a field.
 */
export function collectFields<Value>(entries: Iterable<[string, Value]>): Record<string, Value | Value[]> {
  const fields: Record<string, Value | Value[]> = Object.create(null) as Record<string, Value | Value[]>;
  for (const [key, value] of entries) {
    const existing = fields[key];
    if (existing === undefined) fields[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else fields[key] = [existing, value];
  }
  return fields;
}

/** What `req.body` becomes for these bytes: JSON, form fields (urlencoded or multipart), text, or undefined. */
export async function parseBody(bytes: Uint8Array, contentType: string): Promise<unknown> {
  const type = contentType.toLowerCase();
  if (type.startsWith("application/x-www-form-urlencoded")) return collectFields(new URLSearchParams(decoder.decode(bytes)));
  if (type.startsWith("multipart/form-data")) return collectFields(await parseFormData(bytes, contentType));
  if (type.includes("json")) return bytes.byteLength === 0 ? undefined : parseJson(bytes);
  if (type.startsWith("text/")) return decoder.decode(bytes);
  return undefined;
}
