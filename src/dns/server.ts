/**
 * The DNS listener: one UDP socket and one TCP server on the same host and port, both answering
 * through a ClusterDns.
 *
 * Contracts:
 * - UDP: one datagram in, one out; replies larger than 512 bytes (or the client's EDNS size) go out
 *   truncated (TC) so the client retries over TCP. Malformed datagrams are dropped.
 * - TCP: RFC 1035 framing (replies over 65535 bytes go out truncated) (2-byte big-endian length before each message); many queries per
 *   connection, answered as they complete (possibly out of order, as RFC 7766 allows); a connection
 *   idle for 10 s is closed.
 * - `port: 0` picks a free port (the TCP one, then UDP binds the same number; retried if taken).
 * - Aborting `signal` or calling `close()` stops both listeners and ends open TCP connections;
 *   `close()` resolves once both are closed.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import type { ClusterDns } from './resolver.js';

export interface DnsServerOptions {
  dns: ClusterDns;
  host: string;
  port: number;
  signal: AbortSignal;
  log?: Logger;
  /** Close TCP connections idle this long (default 10 s). */
  tcpIdleMs?: number;
  /** Called after each reply is sent (metrics). */
  onAnswer?: (proto: 'udp' | 'tcp', query: Buffer, reply: Buffer, seconds: number) => void;
}

export interface DnsServer {
  port: number;
  close(): Promise<void>;
}

const MAX_TCP_MESSAGE = 65535;

export async function startDnsServer(o: DnsServerOptions): Promise<DnsServer> {
  const log = (o.log ?? silentLogger).child({ component: 'dns' });
  for (let attempt = 0; ; attempt++) {
    const tcp = await listenTcp(o.host, o.port);
    const port = (tcp.address() as { port: number }).port;
    let udp: UdpSocket;
    try {
      udp = await bindUdp(o.host, port);
    } catch (err) {
      await new Promise<void>((r) => tcp.close(() => r()));
      if (o.port === 0 && attempt < 5) continue;
      throw err;
    }
    return serve(o, log, tcp, udp, port);
  }
}

function serve(o: DnsServerOptions, log: Logger, tcp: Server, udp: UdpSocket, port: number): DnsServer {
  const conns = new Set<Socket>();
  udp.on('message', (msg, rinfo) => {
    const t0 = performance.now();
    o.dns.answer(msg, { maxSize: 512 }).then(
      (out) => {
        udp.send(out, rinfo.port, rinfo.address);
        o.onAnswer?.('udp', msg, out, (performance.now() - t0) / 1000);
      },
      (err) => log.debug({ err: String(err), from: rinfo.address }, 'dropped DNS datagram'),
    );
  });
  udp.on('error', (err) => log.error({ err: String(err) }, 'DNS UDP socket error'));

  tcp.on('connection', (sock) => {
    conns.add(sock);
    sock.setTimeout(o.tcpIdleMs ?? 10_000, () => sock.destroy());
    sock.on('close', () => conns.delete(sock));
    sock.on('error', () => sock.destroy());
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = Buffer.from(buf.subarray(2, 2 + len));
        buf = buf.subarray(2 + len);
        const t0 = performance.now();
        o.dns.answer(msg, { maxSize: MAX_TCP_MESSAGE }).then(
          (out) => {
            if (sock.destroyed) return;
            const frame = Buffer.allocUnsafe(2 + out.length);
            frame.writeUInt16BE(out.length, 0);
            out.copy(frame, 2);
            sock.write(frame);
            o.onAnswer?.('tcp', msg, out, (performance.now() - t0) / 1000);
          },
          (err) => {
            log.debug({ err: String(err) }, 'bad DNS message over TCP');
            sock.destroy();
          },
        );
      }
    });
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= Promise.all([
      new Promise<void>((r) => {
        tcp.close(() => r());
        for (const c of conns) c.destroy();
      }),
      new Promise<void>((r) => udp.close(() => r())),
    ]).then(() => {
      o.signal.removeEventListener('abort', close);
    });
    return closing;
  };
  if (o.signal.aborted) void close();
  else o.signal.addEventListener('abort', close, { once: true });
  return { port, close };
}

function listenTcp(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ host, port, exclusive: true }, () => {
      srv.off('error', reject);
      resolve(srv);
    });
  });
}

function bindUdp(host: string, port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const s = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    s.once('error', reject);
    s.bind({ address: host, port, exclusive: true }, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}
