// Answering with a file on disk, as `serveStatic` and `res.sendFile` both do: Bun.file for the body (Bun sends it
// with sendfile), a weak ETag and Last-Modified, 304 for a fresh conditional GET, one byte range (206, or 416
// when it cannot be satisfied), Cache-Control from `maxAge`, and the content type Bun infers from the extension.

import type { Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { BunwireError } from "../engine/index.ts";
import { BOOLEAN, MILLISECONDS, oneOf, STRING_RECORD, type Rule } from "../engine/option-values.ts";

/** What answering with a file reads of the request: the App's BunwireRequest, seen structurally. */
export interface FileRequest {
  readonly method: string;
  readonly raw: Request;
}

/** What answering with a file does to the response: the App's BunwireResponse, seen structurally. */
export interface FileResponse {
  set(name: string, value: string): this;
  get(name: string): string | undefined;
  status(code: number): this;
  send(body: Blob): void;
  end(): void;
}

export interface FileOptions {
  /** Cache-Control max-age in **milliseconds** (Express's unit; default 0). */
  maxAge?: number;
  /** Adds `immutable` to Cache-Control (with `maxAge`). */
  immutable?: boolean;
  /** Send a weak ETag and answer If-None-Match (default true). */
  etag?: boolean;
  /** Send Last-Modified and answer If-Modified-Since (default true). */
  lastModified?: boolean;
  /** Answer `Range: bytes=...` with 206 (default true). */
  acceptRanges?: boolean;
  /** Extra headers on every file answer. */
  headers?: Record<string, string>;
}

/** What `sendFile` and `serveStatic` accept for the options they share. */
export const FILE_RULES = {
  maxAge: MILLISECONDS,
  immutable: BOOLEAN,
  etag: BOOLEAN,
  lastModified: BOOLEAN,
  acceptRanges: BOOLEAN,
  headers: STRING_RECORD,
} as const satisfies Record<keyof FileOptions, Rule>;

export const DOTFILES = oneOf("ignore", "deny", "allow");

export function fileNotFound(path: string): BunwireError {
  return new BunwireError("FILE_NOT_FOUND", `no file at ${path}`, { status: 404 });
}

/** The file's Stats, or undefined when there is none (missing, or a path through a non-directory). */
export async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "ENAMETOOLONG") return undefined;
    throw error;
  }
}

function httpDate(value: string | null): number {
  if (value === null) return NaN;
  return Date.parse(value);
}

/** True when the client's copy is current (the `fresh` rules: If-None-Match first, then If-Modified-Since). */
function isFresh(req: FileRequest, etag: string | undefined, modifiedSeconds: number | undefined): boolean {
  const headers = req.raw.headers;
  const noneMatch = headers.get("if-none-match");
  const modifiedSince = headers.get("if-modified-since");
  if (noneMatch === null && modifiedSince === null) return false;
  if (/(?:^|,)\s*no-cache\s*(?:,|$)/.test(headers.get("cache-control") ?? "")) return false;
  if (noneMatch !== null && noneMatch !== "*") {
    if (etag === undefined) return false;
    const bare = (tag: string) => (tag.startsWith("W/") ? tag.slice(2) : tag);
    return noneMatch.split(",").some((tag) => bare(tag.trim()) === bare(etag));
  }
  if (noneMatch === "*") return true;
  const since = httpDate(modifiedSince);
  return modifiedSeconds !== undefined && !Number.isNaN(since) && modifiedSeconds * 1000 <= since;
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` as [start, end] inclusive; "unsatisfiable"; or undefined to send it all. */
export function parseRange(header: string, size: number): [number, number] | "unsatisfiable" | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges, or another unit: answering with the whole file is allowed (RFC 9110 §14.2).
  if (match === null) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  let start: number;
  let end: number;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  }
  if (start >= size || start > end) return "unsatisfiable";
  return [start, end];
}

/** If-Range names the current ETag or a date no older than the file: the range may be served. */
function rangeStillValid(req: FileRequest, etag: string | undefined, modifiedSeconds: number | undefined): boolean {
  const ifRange = req.raw.headers.get("if-range");
  if (ifRange === null) return true;
  if (ifRange.includes('"')) return etag !== undefined && ifRange.includes(etag.startsWith("W/") ? etag.slice(2) : etag);
  const date = httpDate(ifRange);
  return modifiedSeconds !== undefined && !Number.isNaN(date) && modifiedSeconds * 1000 <= date;
}

/** Answers `req` with the file at `path` (absolute, already checked), whose Stats are `stats`. */
export function answerWithFile(req: FileRequest | undefined, res: FileResponse, path: string, stats: Stats, options: FileOptions = {}): void {
  const file = Bun.file(path);
  const size = stats.size;
  const modifiedSeconds = options.lastModified === false ? undefined : Math.floor(stats.mtimeMs / 1000);
  const etag = options.etag === false ? undefined : `W/"${size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
  for (const [name, value] of Object.entries(options.headers ?? {})) res.set(name, value);
  if (options.acceptRanges !== false) res.set("Accept-Ranges", "bytes");
  if (res.get("Cache-Control") === undefined) {
    const seconds = Math.max(0, Math.floor((options.maxAge ?? 0) / 1000));
    res.set("Cache-Control", `public, max-age=${seconds}${options.immutable === true ? ", immutable" : ""}`);
  }
  if (modifiedSeconds !== undefined && res.get("Last-Modified") === undefined) res.set("Last-Modified", new Date(modifiedSeconds * 1000).toUTCString());
  if (etag !== undefined && res.get("ETag") === undefined) res.set("ETag", etag);
  const method = req?.method ?? "GET";
  if (req !== undefined && (method === "GET" || method === "HEAD") && isFresh(req, etag, modifiedSeconds)) {
    res.status(304).end();
    return;
  }
  if (res.get("Content-Type") === undefined) res.set("Content-Type", file.type);
  const range = req === undefined || options.acceptRanges === false || size === 0 ? null : req.raw.headers.get("range");
  if (range !== null && req !== undefined && rangeStillValid(req, etag, modifiedSeconds)) {
    const bytes = parseRange(range, size);
    if (bytes === "unsatisfiable") {
      res.status(416).set("Content-Range", `bytes */${size}`).end();
      return;
    }
    if (bytes !== undefined) {
      res.status(206).set("Content-Range", `bytes ${bytes[0]}-${bytes[1]}/${size}`).send(file.slice(bytes[0], bytes[1] + 1));
      return;
    }
  }
  res.send(file);
}
