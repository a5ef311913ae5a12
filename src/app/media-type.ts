// Content types from Express-style shorthands (`res.type("json")`, `res.type(".png")`), looked up by Bun's own
// extension table (the one `Bun.file(path).type` uses) rather than a copy of the mime database.

/** A full media type for `type`: anything with a "/" as is, else the type of a file with that extension. */
export function mediaType(type: string): string {
  if (type.includes("/")) return type;
  const extension = type.startsWith(".") ? type.slice(1) : type;
  // Unknown extensions come back as application/octet-stream, as Express's lookup falls back to.
  return Bun.file(`file.${extension}`).type;
}
