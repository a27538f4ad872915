/**
 * The TCP side of a userspace portal: a server on bindAddress:0 forwarding every accepted connection
 * to a backend, as upstream's tcpProxySocket (pkg/proxy/userspace/proxysocket.go).
 *
 * Contracts:
 * - Per accepted connection the picker is asked for a backend; a failed or timed-out dial moves to the
 *   next pick (affinity reset, endpoints this connection already failed on skipped while others
 *   exist), one attempt per entry of `dialTimeoutsMs` (upstream 250ms, 500ms, 1s, 2s). No endpoint, or every attempt failed → the client connection is reset (RST).
 * - Bytes the client sent while the backend was being dialed are delivered. Both directions are piped
 *   with half-close: an end (FIN) from one side is passed on as an end to the other, whose replies
 *   still flow until it ends too. An error on one side resets the other.
 * - `close()` stops accepting and destroys every open connection of this service port.
 */
import net from 'node:net';
import type { Logger } from '../../util/logger.js';
import { endpointCounter, newCounters, type EndpointCounters, plainIP, splitHostPort, type Picker, type PortProxy } from './portproxy.js';

export const DEFAULT_DIAL_TIMEOUTS_MS: readonly number[] = [250, 500, 1000, 2000];

export class TcpPortProxy implements PortProxy {
  readonly protocol = 'TCP' as const;
  readonly counters = newCounters();
  readonly endpoints = new Map<string, EndpointCounters>();
  private readonly conns = new Set<net.Socket>();
  private closed = false;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly pick: Picker,
    private readonly dialTimeoutsMs: readonly number[],
    private readonly log: Logger,
  ) {
    server.on('connection', (c) => this.accept(c));
    server.on('error', (e) => log.warn({ err: e.message, port }, 'tcp portal socket error'));
  }

  static open(bindAddress: string, pick: Picker, log: Logger, dialTimeoutsMs: readonly number[] = DEFAULT_DIAL_TIMEOUTS_MS): Promise<TcpPortProxy> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
      server.once('error', reject);
      server.listen({ host: bindAddress, port: 0, exclusive: true }, () => {
        server.off('error', reject);
        resolve(new TcpPortProxy(server, (server.address() as net.AddressInfo).port, pick, dialTimeoutsMs, log));
      });
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.conns) c.destroy();
    this.conns.clear();
    return done;
  }

  private track(s: net.Socket): void {
    this.conns.add(s);
    s.once('close', () => this.conns.delete(s));
  }

  private accept(client: net.Socket): void {
    this.counters.connectionsAccepted++;
    if (this.closed) return void client.destroy();
    client.on('error', () => {}); // reported through 'close'
    this.track(client);
    this.counters.active++;
    client.once('close', () => this.counters.active--);
    void this.dial(plainIP(client.remoteAddress), client).then((dialed) => {
      if (!dialed) {
        if (client.destroyed) return; // went away (or the portal closed) while dialing
        this.counters.noEndpoint++;
        return void client.resetAndDestroy();
      }
      const [ep, backend] = dialed;
      if (client.destroyed || this.closed) return void backend.destroy();
      this.track(backend);
      this.splice(client, backend, endpointCounter(this.endpoints, ep));
    });
  }

  /** Dials backends in turn until one connects; undefined when none did (or the client went away). */
  private async dial(clientIP: string, client: net.Socket): Promise<[string, net.Socket] | undefined> {
    const failed = new Set<string>();
    for (let i = 0; i < this.dialTimeoutsMs.length; i++) {
      if (client.destroyed || this.closed) return undefined;
      let ep = this.pick(clientIP, i > 0);
      // Concurrent connections share the rotation: skip endpoints this connection already failed on.
      for (let k = 0; ep && failed.has(ep) && k < 16; k++) ep = this.pick(clientIP, true);
      if (!ep) return undefined;
      failed.add(ep);
      const [host, port] = splitHostPort(ep);
      const s = await connect(host, port, this.dialTimeoutsMs[i]!).catch((e: Error) => {
        this.log.debug({ endpoint: ep, err: e.message, attempt: i + 1 }, 'dial to endpoint failed');
        return undefined;
      });
      if (s) return [ep, s];
    }
    return undefined;
  }

  private splice(client: net.Socket, backend: net.Socket, ep: EndpointCounters): void {
    ep.connections++;
    client.on('data', (d: Buffer) => {
      this.counters.bytesIn += d.length;
      ep.bytesIn += d.length;
    });
    backend.on('data', (d: Buffer) => {
      this.counters.bytesOut += d.length;
      ep.bytesOut += d.length;
    });
    client.pipe(backend);
    backend.pipe(client);
    const link = (a: net.Socket, b: net.Socket) =>
      a.once('close', (hadError) => {
        if (b.destroyed) return;
        if (hadError) b.resetAndDestroy();
        else if (!b.writableEnded) b.destroy();
      });
    link(client, backend);
    link(backend, client);
    client.resume();
  }
}

function connect(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port, allowHalfOpen: true });
    const timer = setTimeout(() => s.destroy(Object.assign(new Error(`dial ${host}:${port} timed out`), { code: 'ETIMEDOUT' })), timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeListener('error', reject);
      s.on('error', () => {}); // from here on reported through 'close'
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
