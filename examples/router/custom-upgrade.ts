// Seed 002, "Custom HTTP to WebSocket Upgrade", verbatim except the import line. The token helpers and the
// websocket handlers are what the snippet assumes exists. Run: bun examples/router/custom-upgrade.ts
import { Router } from 'bunwire/router'
import { listening } from './listening.ts' // not in the seed

// --- not in the seed ---
interface UserData {
  userId: string
  username: string
  role: string
  room: string
}
const users: Record<string, { id: string; username: string; role: string }> = {
  'token-ada': { id: 'u1', username: 'ada', role: 'admin' },
}
function validateToken(token: string): boolean {
  return token in users
}
function getUserFromToken(token: string) {
  return users[token]!
}
const router = new Router<UserData>()
router.websocket({
  open(ws) {
    ws.send(`hello ${ws.data.username} (${ws.data.role})`)
  }
})
// --- the seed ---

router.get('/custom-ws', (req) => {
  // Check for authentication headers
  const token = req.headers.get('Authorization')?.split(' ')[1]

  if (!token || !validateToken(token)) {
    return new Response('Unauthorized', { status: 401 })
  }

  // Get user from token
  const user = getUserFromToken(token)

  // Upgrade the connection
  const success = router.upgrade(req, {
    // Custom headers for the 101 Switching Protocols response
    headers: { 'X-User-ID': user.id },

    // Attach user data to the WebSocket
    data: {
      userId: user.id,
      username: user.username,
      role: user.role,
      room: 'lobby'
    }
  })

  if (!success) {
    return new Response('Failed to upgrade connection', { status: 400 })
  }

  // If upgrade successful, this response is ignored
  return new Response('Upgraded to WebSocket')
})

if (import.meta.main) listening(router.serve({ port: Number(process.env.PORT ?? 3000) }))
export { router }
