// MessagePack encoding of the same envelopes (msgpackr), for connections that negotiate `bunwire.v1.msgpack`.
// Shared by server and client; plain maps (no msgpackr records) so any MessagePack decoder can read the frames.
// msgpackr renames a `__proto__` key to `__proto_` when decoding, so prototypes stay untouched here too.

import { Packr } from "msgpackr";

export { JSON_SUBPROTOCOL, LEGACY_JSON_SUBPROTOCOL, LEGACY_MSGPACK_SUBPROTOCOL, MSGPACK_SUBPROTOCOL } from "./subprotocols.ts";

const packr = new Packr({ useRecords: false, mapsAsObjects: true });

export function encodeMsgpack(value: unknown): Uint8Array {
  return packr.pack(value);
}

export function decodeMsgpack(bytes: Uint8Array): unknown {
  return packr.unpack(bytes);
}
