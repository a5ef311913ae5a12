// Reads `req.body` before the handlers run, by Content-Type: JSON, urlencoded fields, or text. It reads a clone,
// so a mounted fetch-style route can still read the original body itself.

import { BunwireError } from "../engine/index.ts";

export async function readBody(raw: Request): Promise<unknown> {
  if (raw.body === null || raw.method === "GET" || raw.method === "HEAD") return undefined;
  const type = (raw.headers.get("content-type") ?? "").toLowerCase();
  if (type.includes("json")) {
    const text = await raw.clone().text();
    if (text === "") return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new BunwireError("INVALID_BODY", `request body is not valid JSON: ${(error as Error).message}`, { status: 400 });
    }
  }
  if (type.startsWith("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(await raw.clone().text()));
  if (type.startsWith("text/")) return raw.clone().text();
  return undefined;
}
