// Subprotocol negotiation for handlers that declare `subprotocols`: the first one in the server's preference
// order that the client offers goes on the 101. An explicit Sec-WebSocket-Protocol header from the decision wins.

import { BunwireError } from "./errors.ts";
import type { HeadersLike } from "./socket-route.ts";

function hasProtocolHeader(headers: HeadersLike | undefined): boolean {
  if (headers === undefined) return false;
  if (headers instanceof Headers) return headers.has("sec-websocket-protocol");
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  return entries.some(([name]) => name?.toLowerCase() === "sec-websocket-protocol");
}

/**
 * The 101's headers with the chosen subprotocol, the same headers when there is nothing to add (the client offers
 * none, or the decision chose), or UNSUPPORTED_SUBPROTOCOL (400) when the client offers only others.
 */
export function negotiate(req: Request, supported: readonly string[], headers: HeadersLike | undefined): HeadersLike | undefined | BunwireError {
  const offered = req.headers.get("sec-websocket-protocol");
  if (offered === null || hasProtocolHeader(headers)) return headers;
  const offers = offered.split(",").map((name) => name.trim());
  const chosen = supported.find((name) => offers.includes(name));
  if (chosen === undefined) {
    // Only how many: browsers carry tokens as subprotocols (`access_token, <jwt>`), and this message is logged.
    return new BunwireError("UNSUPPORTED_SUBPROTOCOL", `the client offered ${offers.length} subprotocol${offers.length === 1 ? "" : "s"}, none of them spoken here; this route speaks ${supported.join(", ") || "none"}`, { status: 400 });
  }
  const merged = new Headers(headers);
  merged.set("Sec-WebSocket-Protocol", chosen);
  return merged;
}
