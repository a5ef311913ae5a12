// The engine every front door sits on: it owns the one Bun.serve, the one table of WebSocket routes, the one
// upgrade pipeline (src/engine/upgrade.ts), the one publish path, which a cross-instance bus joins when
// configured, and shutdown. Front doors only translate their style into SocketRoutes and HTTP.

import type { Server, WebSocketHandler } from "bun";
import type { Bus } from "../bus/contract.ts";
import { clusterSubscriberCount } from "../bus/cluster-count.ts";
import { Cluster } from "../cluster/cluster.ts";
import { connectionOf, PendingConnections } from "./connection.ts";
import { createDispatch, type Dispatch } from "./dispatch.ts";
import { BunwireError } from "./errors.ts";
import type { RouteLimits } from "./limits.ts";
import type { ListenOptions } from "./listen.ts";
import { consoleLogger, type Logger } from "./logger.ts";
import { checkCloseOptions, resolveServerOptions, type ErrorHook, type ErrorSource, type ResolvedServerOptions, type ServerOptions } from "./options.ts";
import { pathnameOf, type PathPattern } from "./path-pattern.ts";
import { OpenConnections, userTopic } from "./open-connections.ts";
import { createPolicy, type Policy } from "./policy.ts";
import { RouteTable } from "./route-table.ts";
import { redactError } from "./redact.ts";
import { shutdown, type CloseOptions } from "./shutdown.ts";
import { addSizes, SIZES, sizesOf, type Sizes } from "./sizes.ts";
import { SERVED_ON, type SocketRoute } from "./socket-route.ts";
import { codeOf, RouteStats, ServerStats } from "./stats.ts";
import { TopicCounter, toBusPayload } from "./topics.ts";
import { Upgrades, type SocketEntry } from "./upgrade.ts";

export type { ErrorHook, ErrorSource, WebSocketOptions } from "./options.ts";
export type { SocketEventName } from "./socket-route.ts";

/** The engine takes the one option set (src/engine/options.ts); front doors check it before. */
export type EngineOptions = ServerOptions;

export interface EngineListenOptions extends ListenOptions {
  /** Answers every request that is not a WebSocket upgrade. */
  http(req: Request, server: Server<unknown>): Response | Promise<Response>;
}

/** What Bun's `publish` accepts. */
export type PublishData = Parameters<Server<unknown>["publish"]>[1];

export function isUpgradeRequest(req: Request): boolean {
  const upgrade = req.headers.get("upgrade");
  // Every browser sends "websocket": compared as it is first, so the usual upgrade allocates no lowered copy.
  return upgrade !== null && (upgrade === "websocket" || upgrade.toLowerCase() === "websocket");
}

/**
 * The default error path: one `error` line with the error's code and, where they apply, the route pattern, the
 * connection id and user, the typed event, or the request's method and path (never its query string or headers).
 */
export function logError(error: unknown, source: ErrorSource, logger: Logger = consoleLogger): void {
  const fields: Record<string, unknown> = { err: redactError(error), code: codeOf(error) };
  let where: string;
  if (source.kind === "http") {
    fields.method = source.request.method;
    fields.path = pathnameOf(source.request.url);
    where = `${fields.method} ${fields.path}`;
  } else if (source.kind === "upgrade") {
    fields.route = source.routePath;
    fields.path = pathnameOf(source.request.url);
    where = `the upgrade to WS ${source.routePath}`;
  } else if (source.kind === "websocket") {
    fields.route = source.routePath;
    fields.event = source.typedEvent ?? source.event;
    const connection = connectionOf(source.ws);
    if (connection !== undefined) {
      fields.connectionId = connection.id;
      if (connection.user !== undefined) fields.userId = connection.user.id;
    }
    const handler = source.typedEvent === undefined ? `${source.event} handler` : `handler of "${source.typedEvent}"`;
    const who = connection === undefined ? "" : ` (connection ${connection.id}${connection.user === undefined ? "" : `, user ${connection.user.id}`})`;
    where = `${handler} on WS ${source.routePath}${who}`;
  } else {
    where = "the server";
  }
  logger.error(fields, `[bunwire] ${fields.code} in ${where}:`);
}

/** Connection ids carry the bus's instance id when there is one, so they stay unique across a cluster. */
function idPrefixOf(bus: Bus | undefined): string {
  const id = (bus as { instanceId?: unknown } | undefined)?.instanceId;
  if (typeof id === "string" && id !== "") return `${id}:`;
  if (id instanceof Uint8Array) return `${Buffer.from(id).toString("hex")}:`;
  return "";
}

