// The typed view of one connection that `useSocket` returns (its own module, so the binding and the hook both
// import it without importing each other).

import type { Client, ClientState, EventMeta, RequestOptions } from "../client/index.ts";
import type { AckOf, AnyProtocol, ClientEvents, ClientPayload, ReplyInput, ServerEvents, ServerPayload, ServerRequests } from "../protocol/define.ts";
import type { JoinResult } from "../protocol/envelope.ts";

export interface Socket<P extends AnyProtocol> {
  /** "connecting" | "open" | "reconnecting" | "closed"; re-renders on change. */
  state: ClientState;
  /** The underlying client, once the component has mounted. */
  client: Client<P> | undefined;
  emit<E extends ClientEvents<P>>(event: E, data: ClientPayload<P, E>): void;
  request<E extends ClientEvents<P>>(event: E, data: ClientPayload<P, E>, options?: RequestOptions): Promise<AckOf<P, E>>;
  join(topic: string): Promise<JoinResult>;
  leave(topic: string): Promise<void>;
  /** Listens to a server event; returns the function that stops listening. Prefer `useSocketEvent` in components. */
  on<E extends ServerEvents<P>>(event: E, listener: (data: ServerPayload<P, E>, meta: EventMeta) => void): () => void;
  /** Answers the server's requests for `event`; returns the function that stops. Prefer `useSocketRequest` in components. */
  onRequest<E extends ServerRequests<P>>(event: E, handler: (data: ServerPayload<P, E>) => ReplyInput<P, E> | Promise<ReplyInput<P, E>>): () => void;
}
