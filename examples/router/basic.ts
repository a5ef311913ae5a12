// Seed 002, "Basic WebSocket Setup", verbatim except the import line and the port (PORT env, default 3000).
// Run: bun examples/router/basic.ts
import type { ServerWebSocket } from 'bun'
import { Router } from 'bunwire/router'
import { listening } from './listening.ts' // not in the seed

// Define the type for your WebSocket client data
interface ClientData {
  userId: string
  room: string
}

const router = new Router<ClientData>()

// Set up HTTP routes
router.get('/', () => new Response('WebSocket Server'))

// Configure WebSocket handling
router.websocket({
  // Called when a client connects
  open(ws) {
    console.log('Client connected:', ws.remoteAddress)

    // Set custom data on the WebSocket
    ws.data = { userId: generateUserId(), room: 'lobby' }

    // Subscribe to a topic (for pub/sub)
    ws.subscribe('lobby')

    // Send a welcome message
    ws.send('Welcome to the server!')
  },

  // Called when a message is received
  message(ws, message) {
    const content = typeof message === 'string'
      ? message
      : 'Binary data received'

    console.log(`Message from ${ws.data.userId}: ${content}`)

    // Echo the message back
    ws.send(`Echo: ${content}`)
  },

  // Called when a client disconnects
  close(ws, code, reason) {
    console.log(`Client ${ws.data.userId} disconnected: ${reason} (${code})`)
    ws.unsubscribe(ws.data.room)
  },

  // Called when a socket error occurs
  error(ws, error) {
    console.error(`Error for client ${ws.data.userId}:`, error)
  },

  // Called when backpressure is relieved
  drain(ws) {
    console.log(`Backpressure relieved for ${ws.data.userId}`)
  }
})

// Start the server
if (import.meta.main) listening(router.serve({ port: Number(process.env.PORT ?? 3000) }))

// --- not in the seed: what the snippet assumes exists, and an export for the tests ---
let nextUserId = 0
function generateUserId(): string {
  return `user_${++nextUserId}`
}
export type { ServerWebSocket }
export { router }
