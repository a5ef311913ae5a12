// Seed 001, "Connection Upgrade", verbatim; the seed's snippet has no import line, so this one is added.
// Served at /ws/secure by `bunx bunwire serve examples/fs/app`.
import type { ServerWebSocket, WebSocketContext } from "bunwire/fs";

export function upgrade(req: Request): boolean | { data?: unknown } {
  // Check authentication
  const token = new URL(req.url).searchParams.get("token");
  
  if (!token || !isValidToken(token)) {
    return false; // Reject connection
  }
  
  // Accept and attach custom data
  return {
    data: {
      userId: getUserFromToken(token),
      connectedAt: Date.now(),
    },
  };
}

export function onOpen(ws: ServerWebSocket, ctx: WebSocketContext) {
  // Access custom data
  console.log(ws.data); // { userId: "...", connectedAt: ... }
}

// --- not in the seed: the token helpers the snippet assumes exist ---
const tokens: Record<string, string> = { "token-ada": "ada", "token-bob": "bob" };
function isValidToken(token: string): boolean {
  return token in tokens;
}
function getUserFromToken(token: string): string {
  return tokens[token]!;
}
