// The React-free half of `useSocket`: owns one client per mount, forwards state changes, and keeps calls made
// before the client exists (first render, before effects run) until it does. Listeners and request handlers stand:
// they are registered on every client it opens (a new url), before that client can receive anything, so an event
// the server sends the moment a socket opens is not missed. Testable without a renderer.

import type { Client, ClientState, EventMeta } from "../client/index.ts";
import type { AnyProtocol } from "../protocol/define.ts";
import type { JoinResult } from "../protocol/envelope.ts";
import type { Socket } from "./socket.ts";

type Early<P extends AnyProtocol> = (client: Client<P>) => void;

export class SocketBinding<P extends AnyProtocol> {
  client: Client<P> | undefined;
  private early: Early<P>[] = [];
  /**
   * Rooms joined through the binding, with the calls still waiting for their ack. Like listeners they stand: the
   * next client (a new url, StrictMode's second mount) joins them too, and a join its closed client never acked
   * waits for that one instead of rejecting.
   */
  private readonly rooms = new Map<string, Array<{ resolve: (result: JoinResult) => void; reject: (error: unknown) => void }>>();
  /** Registrations kept for every client this binding opens, each with how to undo it on the current one. */
  private readonly standing = new Map<(client: Client<P>) => () => void, (() => void) | undefined>();
  private readonly methods: Omit<Socket<P>, "state" | "client">;

  constructor(private readonly open: (url: string) => Client<P>) {
    // Stable function identities across renders, so they can sit in dependency arrays.
    this.methods = {
      emit: (event, data) => this.with((client) => client.emit(event, data)),
      request: (event, data, options) => this.defer((client) => client.request(event, data, options)),
      join: (topic) => this.join(topic),
      leave: (topic) => {
        for (const waiter of this.rooms.get(topic)?.splice(0) ?? []) waiter.reject(new Error(`left ${topic} before it was joined`));
        this.rooms.delete(topic);
        return this.defer((client) => client.leave(topic));
      },
      on: (event: string, listener: (data: never, meta: EventMeta) => void) => this.attach((client) => client.on(event as never, listener as never)),
      onRequest: (event: string, handler: (data: never) => unknown) => this.attach((client) => client.onRequest(event as never, handler as never)),
    } as Omit<Socket<P>, "state" | "client">;
  }

  /**
   * Opens the client for `url` on the next task; returns the cleanup that closes it. The wait lets React's
   * StrictMode unmount its trial mount first: no socket is opened only to be closed before it connects.
   */
  start(url: string, onState: (state: ClientState) => void): () => void {
    let client: Client<P> | undefined;
    let off: (() => void) | undefined;
    const timer = setTimeout(() => {
      client = this.open(url);
      this.client = client;
      for (const register of this.standing.keys()) this.standing.set(register, register(client));
      for (const topic of this.rooms.keys()) this.joinOn(client, topic);
      off = client.onState(onState);
      onState(client.state);
      for (const call of this.early.splice(0)) call(client);
    }, 0);
    return () => {
      clearTimeout(timer);
      if (client === undefined) return;
      off?.();
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

  private join(topic: string): Promise<JoinResult> {
    return new Promise<JoinResult>((resolve, reject) => {
      let waiting = this.rooms.get(topic);
      if (waiting === undefined) this.rooms.set(topic, (waiting = []));
      waiting.push({ resolve, reject });
      // A join already in flight answers this call too; otherwise ask (again: the server acks a repeated join).
      if (waiting.length === 1 && this.client !== undefined) this.joinOn(this.client, topic);
    });
  }

  /** Joins `topic` on `client`; its answer settles the waiting calls unless the binding has moved to another client. */
  private joinOn(client: Client<P>, topic: string): void {
    client.join(topic).then(
      (result) => {
        if (client === this.client) for (const waiter of this.rooms.get(topic)?.splice(0) ?? []) waiter.resolve(result);
      },
      (error: unknown) => {
        // Closed by this binding (unmount, a new url): the next client joins and answers. Refused: the callers learn.
        if (client !== this.client) return;
        for (const waiter of this.rooms.get(topic)?.splice(0) ?? []) waiter.reject(error);
        this.rooms.delete(topic);
      },
    );
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

