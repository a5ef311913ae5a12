// Named errors of bunwire/nats, with stable codes (thrown at construction, never from the publish path).

export class NatsBusError extends Error {
  override readonly name = "NatsBusError";
  constructor(readonly code: "NATS_BUS_OPTIONS", message: string) {
    super(message);
  }
}
