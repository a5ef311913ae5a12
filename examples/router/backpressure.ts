// Seed 002, "Handling Backpressure", verbatim except the import line. The router, its data type and the two data
// sources are what the snippet assumes exists. Run: bun examples/router/backpressure.ts
import { Router } from 'bunwire/router'
import { listening } from './listening.ts' // not in the seed

// --- not in the seed ---
// `any[]`: the seed sends `shift()`'s result, which strict types see as possibly undefined.
const router = new Router<{ pendingMessages?: any[] }>()
const CHUNK = 'x'.repeat(256 * 1024)
function generateLargeResponse(): string {
  return CHUNK
}
function getMoreData(): string {
  return 'more data'
}
// --- the seed ---

router.websocket({
  message(ws, message) {
    // Generate a large response
    const largeData = generateLargeResponse()

    // Try to send it
    const result = ws.send(largeData)

    if (result === -1) {
      // Message was queued due to backpressure
      console.log('Message queued due to backpressure')

      // Store state to resume in drain handler
      ws.data.pendingMessages = [...ws.data.pendingMessages || [], getMoreData()]
    }
    else if (result === 0) {
      console.log('Failed to send, connection may be closed')
    }
    else {
      console.log(`Sent ${result} bytes successfully`)
    }
  },

  drain(ws) {
    // Socket is ready to receive more data
    if (ws.data.pendingMessages?.length) {
      const next = ws.data.pendingMessages.shift()
      const result = ws.send(next)

      if (result !== -1) {
        console.log('Sent pending message after drain')
      }
    }
  }
})

if (import.meta.main) listening(router.serve({ port: Number(process.env.PORT ?? 3000) }))
export { router }
