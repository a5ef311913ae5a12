// Not part of any seed: prints where an example listens, so `PORT=0 bun examples/router/x.ts` can be driven by a test.
import type { Server } from 'bun'

export function listening(server: Server<unknown>): void {
  console.log(`Listening on ${server.url}`)
}
