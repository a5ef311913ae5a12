// The topic of one concrete file-route path. Segments are joined by "-" (`/ws/room/42` → "ws-room-42"), and each
// segment has `%`, `-` and `/` percent-escaped first, so the join can be read back and two different paths never
// share a topic: `/ws/chat-admin` → "ws-chat%2Dadmin" next to `/ws/chat/admin` → "ws-chat-admin", `[id]` = "a-b"
// → "a%2Db" next to `a%2Fb` → "a%2Fb". Plain segments stay as they are. The first segment is always "ws" or
// "sockets", so a file-route topic never starts with "$" (bunwire's own topics).

import type { Params } from "../engine/index.ts";
import type { Segment } from "./scan.ts";

/** One decoded path segment as a topic part. */
export function escapeSegment(segment: string): string {
  if (!/[%/-]/.test(segment)) return segment;
  return segment.replaceAll("%", "%25").replaceAll("-", "%2D").replaceAll("/", "%2F");
}

/**
 * The raw segments a catch-all matched: the shortest tail of `pathname` that decodes to `rest`. The engine decodes
 * a catch-all as one string, so `a%2Fb` (one segment) and `a/b` (two) look alike there; the raw path tells them apart.
 */
function restSegments(pathname: string, rest: string): string[] {
  const path = pathname.length > 1 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
  const wanted = rest.endsWith("/") ? rest.slice(0, -1) : rest;
  for (let at = path.lastIndexOf("/"); at !== -1; at = path.lastIndexOf("/", at - 1)) {
    const raw = path.slice(at + 1);
    const decoded = raw.includes("%") ? decodeURIComponent(raw) : raw;
    if (decoded === wanted) return raw.split("/").map((part) => (part.includes("%") ? decodeURIComponent(part) : part));
    if (decoded.length > wanted.length || at === 0) break;
  }
  return wanted.split("/");
}

/** The topic of `pathname` on the route made of `segments`, whose params the engine matched (catch-all as "*"). */
export function topicOf(segments: readonly Segment[], params: Params, pathname: string): string {
  const parts: string[] = [];
  for (const segment of segments) {
    if (segment.kind === "literal") parts.push(escapeSegment(segment.text));
    else if (segment.kind === "param") parts.push(escapeSegment(params[segment.name] ?? ""));
    else {
      const rest = params["*"];
      if (rest !== undefined && rest !== "") for (const part of restSegments(pathname, rest)) parts.push(escapeSegment(part));
    }
  }
  return parts.join("-");
}
