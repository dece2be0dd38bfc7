// The edge's own answers (no such host, refused token, origin unreachable, injected faults): one
// line of plain text, as a CDN shows a visitor, never JSON.
import type { ServerResponse } from "node:http";

export function sendText(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, method = "GET"): void {
  const text = `${message}\n`;
  res.writeHead(status, {
    ...headers,
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(method === "HEAD" ? undefined : text);
}
