// Server-side sending of typed events: to one socket, to a topic (native publish: one serialisation for all
// subscribers, whatever codec each speaks), to everyone. Topics with a history get an offset per event.

import type { TopicHistory } from "../engine/history.ts";
import type { AnyProtocol, PublishTarget } from "./define.ts";
import { serializeEvent, withOffset } from "./envelope.ts";

/** What `handle()` configured for a protocol, read by `publish`/`broadcast`. */
export interface ProtocolState {
  history: TopicHistory | undefined;
  broadcastTopic: string;
}

const states = new WeakMap<AnyProtocol, ProtocolState>();

export const DEFAULT_BROADCAST_TOPIC = "$all";

/**
 * Records a protocol's server configuration for `publish`/`broadcast`, which are called on the protocol, not on
 * a route. The last `handle()` sets it (a restarted server, or a test, brings its own); a protocol served on
 * several routes should get the same options on each.
 */
export function configureProtocol(protocol: AnyProtocol, history: TopicHistory | undefined, broadcastTopic: string): ProtocolState {
  const existing = states.get(protocol);
  if (existing !== undefined) {
    existing.history = history;
    existing.broadcastTopic = broadcastTopic;
    return existing;
  }
  const state: ProtocolState = { history, broadcastTopic };
  states.set(protocol, state);
  return state;
}

// Topic events go out as JSON text even to MessagePack sockets (clients decode by frame type):
// one frame serves every subscriber, which is the point of native publish.
export function publishEvent(protocol: AnyProtocol, target: PublishTarget, topic: string, event: string, data: unknown): Promise<string | undefined> | undefined {
  const body = serializeEvent(event, data);
  const history = states.get(protocol)?.history;
  if (history === undefined) {
    target.publish(topic, body);
    return undefined;
  }
  return publishRecorded(history, target, topic, body);
}

// TopicHistory resolves appends on one topic in call order, so publishes keep that order too.
// If the history fails (its store is down), live delivery goes on without an offset: subscribers still get the
// event, only recovery loses it. The promise then resolves to undefined instead of rejecting, because callers
// often do not await a publish and an unhandled rejection would take the process down.
async function publishRecorded(history: TopicHistory, target: PublishTarget, topic: string, body: string): Promise<string | undefined> {
  let offset: string;
  try {
    offset = await history.append(topic, body);
  } catch (error) {
    console.error(`[bunwire] history append failed on topic "${topic}"; published without an offset:`, error);
    target.publish(topic, body);
    return undefined;
  }
  target.publish(topic, withOffset(body, topic, offset));
  return offset;
}

export function broadcastEvent(protocol: AnyProtocol, target: PublishTarget, event: string, data: unknown): void {
  target.publish(states.get(protocol)?.broadcastTopic ?? DEFAULT_BROADCAST_TOPIC, serializeEvent(event, data));
}
