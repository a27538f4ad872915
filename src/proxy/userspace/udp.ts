/**
 * The UDP side of a userspace portal: one socket on bindAddress:0; per client address a session
 * socket connected to the chosen backend, as upstream's udpProxySocket.
 *
 * Contracts:
 * - The first datagram from a client address picks a backend (affinity by client IP) and opens a
 *   session; later datagrams from that address go to the same backend while the session lives.
 *   Datagrams that arrive before the session socket is connected are queued, not lost.
 * - Replies from the backend are sent to the client from the portal socket (so conntrack maps them
 *   back to the service address the client used).
 * - A session expires after `idleMs` without traffic in either direction; a socket error on the
 *   session (e.g. ICMP port unreachable) ends it, and the next datagram starts a new one on the next
 *   endpoint (affinity reset). No endpoint → the datagram is dropped.
 * - `close()` closes the portal socket and every session.
 */
import dgram from 'node:dgram';
import type { Logger } from '../../util/logger.js';
import { endpointCounter, newCounters, type EndpointCounters, splitHostPort, type Picker, type PortProxy } from './portproxy.js';
import { SessionTable } from './sessions.js';

interface Session {
  sock: dgram.Socket;
  connected: boolean;
  queue: Buffer[];
  counters: EndpointCounters;
}

/** Upstream --udp-timeout default. */
export const DEFAULT_UDP_IDLE_TIMEOUT_MS = 250;

export class UdpPortProxy implements PortProxy {
  readonly protocol = 'UDP' as const;
  readonly counters = newCounters();
  readonly endpoints = new Map<string, EndpointCounters>();
  private readonly sessions: SessionTable<Session>;
  private readonly sweeper: NodeJS.Timeout;
  /** Client addresses whose last session failed (remembered for idleMs): their next pick skips affinity. */
  private readonly failed: SessionTable<true>;
  private closed = false;

  private constructor(
    private readonly sock: dgram.Socket,
    readonly port: number,
    private readonly pick: Picker,
    idleMs: number,
    private readonly log: Logger,
  ) {
    this.sessions = new SessionTable<Session>(idleMs);
    this.failed = new SessionTable<true>(idleMs);
    sock.on('message', (msg, rinfo) => this.onClient(msg, rinfo.address, rinfo.port));
    sock.on('error', (e) => log.warn({ err: e.message, port }, 'udp portal socket error'));
    this.sweeper = setInterval(() => this.sweep(), Math.max(5, Math.floor(idleMs / 4)));
    this.sweeper.unref();
  }

  static open(bindAddress: string, pick: Picker, idleMs: number, log: Logger): Promise<UdpPortProxy> {
    return new Promise((resolve, reject) => {
      const sock = dgram.createSocket({ type: 'udp4' });
      sock.once('error', reject);
      sock.bind({ address: bindAddress, port: 0, exclusive: true }, () => {
        sock.off('error', reject);
        resolve(new UdpPortProxy(sock, sock.address().port, pick, idleMs, log));
      });
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    clearInterval(this.sweeper);
    for (const [, s] of this.sessions.clear()) this.end(s);
    this.counters.active = 0;
    return new Promise((resolve) => this.sock.close(() => resolve()));
  }

  private onClient(msg: Buffer, address: string, port: number): void {
    if (this.closed) return;
    this.counters.packetsIn++;
    this.counters.bytesIn += msg.length;
    const client = `${address}:${port}`;
    let s = this.sessions.get(client);
    if (!s) {
      const ep = this.pick(address, this.failed.delete(client) ?? false);
      if (!ep) {
        this.counters.noEndpoint++;
        return;
      }
      s = this.open(client, address, port, ep);
    }
    this.sessions.touch(client);
    s.counters.bytesIn += msg.length;
    if (s.connected) s.sock.send(msg);
    else s.queue.push(msg);
  }

  private open(client: string, address: string, port: number, ep: string): Session {
    const [host, epPort] = splitHostPort(ep);
    const sock = dgram.createSocket({ type: 'udp4' });
    const epc = endpointCounter(this.endpoints, ep);
    epc.connections++;
    const s: Session = { sock, connected: false, queue: [], counters: epc };
    this.sessions.add(client, s);
    this.counters.active++;
    sock.on('error', (e) => {
      this.log.debug({ endpoint: ep, client, err: e.message }, 'udp session failed');
      if (this.sessions.get(client) === s) {
        this.sessions.delete(client);
        this.counters.active--;
        this.failed.add(client, true);
      }
      this.end(s);
    });
    sock.on('message', (reply) => {
      if (this.closed) return;
      this.sessions.touch(client);
      this.counters.packetsOut++;
      this.counters.bytesOut += reply.length;
      epc.bytesOut += reply.length;
      this.sock.send(reply, port, address);
    });
    sock.connect(epPort, host, () => {
      s.connected = true;
      for (const m of s.queue.splice(0)) sock.send(m);
    });
    return s;
  }

  private sweep(): void {
    this.failed.expire();
    for (const [, s] of this.sessions.expire()) {
      this.counters.active--;
      this.end(s);
    }
  }

  private end(s: Session): void {
    s.queue.length = 0;
    try {
      s.sock.close();
    } catch {
      /* already closed */
    }
  }
}
