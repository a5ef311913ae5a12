// The React-free half of `useSocket`: owns one client per mount, forwards state changes, and keeps calls made
// before the client exists (first render, before effects run) until it does. Listeners and request handlers stand:
// they are registered on every client it opens (a new url), before that client can receive anything, so an event
// the server sends the moment a socket opens is not missed. Testable without a renderer.

import type { Client, ClientState, EventMeta } from "../client/index.ts";
import type { AnyProtocol } from "../protocol/define.ts";
import type { Socket } from "./socket.ts";

type Early<P extends AnyProtocol> = (client: Client<P>) => void;

export class SocketBinding<P extends AnyProtocol> {
  client: Client<P> | undefined;
  private early: Early<P>[] = [];
  /** Registrations kept for every client this binding opens, each with how to undo it on the current one. */
  private readonly standing = new Map<(client: Client<P>) => () => void, (() => void) | undefined>();
  private readonly methods: Omit<Socket<P>, "state" | "client">;

  constructor(private readonly open: (url: string) => Client<P>) {
    // Stable function identities across renders, so they can sit in dependency arrays.
    this.methods = {
      emit: (event, data) => this.with((client) => client.emit(event, data)),
      request: (event, data, options) => this.defer((client) => client.request(event, data, options)),
      join: (topic) => this.defer((client) => client.join(topic)),
      leave: (topic) => this.defer((client) => client.leave(topic)),
      on: (event: string, listener: (data: never, meta: EventMeta) => void) => this.attach((client) => client.on(event as never, listener as never)),
      onRequest: (event: string, handler: (data: never) => unknown) => this.attach((client) => client.onRequest(event as never, handler as never)),
    } as Omit<Socket<P>, "state" | "client">;
  }

  /** Opens the client for `url`; returns the cleanup that closes it. */
  start(url: string, onState: (state: ClientState) => void): () => void {
    const client = this.open(url);
    this.client = client;
    for (const register of this.standing.keys()) this.standing.set(register, register(client));
    const off = client.onState(onState);
    onState(client.state);
    for (const call of this.early.splice(0)) call(client);
    return () => {
      off();
      for (const [register, undo] of this.standing) {
        undo?.();
        this.standing.set(register, undefined);
      }
      client.close();
      if (this.client === client) this.client = undefined;
    };
  }

  view(state: ClientState): Socket<P> {
    return { state, client: this.client, ...this.methods };
  }

  /** Registers on the current client and on every later one; the returned function undoes it. */
  private attach(register: (client: Client<P>) => () => void): () => void {
    this.standing.set(register, this.client === undefined ? undefined : register(this.client));
    return () => {
      this.standing.get(register)?.();
      this.standing.delete(register);
    };
  }

  private with(call: Early<P>): void {
    if (this.client !== undefined) call(this.client);
    else this.early.push(call);
  }

  private defer<T>(call: (client: Client<P>) => Promise<T>): Promise<T> {
    if (this.client !== undefined) return call(this.client);
    return new Promise<T>((resolve, reject) => this.early.push((client) => call(client).then(resolve, reject)));
  }
}

