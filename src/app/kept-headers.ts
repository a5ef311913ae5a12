// `app.ws(path, { keepHeaders })`: the request headers `ws.data.req` keeps once its socket is open. By default it
// keeps them all (url and per-client lines in one string, the rest shared between sockets: header-block.ts), which
// for a browser is mostly its cookie: a few hundred bytes per idle socket (issue 16, docs/CAPACITY.md). A route
// whose handlers read only some headers after the upgrade names them and keeps only those; middleware before the
// upgrade (session(), auth) still sees every header. Reading one that was not kept throws HEADER_NOT_KEPT rather
// than answering "absent", which would be a silent lie.

import type { TrustProxy } from "../engine/client-ip.ts";
import { BunwireError } from "../engine/errors.ts";

/** What of a request's settings (`RequestSettings` in request.ts) decides which headers it keeps. */
interface Settings {
  readonly trustProxy: TrustProxy;
}

/** What `req.ip`, `ips`, `hostname` and `protocol` read behind a trusted proxy: kept whenever `trustProxy` is set. */
const FORWARDING = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "forwarded"];

/** One route's kept header names (lower-case), built once when the route is registered. */
export class KeptHeaders {
  readonly names: ReadonlySet<string>;
  /** `names` and the forwarding headers: what a request of an App with `trustProxy` keeps. */
  readonly withForwarding: ReadonlySet<string>;
  /** The request settings of a socket of this route, per App settings (one object for all its sockets). */
  readonly #settings = new WeakMap<Settings, Settings>();

  constructor(
    readonly route: string,
    names: readonly string[],
  ) {
    this.names = new Set(names);
    this.withForwarding = new Set([...names, ...FORWARDING]);
  }

  /** The names a request keeps under these settings. */
  namesFor(settings: Settings): ReadonlySet<string> {
    return settings.trustProxy === false ? this.names : this.withForwarding;
  }

  /** `settings` with this route's names: what a detached request of the route reads its headers through. */
  settingsFor<S extends Settings>(settings: S): S & { readonly keptHeaders: KeptHeaders } {
    let derived = this.#settings.get(settings);
    if (derived === undefined) this.#settings.set(settings, (derived = { ...settings, keptHeaders: this }));
    return derived as S & { readonly keptHeaders: KeptHeaders };
  }

  /** Throws unless `name` was kept (under `settings`). */
  check(name: string, settings: Settings): void {
    const lower = name.toLowerCase();
    if (this.namesFor(settings).has(lower)) return;
    const kept = this.names.size === 0 ? "keepHeaders: false" : `keepHeaders: [${[...this.names].map((n) => JSON.stringify(n)).join(", ")}]`;
    throw new BunwireError("HEADER_NOT_KEPT", `the "${lower}" header of this WebSocket's upgrade was not kept (app.ws("${this.route}", { ${kept} })): add it to keepHeaders to read it after the upgrade`);
  }
}

/** Reads `keepHeaders` of `app.ws(path, handlers)`: undefined keeps every header. */
export function readKeepHeaders(value: unknown, path: string): KeptHeaders | undefined {
  if (value === undefined || value === true) return undefined;
  if (value === false) return new KeptHeaders(path, []);
  if (!Array.isArray(value) || !value.every((name) => typeof name === "string" && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name))) {
    throw new BunwireError("INVALID_HANDLER", `app.ws("${path}"): keepHeaders must be true, false or an array of header names, got ${JSON.stringify(value)}`);
  }
  return new KeptHeaders(path, value.map((name: string) => name.toLowerCase()));
}
