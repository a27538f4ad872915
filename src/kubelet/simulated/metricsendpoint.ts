/**
 * The kubelet endpoint of a simulated agent: HTTPS (a self-signed certificate made at start, the
 * same scheme as a real kubelet; clients are not authenticated) on 127.0.0.1 only, shared by every node the
 * agent hosts (each Node registers this port as status.daemonEndpoints.kubeletEndpoint.Port and the
 * address `InternalDNS: localhost`).
 *
 * Routes:
 * - `GET /metrics/resource`: resource metrics of every node of the agent (see usage.ts for the
 *   format; each series has a `node` label). A scraper asks once per endpoint, not once per node.
 * - `GET /metrics/resource?node=a&node=b`: only those nodes.
 * - `GET /healthz`: `ok`.
 */
import { createServer, type Server } from 'node:https';
import { selfSignedCert } from '../server/cert.js';

export interface KubeletEndpoint {
  port: number;
  close(): Promise<void>;
}

export async function startKubeletEndpoint(render: (nodes: Set<string> | undefined) => string, port: number, signal: AbortSignal): Promise<KubeletEndpoint> {
  const { certPem, keyPem } = await selfSignedCert('localhost');
  const server: Server = createServer({ cert: certPem, key: keyPem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok');
      return;
    }
    if (url.pathname === '/metrics/resource') {
      const wanted = url.searchParams.getAll('node');
      let body: string;
      try {
        body = render(wanted.length ? new Set(wanted) : undefined);
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(err instanceof Error ? err.message : String(err));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
  });
  server.keepAliveTimeout = 60_000;
  const close = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address();
      signal.addEventListener('abort', () => void close(), { once: true });
      resolve({ port: addr && typeof addr === 'object' ? addr.port : port, close });
    });
  });
}
