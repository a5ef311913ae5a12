// bunwire/react: `useSocket(url, protocol)` opens one reconnecting client per mounted component (closed on
// unmount) and exposes its state and typed emit/request/join; `useSocketEvent` listens with automatic cleanup.
// React is an optional peer dependency: only this entry point imports it.

import type { JoinResult } from "../protocol/envelope.ts";
import { useEffect, useRef, useState } from "react";
import { connect, type Client, type ClientOptions, type ClientState, type EventMeta } from "../client/index.ts";
import type { AckOf, AnyProtocol, ClientEvents, ClientPayload, ServerEvents, ServerPayload } from "../protocol/define.ts";
import { SocketBinding } from "./binding.ts";

export interface Socket<P extends AnyProtocol> {
  /** "connecting" | "open" | "reconnecting" | "closed"; re-renders on change. */
  state: ClientState;
  /** The underlying client, once the component has mounted. */
  client: Client<P> | undefined;
  emit<E extends ClientEvents<P>>(event: E, data: ClientPayload<P, E>): void;
  request<E extends ClientEvents<P>>(event: E, data: ClientPayload<P, E>, options?: { timeout?: number }): Promise<AckOf<P, E>>;
  join(topic: string): Promise<JoinResult>;
  leave(topic: string): Promise<void>;
  /** Listens to a server event; returns the function that stops listening. Prefer `useSocketEvent` in components. */
  on<E extends ServerEvents<P>>(event: E, listener: (data: ServerPayload<P, E>, meta: EventMeta) => void): () => void;
}

/**
 * `const chat = useSocket("/chat", chatProtocol)`: the protocol argument gives the types (and nothing else).
 * The connection opens on mount, follows `url` when it changes, and closes on unmount.
 */
export function useSocket<P extends AnyProtocol>(url: string, _protocol?: P, options?: ClientOptions): Socket<P> {
  const binding = useRef<SocketBinding<P> | null>(null);
  binding.current ??= new SocketBinding<P>((target) => connect<P>(target, options));
  const [state, setState] = useState<ClientState>("connecting");

  useEffect(() => {
    const current = binding.current!;
    const stop = current.start(url, setState);
    return stop;
  }, [url]);

  return binding.current.view(state);
}

/** Calls `listener` for each `event` while the component is mounted; the latest listener is always used. */
export function useSocketEvent<P extends AnyProtocol, E extends ServerEvents<P>>(
  socket: Socket<P>,
  event: E,
  listener: (data: ServerPayload<P, E>, meta: EventMeta) => void,
): void {
  const latest = useRef(listener);
  latest.current = listener;
  const client = socket.client;
  useEffect(() => {
    if (client === undefined) return;
    return client.on(event, (data, meta) => latest.current(data, meta));
  }, [client, event]);
}
