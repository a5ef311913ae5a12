// Seed 002, "Checking Subscriber Count", verbatim except the import line. The router and a websocket that puts
// clients into rooms (?room=lobby) are what the snippet assumes exists. Run: bun examples/router/room-stats.ts
import { Router } from 'bunwire/router'
import { listening } from './listening.ts' // not in the seed

// --- not in the seed ---
const router = new Router<{ room: string }>()
router.websocket({
  open(ws) {
    ws.subscribe(ws.data.room)
  }
})
router.get('/rooms/:room', (req) => {
  router.upgrade(req, { data: { room: req.params.room! } })
  return new Response('connect with Upgrade: websocket')
})
// --- the seed ---

router.get('/room-stats', () => {
  const lobbyCount = router.subscriberCount('lobby')
  const gamingCount = router.subscriberCount('gaming')

  return Response.json({
    lobby: lobbyCount,
    gaming: gamingCount
  })
})

if (import.meta.main) listening(router.serve({ port: Number(process.env.PORT ?? 3000) }))
export { router }
