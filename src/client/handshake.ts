// The handshake as the client sees it: where it connects (a browser may pass "/chat"), what it offers and what
// the server's answer means. It offers its codec first It offers its codec first (when it
// has one), then JSON, versioned names before the first wire's, so a current server answers `bunwire.v1.*` and an
// older one still finds a name it knows. A server that answers none (a raw Bun.serve that negotiates nothing) or
// JSON gets JSON text frames.

import { JSON_SUBPROTOCOL, LEGACY_JSON_SUBPROTOCOL, LEGACY_MSGPACK_SUBPROTOCOL, MSGPACK_SUBPROTOCOL } from "../protocol/subprotocols.ts";
import type { ClientCodec } from "./options.ts";

export function offeredSubprotocols(codec: ClientCodec | undefined): string[] {
  if (codec === undefined) return [JSON_SUBPROTOCOL, LEGACY_JSON_SUBPROTOCOL];
  const offers = [codec.subprotocol, JSON_SUBPROTOCOL];
  if (codec.subprotocol === MSGPACK_SUBPROTOCOL) offers.push(LEGACY_MSGPACK_SUBPROTOCOL);
  offers.push(LEGACY_JSON_SUBPROTOCOL);
  return offers;
}

/** True when the server chose the codec's subprotocol (or the first wire's name for MessagePack). */
export function speaksCodec(codec: ClientCodec | undefined, chosen: string): boolean {
  if (codec === undefined || chosen === "") return false;
  return chosen === codec.subprotocol || (codec.subprotocol === MSGPACK_SUBPROTOCOL && chosen === LEGACY_MSGPACK_SUBPROTOCOL);
}

/** Browsers may pass "/chat": resolve it against the page, with ws: or wss: to match http: or https:. */
export function resolveUrl(url: string): string {
  const location = (globalThis as { location?: { href: string } }).location;
  if (!url.startsWith("/") || location === undefined) return url;
  const absolute = new URL(url, location.href);
  absolute.protocol = absolute.protocol === "https:" ? "wss:" : "ws:";
  return absolute.href;
}
