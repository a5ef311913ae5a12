// bunwire/nats: scale a bunwire app over several instances with NATS (see docs/SCALING.md).
export { natsBus, NatsBus } from "./bus.ts";
export type { NatsBusOptions } from "./bus.ts";
export { NatsBusError } from "./errors.ts";
