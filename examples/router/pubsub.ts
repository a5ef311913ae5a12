// Seed 002, "Pub/Sub Messaging", verbatim except the import line and a type on `broadcastAnnouncement`'s parameter
// (strict TypeScript). The router, its data type and the welcome data are what the snippet assumes exists.
// Run: bun examples/router/pubsub.ts (PORT env, default 3000). Try "/join gaming", "/whisper u2 hi", "hello".
import { Router } from 'bunwire/router'
import { listening } from './listening.ts' // not in the seed

// --- not in the seed ---
interface ChatData {
  userId: string
  username: string
  room: string
}
const router = new Router<ChatData>()
// Who connects: ?user=<name> (the seed's snippet leaves the upgrade to other code).
router.get('/', (req) => {
  const user = new URL(req.url).searchParams.get('user') ?? 'anonymous'
  router.upgrade(req, { data: { userId: user, username: user, room: 'lobby' } })
  return new Response('WebSocket chat: connect with ?user=<name>')
})
// --- the seed ---

router.websocket({
  open(ws) {
    // Subscribe to channels
    ws.subscribe('announcements')
    ws.subscribe(`user:${ws.data.userId}`)
  },

  message(ws, message) {
    if (typeof message !== 'string')
      return

    // Parse commands
    if (message.startsWith('/join ')) {
      const room = message.slice(6).trim()

      // Leave old room
      ws.unsubscribe(ws.data.room)

      // Join new room
      ws.data.room = room
      ws.subscribe(room)
      ws.send(`Joined room: ${room}`)

      // Announce to the room
      router.publish(room, `${ws.data.username} joined the room`)
    }
    else if (message.startsWith('/whisper ')) {
      // Private message
      const parts = message.slice(9).split(' ')
      const targetUser = parts[0]
      const content = parts.slice(1).join(' ')

      router.publish(`user:${targetUser}`, `[PM from ${ws.data.username}]: ${content}`)
    }
    else {
      // Regular room message
      router.publish(ws.data.room, `${ws.data.username}: ${message}`, true) // Enable compression
    }
  }
})

// You can also publish from outside the WebSocket handlers
function broadcastAnnouncement(message: string) {
  router.publish('announcements', message)
}

// --- not in the seed ---
router.post('/announce', async (req) => {
  broadcastAnnouncement(await req.text())
  return new Response('sent')
})
if (import.meta.main) listening(router.serve({ port: Number(process.env.PORT ?? 3000) }))
export { broadcastAnnouncement, router }
