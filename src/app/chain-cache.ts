// The chains of recent (method, path) pairs of one root LayerStack, so a request to a path seen before skips the
// walk through every layer. Only chains whose every step has frozen (empty, shared) params are kept: handlers may
// write to `req.params`, and a params object shared between requests would carry those writes over.

/** What the cache needs to know of a chain (layers.ts's Chain): the params each step runs with. */
interface CachedChain {
  readonly steps: readonly { readonly params: object }[];
}

/** Paths kept per stack; past it the cache starts over (a scan of unknown paths must not grow memory). */
const MAX_ENTRIES = 256;

// Bumped by every change to any LayerStack. A change count, not per-app state: a router may be mounted in several
// stacks, and a change anywhere below a stack must drop that stack's chains; dropping others' too is harmless.
let generation = 0;

/** Call on every change to the layers, params or mounts of a LayerStack. */
export function layersChanged(): void {
  generation++;
}

export class ChainCache<Chain extends CachedChain> {
  // By method, then path: no key string to build per request.
  readonly #chains = new Map<string, Map<string, Chain>>();
  #size = 0;
  #generation = generation;

  get(method: string, pathname: string): Chain | undefined {
    if (this.#generation !== generation) {
      this.#clear();
      this.#generation = generation;
      return undefined;
    }
    return this.#chains.get(method)?.get(pathname);
  }

  /** Keeps `chain` when nothing in it can differ between two requests to the same path. */
  offer(method: string, pathname: string, chain: Chain): void {
    for (const step of chain.steps) if (!Object.isFrozen(step.params)) return;
    if (this.#size >= MAX_ENTRIES) this.#clear();
    let paths = this.#chains.get(method);
    if (paths === undefined) this.#chains.set(method, (paths = new Map()));
    if (!paths.has(pathname)) this.#size++;
    paths.set(pathname, chain);
  }

  #clear(): void {
    this.#chains.clear();
    this.#size = 0;
  }
}
