// Seed 002, "Handling Binary Data", verbatim except the import line. Run: bun examples/router/binary.ts
import { Router } from 'bunwire/router'
import { listening } from './listening.ts' // not in the seed

const router = new Router() // not in the seed

router.websocket({
  message(ws, message) {
    if (typeof message === 'string') {
      // Handle text message
      console.log('Text message:', message)
    }
    else {
      // Handle binary message (Uint8Array)
      console.log('Binary message, size:', message.length)

      // You can send binary data back
      const response = new Uint8Array([1, 2, 3, 4])
      ws.send(response)
    }
  }
})

if (import.meta.main) listening(router.serve({ port: Number(process.env.PORT ?? 3000) }))
export { router }
