/**
 * The node-local door to the API server behind the `kubernetes` Service: a TCP relay listening on
 * the Service's address (bound on the node's service device, exempted from conntrack like the
 * node-local DNS) that pipes each connection to the API server address the agent itself uses.
 * TLS stays end to end between the pod and the API server (whose serving certificate names the
 * Service address and `kubernetes.default.svc`); the relay sees only bytes.
 *
 * Used when the API server listens on loopback only: its `kubernetes` Endpoints then point at the
 * Service address itself (see the server's bootstrap), as the kube-dns ones do.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Logger } from '../util/logger.js';

export interface ApiServerRelayOptions {
  listenHost: string;
  listenPort: number;
  targetHost: string;
  targetPort: number;
  log: Logger;
  signal: AbortSignal;
}

export function startApiServerRelay(o: ApiServerRelayOptions): Promise<Server> {
  const open = new Set<Socket>();
  const srv = createServer((client) => {
    const upstream = connect({ host: o.targetHost, port: o.targetPort });
    open.add(client);
    open.add(upstream);
    const done = () => {
      open.delete(client);
      open.delete(upstream);
    };
    client.on('close', done);
    upstream.on('close', done);
    client.on('error', () => upstream.destroy());
    upstream.on('error', (e) => {
      o.log.debug({ err: e.message }, 'API server relay: upstream connection failed');
      client.resetAndDestroy();
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  o.signal.addEventListener('abort', () => {
    srv.close();
    for (const s of open) s.destroy();
  }, { once: true });
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ host: o.listenHost, port: o.listenPort, exclusive: true }, () => resolve(srv));
  });
}
