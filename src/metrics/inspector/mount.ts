// Mounts the inspector on a front door: the page, its sign-in form, its script and its WebSocket route, all behind
// the token (a bearer header or the session cookie the form sets). Anything else answers 401.

import type { Engine } from "../../engine/engine.ts";
import type { MountTarget } from "../../engine/mount.ts";
import { BunwireError } from "../../engine/errors.ts";
import { serverProtocol } from "../../protocol/server.ts";
import { authorized, cookieValue, sameSecret, sessionCookie } from "../token.ts";
import { inspectorPage, pageScript, signInPage } from "./page.ts";
import { inspectorProtocol } from "./protocol.ts";
import { InspectorService } from "./service.ts";
import type { InstanceContext } from "./snapshot.ts";
import type { TailOptions } from "./tail.ts";

export interface InspectorOptions {
  /** Where the page is served (default `/_bunwire/inspector`); its WebSocket route is `<path>/ws`. */
  path?: string;
  /** The opt-in tail of one topic's messages (default off): `true`, or `{ redact, maxLength }`. */
  tail?: boolean | TailOptions;
}

const MAX_FORM_BYTES = 4096;

/** The broadcast topic every inspector socket joins (typed protocol default): not worth listing as a hot topic. */
const OWN_TOPIC = `$broadcast:${inspectorProtocol.name}`;

function isSecure(req: Request): boolean {
  return req.url.startsWith("https:") || req.headers.get("x-forwarded-proto") === "https";
}

/** The body as text, or undefined past `max` bytes (read no further: a chunked body has no length to check first). */
async function readCapped(req: Request, max: number): Promise<string | undefined> {
  if (req.body === null) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString("utf8");
    size += value.byteLength;
    if (size > max) {
      void reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
}

async function signIn(req: Request, base: string, token: string): Promise<Response> {
  const body = await readCapped(req, MAX_FORM_BYTES);
  if (body === undefined) return signInPage(base, 413, "That form was too large.");
  const given = new URLSearchParams(body).get("token") ?? "";
  if (!sameSecret(given, token)) return signInPage(base, 401, "Wrong token.");
  return new Response(null, { status: 303, headers: { location: base, "set-cookie": sessionCookie(cookieValue(token), base, isSecure(req)), "cache-control": "no-store" } });
}

export function instanceOf(engine: Engine): string {
  return engine.options.bus?.instanceId ?? "local";
}

export function mountInspector(target: MountTarget, base: string, token: string, context: Omit<InstanceContext, "instance" | "hiddenTopics">, options: InspectorOptions): void {
  const engine = target.engine;
  const tail = options.tail === true ? {} : options.tail === false || options.tail === undefined ? undefined : options.tail;
  const service = new InspectorService({ ...context, instance: instanceOf(engine), hiddenTopics: new Set([OWN_TOPIC]) }, tail);
  // From now on the engine keeps open sockets per route (search) and publishes per topic (hottest topics).
  engine.stats.track();
  const allowed = (req: Request) => authorized(req, token);

  target.addHttpRoute("GET", base, (req) => (allowed(req) ? inspectorPage(base) : signInPage(base, 401)));
  target.addHttpRoute("POST", base, (req) => signIn(req, base, token));
  target.addHttpRoute("GET", `${base}/app.js`, async (req) => {
    if (!allowed(req)) return new Response("unauthorized", { status: 401 });
    return new Response(await pageScript(), { headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store" } });
  });
  const handlers = serverProtocol(inspectorProtocol).handle({
    overview: () => service.overview(),
    search: (_ws, { query }) => service.search(query),
    tail: (_ws, { topic, after }) => service.tail(topic, after),
  });
  target.addSocketRoute({
    path: `${base}/ws`,
    handlers,
    admit: (req) => (allowed(req) ? { data: {} } : new Response("unauthorized: sign in at the inspector page first", { status: 401 })),
  });
}

export function checkInspectorOptions(options: unknown, where: string): asserts options is InspectorOptions | boolean | undefined {
  if (options === undefined || typeof options === "boolean") return;
  const fail = (message: string) => {
    throw new BunwireError("INVALID_OPTION", `${where}: inspector.${message}`);
  };
  if (options === null || typeof options !== "object") return fail("must be true, false or { path, tail }");
  const { path, tail } = options as InspectorOptions;
  if (path !== undefined && (typeof path !== "string" || !/^\/[\w\-./]*$/.test(path) || path.endsWith("/"))) fail(`path must be a path like "/_bunwire/inspector", got ${JSON.stringify(path)}`);
  if (tail !== undefined && typeof tail !== "boolean") {
    if (tail === null || typeof tail !== "object") fail("tail must be true, false or { redact, maxLength }");
    if (tail.redact !== undefined && typeof tail.redact !== "function") fail("tail.redact must be a function (data, topic) => string | undefined");
    if (tail.maxLength !== undefined && !(Number.isInteger(tail.maxLength) && tail.maxLength > 0)) fail("tail.maxLength must be a positive integer");
  }
}
