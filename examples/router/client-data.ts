// Seed 002, "Client Data", verbatim except the import line. Run: bun examples/router/client-data.ts
import { Router } from 'bunwire/router'
import { listening } from './listening.ts' // not in the seed

// --- not in the seed: the type and router it assumes ---
interface UserSession {
  userId: string
  username: string
  authenticated: boolean
  joinedAt: number
}
const router = new Router<UserSession>()

router.websocket<UserSession>({
  open(ws) {
    ws.data = {
      userId: 'user_123',
      username: 'john',
      authenticated: true,
      joinedAt: Date.now()
    }
  },

  message(ws, message) {
    // Access the data in any handler
    console.log(`Message from ${ws.data.username}`)
  }
})

if (import.meta.main) listening(router.serve({ port: Number(process.env.PORT ?? 3000) }))
export { router }
