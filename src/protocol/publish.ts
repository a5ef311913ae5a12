// Server-side sending of typed events to a topic (native publish: one serialisation for all subscribers, whatever
// codec each speaks) and to every socket of the protocol. Topics with a history get a position per event.

import type { TopicHistory } from "../engine/history.ts";
import { countPublish, logAbout } from "../engine/traffic.ts";
import type { AnyProtocol } from "./define.ts";
import type { PublishTarget } from "./handle-types.ts";
import { serializeEvent, withPosition, withStamp } from "./envelope.ts";
import { latestPositions } from "./positions.ts";
import { ownState, statesAt, type HandleState } from "./state.ts";
import { ProtocolError } from "./errors.ts";

/** `$broadcast:<name>`: the same on every instance, so the bus carries it, and different for each protocol. */
export function defaultBroadcastTopic(declaration: AnyProtocol): string {
  return `$broadcast:${declaration.name}`;
}

// Topic events go out as JSON text even to MessagePack sockets (clients decode by frame type):
// one frame serves every subscriber, which is the point of native publish.
export function publishEvent(declaration: AnyProtocol, target: PublishTarget, topic: string, event: string, data: unknown): Promise<string | undefined> | undefined {
  const body = serializeEvent(event, data);
  const state = recordingState(declaration, target, topic);
  if (state === undefined) {
    target.publish(topic, body);
    countPublish(target, topic, body);
    return undefined;
  }
  return publishRecorded(state, state.history!, target, topic, body);
}

/** The state whose history records this publish; undefined to publish without one. */
function recordingState(declaration: AnyProtocol, target: PublishTarget, topic: string): HandleState | undefined {
  const own = ownState(declaration, target);
  if (own !== undefined) return own.history === undefined ? undefined : own;
  const states = statesAt(declaration, target);
  const first = states[0];
  if (first === undefined) return undefined;
  if (states.every((state) => state.history === first.history)) return first.history === undefined ? undefined : first;
  // Handlers of this protocol with different histories could each own this topic: recording in one would leave
  // the other's clients with a hole. Said once, then published live.
  if (!first.ambiguityReported) {
    first.ambiguityReported = true;
    const msg = `[bunwire] ${declaration.name}.publish(target, "${topic}"): the target serves this protocol with different histories; published without recording. Publish through a socket of the route, or give every handle() served there the same history.`;
    logAbout(target, "error", { code: "HISTORY_AMBIGUOUS", protocol: declaration.name, topic }, msg);
  }
  return undefined;
}

// TopicHistory resolves appends on one topic in call order, so publishes keep that order too.
// If the history fails (its store is down), live delivery goes on without a position: subscribers still get the
// event, only recovery loses it. It is stamped with the latest position this instance knows on the topic
// (`after`), so a client the history has since placed further on drops it instead of taking an old event for a new
// one (it arrives late from the bus's outage buffer; docs/PROTOCOL.md). The promise then resolves to undefined
// instead of rejecting, because callers often do not await a publish and an unhandled rejection would take the
// process down.
async function publishRecorded(state: HandleState, history: TopicHistory, target: PublishTarget, topic: string, body: string): Promise<string | undefined> {
  const latest = latestPositions(history);
  let offset: string;
  let seq: number;
  try {
    ({ offset, seq } = await history.append(topic, body));
  } catch (error) {
    if (!state.historyFailing) {
      state.historyFailing = true;
      logAbout(target, "error", { err: error, code: "HISTORY_APPEND_FAILED", topic }, `[bunwire] history append failed on topic "${topic}"; publishing without positions until it works again:`);
    }
    const after = latest.of(topic);
    const unrecorded = after === undefined ? body : withStamp(body, topic, after);
    target.publish(topic, unrecorded);
    countPublish(target, topic, unrecorded);
    return undefined;
  }
  state.historyFailing = false;
  latest.note(topic, seq);
  const recorded = withPosition(body, topic, offset, seq);
  target.publish(topic, recorded);
  countPublish(target, topic, recorded);
  return offset;
}

/** A broadcast that can reach no socket, because their handlers said `broadcastTopic: false`: said, not dropped. */
function broadcastOff(declaration: AnyProtocol): ProtocolError {
  return new ProtocolError("BROADCAST_OFF", `${declaration.name}.broadcast(): the handlers serving this target were given broadcastTopic: false, so their sockets join no broadcast topic; give them a topic, or publish to a topic they join`);
}

export function broadcastEvent(declaration: AnyProtocol, target: PublishTarget, event: string, data: unknown): void {
  const own = ownState(declaration, target);
  if (own !== undefined) {
    if (own.broadcastTopic === false) throw broadcastOff(declaration);
    const body = serializeEvent(event, data);
    target.publish(own.broadcastTopic, body);
    return countPublish(target, own.broadcastTopic, body);
  }
  const states = statesAt(declaration, target);
  if (states.length === 0) return void target.publish(defaultBroadcastTopic(declaration), serializeEvent(event, data));
  // Handlers given their own `broadcastTopic` are reached on it; each topic once; those without one are skipped.
  const topics = new Set<string>();
  for (const state of states) if (state.broadcastTopic !== false) topics.add(state.broadcastTopic);
  if (topics.size === 0) throw broadcastOff(declaration);
  const body = serializeEvent(event, data);
  for (const topic of topics) target.publish(topic, body);
}
