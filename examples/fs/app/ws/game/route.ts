// app/ws/game/route.ts
// Seed 001, "Complete Example", verbatim except the import line ("@ademattos/bunbox" → "bunwire/fs").
// Served at /ws/game by `bunx bunwire serve examples/fs/app`.
import type { ServerWebSocket, WebSocketContext } from "bunwire/fs";

interface Player {
  id: string;
  x: number;
  y: number;
}

const players = new Map<string, Player>();

export function upgrade(req: Request) {
  const url = new URL(req.url);
  const playerId = url.searchParams.get("playerId");
  
  if (!playerId) {
    return false;
  }
  
  return {
    data: { playerId },
  };
}

export function onOpen(ws: ServerWebSocket, ctx: WebSocketContext) {
  const playerId = (ws.data as any).playerId;
  
  // Add player
  players.set(playerId, { id: playerId, x: 0, y: 0 });
  
  // Send current game state
  ws.send(JSON.stringify({
    type: "init",
    players: Array.from(players.values()),
  }));
  
  // Notify others
  ctx.broadcastJSON({
    type: "player-joined",
    player: players.get(playerId),
  });
}

export function onMessage(
  ws: ServerWebSocket,
  message: string | Buffer,
  ctx: WebSocketContext
) {
  const data = JSON.parse(message.toString());
  const playerId = (ws.data as any).playerId;
  
  if (data.type === "move") {
    const player = players.get(playerId);
    if (player) {
      player.x = data.x;
      player.y = data.y;
      
      // Broadcast position update
      ctx.broadcastJSON({
        type: "player-moved",
        playerId,
        x: data.x,
        y: data.y,
      });
    }
  }
}

export function onClose(ws: ServerWebSocket, ctx: WebSocketContext) {
  const playerId = (ws.data as any).playerId;
  
  // Remove player
  players.delete(playerId);
  
  // Notify others
  ctx.broadcastJSON({
    type: "player-left",
    playerId,
  });
}
