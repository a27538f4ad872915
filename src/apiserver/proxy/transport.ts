/**
 * How the API server reaches kubelets: HTTPS with the API server's kubelet client certificate.
 * The kubelet's serving certificate is not verified (upstream's default without
 * --kubelet-certificate-authority; kubelets serve self-signed certificates).
 *
 * Upgrade connections are raw TLS sockets: the request head is written by hand and the bytes are
 * then relayed both ways unchanged (the kubelet answers the handshake).
 */
import { Agent, request, type RequestOptions } from 'node:https';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { connect, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';

export interface ClientCert {
  cert: string;
  key: string;
}

export interface KubeletAddress {
  address: string;
  port: number;
}

const hostHeader = (ep: KubeletAddress): string => (ep.address.includes(':') ? `[${ep.address}]:${ep.port}` : `${ep.address}:${ep.port}`);

export class KubeletTransport {
  private readonly agent: Agent;

  constructor(private readonly clientCert?: ClientCert, private readonly connectTimeoutMs = 10_000) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 64, rejectUnauthorized: false, ...(clientCert ? { cert: clientCert.cert, key: clientCert.key } : {}) });
  }

  private tlsOptions(ep: KubeletAddress) {
    return {
      host: ep.address,
      port: ep.port,
      family: isIP(ep.address) === 6 ? 6 : 4,
      rejectUnauthorized: false,
      ...(isIP(ep.address) ? {} : { servername: ep.address }),
      ...(this.clientCert ? { cert: this.clientCert.cert, key: this.clientCert.key } : {}),
    };
  }

  /** An HTTPS request to the kubelet; resolves with the response head (any status). */
  request(ep: KubeletAddress, path: string, o: { method?: string; headers?: OutgoingHttpHeaders; body?: Buffer; signal?: AbortSignal } = {}): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const opts: RequestOptions = { ...this.tlsOptions(ep), agent: this.agent, method: o.method ?? 'GET', path, headers: o.headers, signal: o.signal };
      // Only the wait for the response head is bounded; a streamed body may idle.
      const timer = setTimeout(() => req.destroy(new Error(`kubelet ${hostHeader(ep)} did not answer in ${this.connectTimeoutMs} ms`)), this.connectTimeoutMs);
      const req = request(opts, (res) => {
        clearTimeout(timer);
        resolve(res);
      });
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      req.end(o.body);
    });
  }

  /** A TLS connection to the kubelet for an upgrade; `head` is written as soon as it is up. */
  dial(ep: KubeletAddress, head: Buffer): Promise<TLSSocket> {
    return new Promise((resolve, reject) => {
      const s = connect(this.tlsOptions(ep));
      const timer = setTimeout(() => s.destroy(new Error(`kubelet ${hostHeader(ep)} did not answer in ${this.connectTimeoutMs} ms`)), this.connectTimeoutMs);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        s.off('error', reject);
        s.setNoDelay(true);
        s.write(head);
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  close(): void {
    this.agent.destroy();
  }

  static hostHeader = hostHeader;
}

