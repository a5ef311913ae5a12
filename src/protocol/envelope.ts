// The wire envelope (docs/PROTOCOL.md) as small pure functions: parse and check an inbound frame,
// serialise events, acks and errors. Shared by every front door (gateways reuse them) and free of server imports.
// Serialisers build strings by concatenation: no wrapper object per message on the hot path.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import { ProtocolError, type WireIssue } from "./errors.ts";

/** A checked inbound envelope. It is the parsed object itself, never merged into anything. */
export interface Envelope {
  event: string;
  data?: unknown;
  id?: number;
  /** The request's idempotency key (checked only by handlers that keep keys). */
  key?: unknown;
  /** A numbered key: `<client>:<k>`, the client named by this connection's latest string key (docs/PROTOCOL.md). */
  k?: unknown;
  /** `"id"` beside a string key `<client>:<n>`: this connection's later requests are keyed `<client>:<id>`. */
  keys?: unknown;
}

/** The error object on the wire. */
export interface WireError {
  code: string;
  message: string;
  issues?: WireIssue[];
}

/** The ack of `$join`. */
export interface JoinResult {
  /**
   * false when the history cannot cover the gap since the client's offset (trimmed by length or age, from another
   * history, or the history is down): nothing was replayed, the client resumes from `offset`/`seq` and the app
   * must resync from its own source of truth.
   */
  recovered: boolean;
  /** How many missed events were replayed before this ack. */
  missed: number;
  /** Where the client resumes (the topic's latest position) after a first join or a failed recovery. */
  offset?: string;
  /** The sequence number that goes with `offset`: the next event on the topic carries `seq + 1`. */
  seq?: number;
}

/** A frame that is no valid envelope, with what could still be read from it, so the error reply can carry them. */
export class Rejected {
  constructor(
    readonly error: ProtocolError,
    /** The frame's request id, when it has a valid one. */
    readonly id: number | undefined,
    /** The frame's event name, when it has one. */
    readonly event: string | undefined,
  ) {}
}

/** The request id of a decoded frame that failed the envelope check, when it has a valid one. */
export function idOf(value: unknown): number | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === "number" && Number.isSafeInteger(id) ? id : undefined;
}

/** The event name of a decoded frame that failed the envelope check, when it has one. */
export function eventOf(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const event = (value as { event?: unknown }).event;
  return typeof event === "string" && event.length > 0 ? event : undefined;
}

/** Checks the shape of a decoded frame. Returns the same object typed, or a ProtocolError (returned, not thrown). */
export function checkEnvelope(value: unknown): Envelope | ProtocolError {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return new ProtocolError("INVALID_ENVELOPE", "expected an object { event, data?, id? }");
  }
  const envelope = value as { event?: unknown; id?: unknown };
  if (typeof envelope.event !== "string" || envelope.event.length === 0) {
    return new ProtocolError("INVALID_ENVELOPE", "envelope.event must be a non-empty string");
  }
  if (envelope.id !== undefined && (typeof envelope.id !== "number" || !Number.isSafeInteger(envelope.id))) {
    return new ProtocolError("INVALID_ENVELOPE", "envelope.id must be an integer when present");
  }
  return value as Envelope;
}

/**
 * Parses one JSON text frame into an envelope. JSON.parse keeps `__proto__` as an own property and never
 * touches prototypes; handlers only ever see the schema's output, nothing is merged.
 */
export function parseEnvelope(text: string): Envelope | ProtocolError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return new ProtocolError("INVALID_JSON", `invalid JSON: ${(error as Error).message}`);
  }
  return checkEnvelope(value);
}

/** Checks a decoded frame; a failure keeps the id and event it could still read. */
export function readEnvelope(value: unknown): Envelope | Rejected {
  const checked = checkEnvelope(value);
  if (!(checked instanceof ProtocolError)) return checked;
  return new Rejected(checked, idOf(value), eventOf(value));
}

/** Adds topic, offset and sequence number to a serialised event (from `serializeEvent`) kept by a topic history. */
export function withPosition(serializedEvent: string, topic: string, offset: string, seq: number): string {
  return serializedEvent.slice(0, -1) + ',"topic":' + JSON.stringify(topic) + ',"offset":' + JSON.stringify(offset) + ',"seq":' + seq + "}";
}

/**
 * Adds topic and `after` to a serialised event its topic's history could not record: published after the event
 * numbered `after` (the latest position the publishing instance knew), with no position of its own.
 */
export function withStamp(serializedEvent: string, topic: string, after: number): string {
  return serializedEvent.slice(0, -1) + ',"topic":' + JSON.stringify(topic) + ',"after":' + after + "}";
}

// `undefined` has no JSON form: it becomes null so the frame stays valid JSON. Numbers and booleans (common acks)
// skip JSON.stringify, which costs more than String for them; NaN and Infinity are null in JSON.
function json(value: unknown): string {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = JSON.stringify(value);
  return text === undefined ? "null" : text;
}

/** `{"event":...,"data":...}` */
export function serializeEvent(event: string, data: unknown): string {
  return '{"event":' + JSON.stringify(event) + ',"data":' + json(data) + "}";
}

/** `{"id":7,"ack":...}`; throws if the value cannot be serialised (BigInt, cycles). */
export function serializeAck(id: number, value: unknown): string {
  return '{"id":' + id + ',"ack":' + json(value) + "}";
}

/**
 * The error reply: `{"id":7,"error":{...}}` for a request, `{"event":"$error","error":{...,"event":"say"}}`
 * otherwise (the failed event named when known).
 */
export function serializeError(id: number | undefined, error: WireError, event?: string): string {
  return JSON.stringify(errorEnvelope(id, error, event));
}

/** The error reply as an object, for binary codecs. */
export function errorEnvelope(id: number | undefined, error: WireError, event?: string): object {
  const wire: WireError & { event?: string } = { code: error.code, message: error.message };
  if (error.issues !== undefined) wire.issues = error.issues;
  if (event !== undefined && id === undefined) wire.event = event;
  return id === undefined ? { event: "$error", error: wire } : { id, error: wire };
}

/** Standard Schema issues reduced to what survives JSON: message and a path of keys. */
export function toWireIssues(issues: ReadonlyArray<StandardSchemaV1.Issue>): WireIssue[] {
  const out: WireIssue[] = [];
  for (const issue of issues) {
    const wire: WireIssue = { message: String(issue.message) };
    if (issue.path !== undefined && issue.path.length > 0) {
      wire.path = issue.path.map((segment) => {
        const key = typeof segment === "object" && segment !== null ? segment.key : segment;
        return typeof key === "number" ? key : String(key);
      });
    }
    out.push(wire);
  }
  return out;
}
