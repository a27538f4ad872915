/**
 * Raw relay of an HTTP Upgrade request (SPDY/3.1 or WebSocket) to the runtime's stream server.
 *
 * Contract: the upstream receives the client's request with only the request line (method kept,
 * path and query of `target`) and `Host` rewritten, every other header as the client sent it (names'
 * case and order kept), then the bytes the client sent after its headers. From then on bytes are
 * piped both ways unchanged, so the client gets the upstream's own answer (101 or a refusal). When
 * either side closes or fails, both are closed. A failed connect is answered `502` on the socket.
 */
import { connect, type Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { splice } from '../../util/streams.js';

/** The request head to send upstream (see the module contract). */
export function upstreamHead(req: IncomingMessage, target: URL, drop: readonly string[] = []): string {
  const skip = new Set(['host', ...drop.map((d) => d.toLowerCase())]);
  let head = `${req.method ?? 'GET'} ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n`;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (skip.has(raw[i]!.toLowerCase())) continue;
    head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  }
  return `${head}\r\n`;
}

/** Writes a complete plain-text HTTP response on a raw socket and closes it. */
export function rawReply(socket: Duplex, code: number, reason: string, body: string, contentType = 'text/plain; charset=utf-8'): void {
  if (socket.destroyed) return;
  const b = Buffer.from(body);
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: ${contentType}\r\nContent-Length: ${b.length}\r\nConnection: close\r\n\r\n${b.toString('latin1')}`, 'latin1');
}


/** Relays the upgrade request `req` (whose socket is `socket`, `head` read past its headers) to `target` (http:). */
export function relayUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: URL, onError?: (err: Error) => void): void {
  const port = Number(target.port || 80);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const up: Socket = connect({ host, port });
  let connected = false;
  up.once('connect', () => {
    connected = true;
    up.setNoDelay(true);
    up.write(upstreamHead(req, target), 'latin1');
    if (head.length) up.write(head);
    splice(socket, up);
  });
  up.once('error', (err) => {
    if (connected) return;
    onError?.(err);
    rawReply(socket, 502, 'Bad Gateway', `error dialing the runtime's stream server: ${err.message}`);
  });
  socket.once('error', () => up.destroy());
}
