// bunwire/react: `useSocket(url, protocol)` opens one reconnecting client per mounted component (closed on
// unmount) and exposes its state and typed emit/request/join; `useSocketEvent` listens with automatic cleanup.
// React is an optional peer dependency: only this entry point imports it.

import { useEffect, useRef, useState } from "react";
import { connect, type ClientOptions, type ClientState, type EventMeta } from "../client/index.ts";
import type { AnyProtocol, ReplyInput, ServerEvents, ServerPayload, ServerRequests } from "../protocol/define.ts";
import { SocketBinding } from "./binding.ts";
import type { Socket } from "./socket.ts";

export type { Socket } from "./socket.ts";

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
  // Through the binding, which registers it on the client before that client opens (and on the next one when the
  // url changes): an event sent the moment the socket opens is not missed.
  const on = socket.on;
  useEffect(() => on(event, (data, meta) => latest.current(data, meta)), [on, event]);
}

/**
 * Answers the server's requests for `event` while the component is mounted (the latest handler is always used):
 * `useSocketRequest(socket, "confirm", ({ amount }) => ({ ok: window.confirm(`Pay ${amount}?`) }))`.
 */
export function useSocketRequest<P extends AnyProtocol, E extends ServerRequests<P>>(
  socket: Socket<P>,
  event: E,
  handler: (data: ServerPayload<P, E>) => ReplyInput<P, E> | Promise<ReplyInput<P, E>>,
): void {
  const latest = useRef(handler);
  latest.current = handler;
  const onRequest = socket.onRequest;
  useEffect(() => onRequest(event, (data) => latest.current(data)), [onRequest, event]);
}
