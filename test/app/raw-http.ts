// A raw TCP HTTP/1.1 client for what fetch() will not send or hides: request targets with literal `..`, a
// Content-Length whose body never comes, a chunked body that stops half-way. It resolves with the first full
// response, which proves the server answered without waiting for the rest of the body.

export interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

function parse(text: string): RawResponse | undefined {
  const end = text.indexOf("\r\n\r\n");
  if (end === -1) return undefined;
  const [statusLine = "", ...lines] = text.slice(0, end).split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const body = text.slice(end + 4);
  const length = Number(headers.get("content-length") ?? 0);
  if (body.length < length) return undefined;
  return { status: Number(statusLine.split(" ")[1]), headers, body: body.slice(0, length) };
}

/**
 * Writes `head` (request line and headers, without the blank line) and then each of `body` in order, and resolves
 * with the first complete response. The connection stays open (the body may be unfinished) until it resolves.
 */
export function rawRequest(port: number, head: string, body: Array<string | Uint8Array> = []): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let text = "";
    let settled = false;
    const decoder = new TextDecoder();
    void Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(socket) {
          socket.write(`${head}\r\n\r\n`);
          for (const part of body) socket.write(part);
        },
        data(socket, chunk) {
          text += decoder.decode(chunk, { stream: true });
          const response = parse(text);
          if (response !== undefined && !settled) {
            settled = true;
            socket.end();
            resolve(response);
          }
        },
        close() {
          if (!settled) reject(new Error(`connection closed before a full response: ${JSON.stringify(text.slice(0, 300))}`));
        },
        error(_socket, error) {
          if (!settled) reject(error);
        },
      },
    }).catch(reject);
  });
}

/** One chunk of a chunked body. */
export function chunk(data: string): string {
  return `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`;
}
