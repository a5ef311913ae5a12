// A TCP proxy in front of one or more bunwire instances, the way a load balancer is: a client connects to it, and
// each new connection goes to the instance `target` names at that moment. A test moves clients between instances
// (`target = other.port`), cuts the network under them (`cut()`: both sides see the TCP connection die, no close
// frame), or holds back what the server sends (`holdReplies()`), to lose a reply after the server sent it.

import type { Socket, TCPSocketListener } from "bun";

interface Pair {
  client: Socket<Side>;
  upstream: Socket<Side> | undefined;
  /** Client bytes waiting for the upstream connection to open. */
  early: Uint8Array[];
  closed: boolean;
}

interface Side {
  pair: Pair;
}

export class SwitchProxy {
  /** The instance port new connections go to. */
  target: number;
  /** Connections made so far (each reconnect counts). */
  accepted = 0;
  private readonly listener: TCPSocketListener<Side>;
  private readonly pairs = new Set<Pair>();
  private holding = false;
  private droppedWaiters: (() => void)[] = [];

  private constructor(target: number) {
    this.target = target;
    const proxy = this;
    this.listener = Bun.listen<Side>({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open(client) {
          const pair: Pair = { client, upstream: undefined, early: [], closed: false };
          client.data = { pair };
          proxy.pairs.add(pair);
          proxy.accepted++;
          void proxy.connect(pair);
        },
        data(client, chunk) {
          const pair = client.data.pair;
          if (pair.upstream === undefined) pair.early.push(new Uint8Array(chunk));
          else pair.upstream.write(chunk);
        },
        close(client) {
          proxy.drop(client.data.pair);
        },
        error(client) {
          proxy.drop(client.data.pair);
        },
      },
    });
  }

  static start(target: number): SwitchProxy {
    return new SwitchProxy(target);
  }

  get port(): number {
    return this.listener.port;
  }

  url(path = "/"): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  /** Kills every open connection at the TCP level: no close frame, as when a network path dies. */
  cut(): void {
    for (const pair of [...this.pairs]) {
      pair.closed = true;
      this.pairs.delete(pair);
      pair.client.terminate();
      pair.upstream?.terminate();
    }
  }

  /** From now on, what instances send is dropped (until `cut`): a reply the server sent never reaches the client. */
  holdReplies(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
  }

  /** Resolves when the next frame an instance sends is dropped by `holdReplies`. */
  dropped(): Promise<void> {
    return new Promise((resolve) => this.droppedWaiters.push(resolve));
  }

  stop(): void {
    this.cut();
    this.listener.stop(true);
  }

  private async connect(pair: Pair): Promise<void> {
    const proxy = this;
    try {
      const upstream = await Bun.connect<Side>({
        hostname: "127.0.0.1",
        port: this.target,
        data: { pair },
        socket: {
          data(_upstream, chunk) {
            if (pair.closed) return;
            if (!proxy.holding) return void pair.client.write(chunk);
            for (const wake of proxy.droppedWaiters.splice(0)) wake();
          },
          close() {
            proxy.drop(pair);
          },
          error() {
            proxy.drop(pair);
          },
        },
      });
      if (pair.closed) return void upstream.terminate();
      pair.upstream = upstream;
      for (const chunk of pair.early.splice(0)) upstream.write(chunk);
    } catch {
      this.drop(pair);
    }
  }

  private drop(pair: Pair): void {
    if (pair.closed) return;
    pair.closed = true;
    this.pairs.delete(pair);
    pair.client.end();
    pair.upstream?.end();
  }
}
