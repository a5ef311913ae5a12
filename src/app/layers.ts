// The App's ordered stack of HTTP routes and `use` middleware (Express semantics: registration order, `use`
// matches a path prefix, routes match a method and the whole path), and the chain it yields for one request.

import { compilePattern, type PathPattern } from "../engine/index.ts";
import type { ChainStep, Handler } from "./middleware-chain.ts";

export interface Layer {
  /** Upper-case HTTP method, "ALL", or "USE" for middleware. */
  readonly method: string;
  readonly pattern: PathPattern;
  readonly handlers: readonly Handler[];
}

export class LayerStack {
  readonly layers: Layer[] = [];

  add(method: string, path: string, handlers: readonly Handler[]): void {
    this.layers.push({ method, pattern: compilePattern(path, { prefix: method === "USE" }), handlers });
  }

  /** The `use` middleware that apply to `pathname` (what runs before an upgrade). Throws MALFORMED_URI. */
  middlewareFor(pathname: string): ChainStep[] {
    const steps: ChainStep[] = [];
    for (const layer of this.layers) {
      if (layer.method !== "USE") continue;
      const params = layer.pattern.match(pathname);
      if (params !== null) for (const handler of layer.handlers) steps.push({ handler, params });
    }
    return steps;
  }

  /** Every middleware and route handler for an HTTP request, in order. Throws MALFORMED_URI. */
  chainFor(method: string, pathname: string): { steps: ChainStep[]; routed: boolean } {
    const steps: ChainStep[] = [];
    let routed = false;
    for (const layer of this.layers) {
      const applies = layer.method === "USE" || layer.method === "ALL" || layer.method === method || (method === "HEAD" && layer.method === "GET");
      if (!applies) continue;
      const params = layer.pattern.match(pathname);
      if (params === null) continue;
      if (layer.method !== "USE") routed = true;
      for (const handler of layer.handlers) steps.push({ handler, params });
    }
    return { steps, routed };
  }
}
