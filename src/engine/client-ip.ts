// The client's address as bunwire sees it: the socket's peer, or, behind proxies you trust (`trustProxy`), the
// address `X-Forwarded-For` names. One reading for `req.ip`, the per-IP connection caps and `rateLimit()`.

import type { Server } from "bun";

/** `false`: the socket's peer (default). `true`: the leftmost X-Forwarded-For address. A number: that many proxy hops. */
export type TrustProxy = boolean | number;

export function clientIp(req: Request, server: Server<unknown> | undefined, trustProxy: TrustProxy = false): string {
  if (trustProxy !== false && trustProxy !== 0) {
    const address = forwardedIp(req.headers.get("x-forwarded-for"), trustProxy);
    if (address !== undefined) return address;
  }
  return server?.requestIP(req)?.address ?? "";
}

/** The client address an X-Forwarded-For header names under `trustProxy`, or undefined (the socket's peer then). */
/**
 * The addresses X-Forwarded-For names that `trustProxy` vouches for, client first (Express's `req.ips`): the last N
 * with N hops, every one with `true`, none without trust. Entries left of them are whatever the client wrote.
 */
export function forwardedIps(forwarded: string | null, trustProxy: TrustProxy): string[] {
  if (forwarded === null || trustProxy === false || trustProxy === 0) return [];
  const hops = forwarded.split(",").map((address) => address.trim()).filter((address) => address !== "");
  return trustProxy === true ? hops : hops.slice(Math.max(0, hops.length - trustProxy));
}

export function forwardedIp(forwarded: string | null, trustProxy: TrustProxy): string | undefined {
  if (forwarded === null || trustProxy === false || trustProxy === 0) return undefined;
  const hops = forwarded.split(",");
  // With N trusted hops the client is the Nth address from the right; `true` trusts them all.
  const at = trustProxy === true ? 0 : Math.max(0, hops.length - trustProxy);
  const address = hops[at]?.trim();
  return address === undefined || address === "" ? undefined : address;
}
