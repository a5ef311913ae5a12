// Not in the seed: serves the seed's browser client (client.js) on a page with the elements it uses, next to the
// basic example's router. Run: bun examples/router/client-page.ts, open http://localhost:3000/client
import { router } from './basic.ts'
import { listening } from './listening.ts'

const page = `<!doctype html><meta charset="utf-8"><title>bun-router client</title>
<input id="message-input" autocomplete="off"><button id="send-button">send</button>
<script src="/client.js"></script>`

router.get('/client', () => new Response(page, { headers: { 'content-type': 'text/html' } }))
router.get('/client.js', () => new Response(Bun.file(new URL('./client.js', import.meta.url).pathname), { headers: { 'content-type': 'text/javascript' } }))

if (import.meta.main) listening(router.serve({ port: Number(process.env.PORT ?? 3000) }))
export { router }
