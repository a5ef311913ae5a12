// bunwire/client/msgpack: the MessagePack codec for `connect(url, { codec: msgpack })`. Its own entry point so
// the client bundle stays small (about 8 KB) unless an app asks for MessagePack (msgpackr adds about 33 KB).

import { decodeMsgpack, encodeMsgpack, MSGPACK_SUBPROTOCOL } from "../../protocol/msgpack.ts";
import type { ClientCodec } from "../options.ts";

export const msgpack: ClientCodec = {
  subprotocol: MSGPACK_SUBPROTOCOL,
  encode: encodeMsgpack,
  decode: decodeMsgpack,
};