export class Engine {
  readonly sockets = new RouteTable<SocketEntry>("WebSocket");
  onError: ErrorHook;
  readonly options: ResolvedServerOptions;
  /** The server's own limits; mounted front doors that set their own get a policy each (`#policies`). */
  readonly policy: Policy;
  /** Every open connection, one entry each (cluster operations and presence walk it). */
  readonly connections = new OpenConnections();
  /** Cluster-wide operations on connections (`app.cluster`), over the bus or on this instance alone. */
  readonly cluster: Cluster;
  /** Counters per route and for the whole server, read by `bunwire/metrics` and the inspector. */
  readonly stats = new ServerStats();
  #server: Server<unknown> | undefined;
  #closing: Promise<void> | undefined;
  readonly #topics: TopicCounter | undefined;
  readonly #policies = new Map<RouteLimits, Policy>();
  readonly #pending = new PendingConnections();
  readonly #websocket: WebSocketHandler<unknown>;
  readonly #dispatch: Dispatch;
  readonly #upgrades: Upgrades;

  constructor(options: EngineOptions = {}, where = "bunwire()") {
    const resolved = resolveServerOptions(options);
    this.options = resolved;
    this.onError = options.onError ?? ((error, source) => logError(error, source, resolved.logger));
    this.policy = createPolicy(options, undefined, where, idPrefixOf(options.bus));
    const topics = options.bus === undefined ? undefined : new TopicCounter(options.bus);
    this.#topics = topics;
    this.stats.logger = resolved.logger;
    this.stats.report = (ws, error, event) => {
      const connection = connectionOf(ws);
      this.#report(error, { kind: "websocket", ws, event: "message", routePath: connection?.route ?? "?", typedEvent: event });
    };
    const dispatch = createDispatch({
      pending: this.#pending,
      reportError: (ws, error, event, routePath) => this.#report(error, { kind: "websocket", ws, event, routePath }),
      opened: (ws, connection) => {
        this.connections.add(ws);
        connection.route.opened?.(ws);
        topics?.attach(ws);
        // After attach: with a bus the user topic is counted like any other, so sendToUser crosses instances.
        if (connection.user !== undefined) ws.subscribe(userTopic(connection.user.id));
      },
      closed: topics && ((ws, connection) => topics.detach(ws, connection)),
      gone: (connection, ws) => {
        this.connections.delete(ws);
        if (connection.policy.caps !== null) connection.policy.caps.release(connection.ip);
      },
    });
    this.#dispatch = dispatch;
    this.cluster = new Cluster({
      connections: this.connections,
      bus: options.bus,
      report: (error) => this.#report(error, { kind: "server" }),
      warn: (message) => resolved.logger.warn({}, message),
    });
    const { idle: _idle, running: _running, ...handlers } = dispatch;
    this.#websocket = { ...resolved.websocket, ...handlers };
    this.#upgrades = new Upgrades({
      sockets: this.sockets,
      pending: this.#pending,
      connections: this.connections,
      logger: resolved.logger,
      development: resolved.development,
      stats: this.stats,
      report: (error, source) => this.#report(error, source),
    });
  }

  /** The running server, once `listen` was called. */
  get server(): Server<unknown> | undefined {
    return this.#server;
  }

  addSocketRoute(route: SocketRoute): PathPattern {
    const policy = route.limits === undefined ? this.policy : this.#policyFor(route.limits, route.path);
    const stats = new RouteStats(route.path, this.stats);
    const pattern = this.sockets.add(route.path, { route, policy, stats, counter: this.#topics, last: undefined });
    this.stats.routes.push(stats);
    if (this.#server !== undefined) route.handlers[SERVED_ON]?.(this.#server);
    return pattern;
  }

  /** One policy per limits object: every route of one mounted front door shares its caps. */
  #policyFor(limits: RouteLimits, path: string): Policy {
    let policy = this.#policies.get(limits);
    if (policy === undefined) {
      policy = createPolicy(limits, this.policy, `the front door mounted at ${path}`);
      this.#policies.set(limits, policy);
    }
    return policy;
  }

  /** Bun's fetch for every front door: upgrades go through the upgrade pipeline, the rest to `http`. */
  fetch(req: Request, server: Server<unknown>, http: EngineListenOptions["http"]): Response | undefined | Promise<Response | undefined> {
    if (!isUpgradeRequest(req)) return http(req, server);
    return this.#upgrades.handle(req, server);
  }

  /** What a plain HTTP request gets when no HTTP route answered: 426 on a WebSocket-only path, else 404. */
  notFound(req: Request): Response {
    const pathname = pathnameOf(req.url);
    let match = null;
    try {
      match = this.sockets.match(pathname);
    } catch {}
    if (match === null) return new Response(`Cannot ${req.method} ${pathname}`, { status: 404 });
    const route = match.value.route.path;
    this.stats.refused(route, 426, "UPGRADE_REQUIRED");
    if (this.options.development) {
      this.options.logger.warn({ status: 426, code: "UPGRADE_REQUIRED", route, path: pathname }, `[bunwire] ${req.method} ${pathname} refused with 426: it is a WebSocket endpoint and the request has no Upgrade: websocket header`);
    }
    return new Response(`${pathname} is a WebSocket endpoint: connect with Upgrade: websocket`, { status: 426, headers: { Upgrade: "websocket", Connection: "Upgrade" } });
  }

  /** A BunwireError answers with its own status; anything else is logged and answers 500 without details. */
  errorResponse(error: unknown, req: Request): Response {
    if (error instanceof BunwireError && error.status !== undefined && error.status < 500) return new Response(error.message, { status: error.status });
    this.#report(error, { kind: "http", request: req });
    return new Response("Internal Server Error", { status: 500 });
  }

  listen(options: EngineListenOptions): Server<unknown> {
    if (this.#server !== undefined) throw new BunwireError("ALREADY_LISTENING", "this server is already listening; create another one to listen twice");
    const engine = this;
    const http = options.http;
    const server = Bun.serve({
      port: options.port ?? 3000,
      hostname: options.hostname,
      fetch(req, server) {
        return engine.fetch(req, server, http);
      },
      error(error) {
        engine.#report(error, { kind: "server" });
        return new Response("Internal Server Error", { status: 500 });
      },
      websocket: this.#websocket,
    });
    this.#server = server;
    this.stats.subscriberCount = (topic) => server.subscriberCount(topic);
    if (options.quiet !== true) this.options.logger.info({ url: server.url.href }, `bunwire listening on ${server.url.origin}`);
    for (const [, { route }] of this.sockets.entries()) route.handlers[SERVED_ON]?.(server);
    const bus = this.options.bus;
    this.cluster.attach();
    const stats = this.stats;
    const deliver = (topic: string, data: string | Uint8Array, compress: boolean) => {
      server.publish(topic, data, compress);
      stats.relayed(topic, data, server.subscriberCount(topic));
    };
    bus?.connect(deliver, (topic) => server.subscriberCount(topic)).catch((error: unknown) => this.#report(error, { kind: "server" }));
    return server;
  }

  /** Publishes to every subscriber of `topic`: here natively, elsewhere through the bus. Returns Bun's result. */
  publish(topic: string, data: PublishData, compress = false): number {
    const server = this.#server;
    if (server === undefined) return 0;
    const sent = server.publish(topic, data, compress);
    this.stats.published(topic, data, server.subscriberCount(topic));
    this.options.bus?.publish(topic, toBusPayload(data), compress);
    return sent;
  }

  /** Subscribers of `topic` on this instance. */
  subscriberCount(topic: string): number {
    return this.#server?.subscriberCount(topic) ?? 0;
  }

  /** Subscribers of `topic` across every instance on the bus (this instance's count without one). */
  clusterSubscriberCount(topic: string): Promise<number> {
    const local = this.subscriberCount(topic);
    const bus = this.options.bus;
    return bus === undefined ? Promise.resolve(local) : clusterSubscriberCount(bus, topic);
  }

  /**
   * Waits `drainDelay` (readiness false, still serving), then stops accepting, closes every socket with 1001,
   * waits for their handlers (async `close` too) and the bus flush up to `timeout` (default `shutdownTimeout`),
   * then leaves what is left behind and resolves.
   */
  close(options: CloseOptions = {}): Promise<void> {
    checkCloseOptions(options);
    const server = this.#server;
    if (server === undefined) return Promise.resolve();
    this.#closing ??= this.#shutdown(server, options);
    return this.#closing;
  }

  /** True from the moment `close()` is called: readiness answers 503 from then on. */
  get closing(): boolean {
    return this.#closing !== undefined;
  }

  /** Local subscribers per topic this instance receives from the bus (empty without a bus). */
  busTopics(): Iterable<[topic: string, subscribers: number]> {
    return this.#topics?.entries() ?? [];
  }

  async #shutdown(server: Server<unknown>, options: CloseOptions): Promise<void> {
    // Still serving, readiness already false: a load balancer takes this instance out before it stops accepting.
    const drainDelay = options.drainDelay ?? this.options.drainDelay;
    if (drainDelay > 0) await Bun.sleep(drainDelay);
    const dispatch = this.#dispatch;
    await shutdown(
      {
        server,
        bus: this.options.bus,
        idle: () => dispatch.idle(),
        running: () => dispatch.running,
        report: (error) => this.#report(error, { kind: "server" }),
      },
      options.timeout ?? this.options.shutdownTimeout,
    );
  }

  /** Internal (churn tests): the per-connection, per-IP and per-topic maps of this server, its bus's included. */
  [SIZES](): Sizes {
    const sizes: Sizes = { "dispatch.running": this.#dispatch.running };
    addSizes(sizes, sizesOf(this.#pending));
    addSizes(sizes, sizesOf(this.#topics));
    // Each scope's caps once: a mounted front door without caps of its own shares the server's.
    const caps = new Set([this.policy.caps, ...[...this.#policies.values()].map((policy) => policy.caps)]);
    for (const scope of caps) addSizes(sizes, sizesOf(scope));
    return addSizes(sizes, sizesOf(this.options.bus));
  }

  #report(error: unknown, source: ErrorSource): void {
    try {
      this.onError(error, source);
    } catch (hookError) {
      logError(hookError, source, this.options.logger);
    }
  }
}
