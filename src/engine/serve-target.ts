// What a mountable front door (`router.listen()`, `fileRoutes(...).listen()`, an Application) mounts itself on when it
// starts a server of its own: a MountTarget over a fresh Engine, with the smallest HTTP table that honours the mount
// contract (routes tried in registration order, `undefined` means "not mine").

import type { Server } from "bun";
import type { Engine } from "./engine.ts";
import type { FetchHandler, MountTarget } from "./mount.ts";
import { compilePattern, pathnameOf, type PathPattern } from "./path-pattern.ts";
import type { SocketRoute } from "./socket-route.ts";

interface HttpEntry {
  readonly method: string;
  readonly pattern: PathPattern;
  readonly handler: FetchHandler;
}

export class ServeTarget implements MountTarget {
  readonly engine: Engine;
  readonly #routes: HttpEntry[] = [];

  constructor(engine: Engine) {
    this.engine = engine;
  }

  addHttpRoute(method: string, path: string, handler: FetchHandler): void {
    this.#routes.push({ method: method.toUpperCase(), pattern: compilePattern(path), handler });
  }

  addSocketRoute(route: SocketRoute): void {
    this.engine.addSocketRoute(route);
  }

  /** Answers a plain HTTP request: the first route whose handler returns a Response, else the engine's 404/426. */
  async fetch(req: Request, server: Server<unknown>): Promise<Response> {
    const pathname = pathnameOf(req.url);
    const method = req.method;
    // A HEAD request is answered by a HEAD route, else by the GET route (Bun sends its headers without the body).
    const fallback = method === "HEAD" ? "GET" : method;
    try {
      for (const route of this.#routes) {
        if (route.method !== method && route.method !== fallback && route.method !== "ALL") continue;
        if (route.pattern.match(pathname) === null) continue;
        const response = await route.handler(req, server);
        if (response !== undefined) return response;
      }
    } catch (error) {
      return this.engine.errorResponse(error, req);
    }
    return this.engine.notFound(req);
  }
}
