// Seed 002, "WebSocket Configuration Options", verbatim except the import line; the handlers it names are defined
// below. Run: bun examples/router/options.ts (PORT env, default 3000).
import type { ServerWebSocket } from 'bun'
import { Router } from 'bunwire/router'
import { listening } from './listening.ts' // not in the seed

const router = new Router()

router.websocket({
  // Event handlers
  open: openHandler,
  message: messageHandler,
  close: closeHandler,
  error: errorHandler,
  drain: drainHandler,

  // Maximum message size (default: 16MB)
  maxPayloadLength: 16 * 1024 * 1024,

  // Connection timeout in seconds (default: 120)
  idleTimeout: 120,

  // Backpressure handling
  backpressureLimit: 1024 * 1024, // 1MB
  closeOnBackpressureLimit: false,

  // Compression settings
  perMessageDeflate: {
    compress: '16KB', // Use 16KB compression level
    decompress: true
  },

  // Keep-alive settings
  sendPings: true,

  // Control whether published messages are sent to the publisher
  publishToSelf: false
})

// --- not in the seed: the handlers it names, and serving ---
function openHandler(ws: ServerWebSocket<Record<string, unknown>>) {
  ws.subscribe('all')
  ws.send('ready')
}
function messageHandler(ws: ServerWebSocket<Record<string, unknown>>, message: string | Buffer) {
  ws.send(typeof message === 'string' ? `echo: ${message}` : message)
}
function closeHandler(_ws: ServerWebSocket<Record<string, unknown>>, code: number, reason: string) {
  console.log('closed', code, reason)
}
function errorHandler(_ws: ServerWebSocket<Record<string, unknown>>, error: unknown) {
  console.error('handler failed:', error)
}
function drainHandler(_ws: ServerWebSocket<Record<string, unknown>>) {}

if (import.meta.main) listening(router.serve({ port: Number(process.env.PORT ?? 3000) }))
export { router }
