// The handshake headers of a browser tab (Chrome on Linux, about 800 bytes with the request line), so a design that
// keeps or drops headers shows in idle memory. The cookie differs per connection, as sessions do.

const UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

export function browserHeaders(i: number, origin: string): Record<string, string> {
  const id = i.toString(36).padStart(8, "0");
  return {
    Pragma: "no-cache",
    "Cache-Control": "no-cache",
    "User-Agent": UA,
    Origin: origin,
    "Accept-Encoding": "gzip, deflate, br, zstd",
    "Accept-Language": "en-GB,en-US;q=0.9,en;q=0.8,fr;q=0.7,de;q=0.6",
    Cookie: `theme=dark; consent=analytics%3Dno%26ads%3Dno; _ga=GA1.1.17${id}.1732950000; _ga_ABCDEF1234=GS1.1.1732950000.3.1.1732950123.0.0.0; sid=s%3A${id}Qm9yZWFsaXMtYmVuY2gtc2Vzc2lvbg.${id}xq7Jd0v2yKp0ZC9qW1m3v5dX8f0`,
    "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits",
  };
}
