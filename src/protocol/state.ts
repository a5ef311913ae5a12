// What one `protocol.handle()` owns (its history, broadcast topic, room cap) and where `publish`/`broadcast`
// find it. Nothing is kept at module level: a socket points to the state of the handlers serving it; a Bun server
// lists the states it serves (the engine's SERVED_ON hook, or `servedOn` for a raw `Bun.serve`). Only for a target
// that says nothing (an unregistered raw server, a custom object) does the protocol's own set of states with open
// sockets answer, and only when they agree on one history.

import type { Server } from "bun";
import type { TopicHistory } from "../engine/history.ts";
import type { Sizes } from "../engine/sizes.ts";
import type { AnyProtocol } from "./define.ts";
import { serversOf } from "../engine/mount.ts";

const HANDLED_BY = Symbol("bunwire.handledBy");
const HOSTED = Symbol("bunwire.protocolStates");
const SERVING = Symbol("bunwire.serving");

export class HandleState {
  /** Sockets open on these handlers. */
  open = 0;
  /** The history failed and it was logged: stay quiet until it works again. */
  historyFailing = false;
  /** A publish could not tell this state's history from another's, and it was logged. */
  ambiguityReported = false;

  constructor(
    /** The protocol's declaration: the same key for `chat` and `serverProtocol(chat)`. */
    readonly declaration: AnyProtocol,
    readonly history: TopicHistory | undefined,
    /** false: these sockets join no broadcast topic (`broadcastTopic: false`). */
    readonly broadcastTopic: string | false,
    readonly maxRooms: number,
  ) {}
}

type Handled = { [HANDLED_BY]?: HandleState };
type Hosting = { [HOSTED]?: Map<AnyProtocol, HandleState[]> };
type Serving = { [SERVING]?: Set<HandleState> };

/** These handlers are served on `server` (from the engine's SERVED_ON hook, or `servedOn` for a raw server). */
export function hostState(state: HandleState, server: Server<unknown>): void {
  const hosted = ((server as Hosting)[HOSTED] ??= new Map());
  const states = hosted.get(state.declaration);
  if (states === undefined) hosted.set(state.declaration, [state]);
  else if (!states.includes(state)) states.push(state);
}

export function socketOpened(state: HandleState, ws: object): void {
  (ws as Handled)[HANDLED_BY] = state;
  if (state.open++ === 0) ((state.declaration as Serving)[SERVING] ??= new Set()).add(state);
}

export function socketClosed(state: HandleState): void {
  if (--state.open === 0) (state.declaration as Serving)[SERVING]?.delete(state);
}

/** Internal (churn tests): the `handle()` states of `declaration` with open sockets, and those sockets. */
export function servingSizes(declaration: AnyProtocol): Sizes {
  const serving = (declaration as Serving)[SERVING];
  let open = 0;
  for (const state of serving ?? []) open += state.open;
  return { "protocol.states": serving?.size ?? 0, "protocol.sockets": open };
}

/** The state serving `target` when it is a socket of `declaration` (the common, allocation-free case). */
export function ownState(declaration: AnyProtocol, target: object): HandleState | undefined {
  const own = (target as Handled)[HANDLED_BY];
  return own !== undefined && own.declaration === declaration ? own : undefined;
}

/**
 * The states serving `declaration` where `target` (not one of its sockets) publishes: those a bunwire server (or a
 * front door's `server`) hosts; else, for a raw server or a custom target, those serving sockets right now.
 */
export function statesAt(declaration: AnyProtocol, target: object): readonly HandleState[] {
  const own = (target as Hosting)[HOSTED];
  if (own !== undefined) return own.get(declaration) ?? [];
  // A front door: the servers its routes run on, its own or (mounted) the App's; none yet when not serving.
  const servers = serversOf(target);
  if (servers !== undefined) {
    if (servers.length === 1) return (servers[0] as Hosting)[HOSTED]?.get(declaration) ?? [];
    const states = new Set<HandleState>();
    for (const server of servers) for (const state of (server as Hosting)[HOSTED]?.get(declaration) ?? []) states.add(state);
    return [...states];
  }
  const serving = (declaration as Serving)[SERVING];
  return serving === undefined ? [] : [...serving];
}
