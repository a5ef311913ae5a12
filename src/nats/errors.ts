// Named errors of bunwire/nats, with stable codes (thrown at construction, never from the publish path).

import { BunwireError } from "../engine/errors.ts";

export class NatsBusError extends BunwireError {
  override name = "NatsBusError";
  declare readonly code: "NATS_BUS_OPTIONS";
  constructor(code: "NATS_BUS_OPTIONS", message: string) {
    super(code, message);
  }
}
