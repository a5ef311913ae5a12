// The WebSocket subprotocol names of the typed protocol: one per codec, with the wire version in the name so a
// later wire can be told apart at the handshake. The unversioned names of the first wire are still accepted
// (older clients offer them) and mean the same envelopes. No imports: the client core uses these without msgpackr.

export const JSON_SUBPROTOCOL = "bunwire.v1.json";
export const MSGPACK_SUBPROTOCOL = "bunwire.v1.msgpack";
/** The first wire's names, from clients that predate the versioned ones. */
export const LEGACY_JSON_SUBPROTOCOL = "bunwire.json";
export const LEGACY_MSGPACK_SUBPROTOCOL = "bunwire.msgpack";

const WITH_MSGPACK: readonly string[] = Object.freeze([MSGPACK_SUBPROTOCOL, JSON_SUBPROTOCOL, LEGACY_MSGPACK_SUBPROTOCOL, LEGACY_JSON_SUBPROTOCOL]);
const JSON_ONLY: readonly string[] = Object.freeze([JSON_SUBPROTOCOL, LEGACY_JSON_SUBPROTOCOL]);

/**
 * What a route serving the protocol answers at the handshake, in the server's preference: MessagePack first when it
 * is accepted (a client that offers it has the codec), then JSON, versioned names before the legacy ones.
 */
export function serverSubprotocols(msgpack: boolean): readonly string[] {
  return msgpack ? WITH_MSGPACK : JSON_ONLY;
}

/** True for a negotiated name that means MessagePack frames. */
export function isMsgpackSubprotocol(name: string): boolean {
  return name === MSGPACK_SUBPROTOCOL || name === LEGACY_MSGPACK_SUBPROTOCOL;
}

/**
 * For a raw `Bun.serve` (bunwire's front doors negotiate by themselves): the subprotocol `handlers` answer to this
 * handshake, to pass as `server.upgrade(req, { headers: { "Sec-WebSocket-Protocol": chosen } })`. Undefined when the
 * client offers none; null when it offers only codecs these handlers refuse (answer 400: a browser rejects a 101
 * that lacks the subprotocol it asked for).
 */
export function chooseSubprotocol(req: Request, handlers: { readonly subprotocols: readonly string[] }): string | undefined | null {
  const offered = req.headers.get("sec-websocket-protocol");
  if (offered === null) return undefined;
  const offers = offered.split(",").map((name) => name.trim());
  return handlers.subprotocols.find((name) => offers.includes(name)) ?? null;
}
