// The NATS driver of the bus: one subject per topic (subscribed only while this instance has local
// subscribers), one per instance and one for the whole cluster. The outage policy, connection state, counters,
// membership and cluster requests are the shared core in src/bus/, exactly as for Redis.

import { BUS_OPTION_KEYS, type BusOptions } from "../bus/options.ts";
import { optionKeys, unknownOption } from "../engine/option-names.ts";
import { TransportBus } from "../bus/transport-bus.ts";
import { NatsBusError } from "./errors.ts";
import { NatsTransport } from "./transport.ts";

export interface NatsBusOptions extends BusOptions {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`. */
  servers: string | string[];
  /** Subject prefix (default `"bunwire."`). */
  prefix?: string;
  /** Wait after reconnecting before resending the buffer, so other instances can re-subscribe (default 1.5 x reconnectTimeWaitMs). */
  flushDelayMs?: number;
  /** Delay between reconnect attempts (default 1000 ms, with jitter); attempts never stop. */
  reconnectTimeWaitMs?: number;
  /** Former name of `requestTimeoutMs` (how long `clusterSubscriberCount` waits). */
  countTimeoutMs?: number;
}

function invalid(message: string): NatsBusError {
  return new NatsBusError("NATS_BUS_OPTIONS", `natsBus ${message}`);
}

const NATS_KEYS = [...BUS_OPTION_KEYS, ...optionKeys<Omit<NatsBusOptions, keyof BusOptions>>({ servers: true, prefix: true, flushDelayMs: true, reconnectTimeWaitMs: true, countTimeoutMs: true })];

function transportOf(options: NatsBusOptions): NatsTransport {
  if (typeof options !== "object" || options === null) throw invalid("needs options: { servers }");
  const unknown = unknownOption(options, NATS_KEYS);
  if (unknown !== undefined) throw invalid(`got an ${unknown}`);
  const servers = Array.isArray(options.servers) ? options.servers : [options.servers];
  if (servers.length === 0 || servers.some((s) => typeof s !== "string" || s.length === 0)) {
    throw invalid("needs `servers`: a NATS URL or a non-empty list of them");
  }
  const prefix = options.prefix ?? "bunwire.";
  if (typeof prefix !== "string" || /[\s*>]/.test(prefix)) throw invalid("`prefix` must be a string without spaces or the wildcards * and >");
  const wait = options.reconnectTimeWaitMs ?? 1000;
  if (!(wait > 0 && wait < 2 ** 31)) throw invalid(`reconnectTimeWaitMs must be a number of ms > 0, got ${wait}`);
  return new NatsTransport(servers, prefix, wait);
}

export class NatsBus extends TransportBus {
  readonly #transport: NatsTransport;

  constructor(options: NatsBusOptions) {
    const transport = transportOf(options);
    const flushDelayMs = options.flushDelayMs ?? 1.5 * (options.reconnectTimeWaitMs ?? 1000);
    super(transport, { ...options, flushDelayMs, requestTimeoutMs: options.requestTimeoutMs ?? options.countTimeoutMs }, invalid);
    this.#transport = transport;
  }

  /** Resolves once connected, with subscriptions and publishes made so far on the NATS server. */
  override async ready(): Promise<void> {
    await super.ready();
    await this.#transport.flush();
  }
}

/** A Bus over NATS core pub/sub. */
export function natsBus(options: NatsBusOptions): NatsBus {
  return new NatsBus(options);
}
