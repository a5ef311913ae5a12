// The MessagePack codec for `connect(url, { codec: msgpack })`. A separate module so a bundle that never
// imports it carries no msgpackr.

import { decodeMsgpack, encodeMsgpack, MSGPACK_SUBPROTOCOL } from "../protocol/msgpack.ts";
import type { ClientCodec } from "./options.ts";

export const msgpack: ClientCodec = {
  subprotocol: MSGPACK_SUBPROTOCOL,
  encode: encodeMsgpack,
  decode: decodeMsgpack,
};
