// Seed 002, "Client-Side WebSocket Example" (browser code), verbatim except the port: the page's own
// (`location.port`), 3000 as in the seed otherwise. Served with a page by `bun examples/router/client-page.ts`.

// Connect to the WebSocket server
const ws = new WebSocket(`ws://localhost:${location.port || 3000}`)

// Connection opened
ws.addEventListener('open', (event) => {
  console.log('Connected to server')
  ws.send('Hello Server!')
})

// Listen for messages
ws.addEventListener('message', (event) => {
  console.log('Message from server:', event.data)
})

// Connection closed
ws.addEventListener('close', (event) => {
  console.log('Disconnected from server:', event.code, event.reason)
})

// Error handler
ws.addEventListener('error', (event) => {
  console.error('WebSocket error:', event)
})

// Send a message when a button is clicked
document.getElementById('send-button').addEventListener('click', () => {
  const message = document.getElementById('message-input').value
  ws.send(message)
})

// Join a room
function joinRoom(roomName) {
  ws.send(`/join ${roomName}`)
}

// Send private message
function sendPrivate(username, message) {
  ws.send(`/whisper ${username} ${message}`)
}
