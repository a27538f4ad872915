/**
 * nat rules of the userspace proxier, as upstream's userspace mode (pkg/proxy/userspace/proxier.go,
 * removed in 1.26), with chains named K8TS-…:
 *
 *   nat PREROUTING (inserted first)  -j K8TS-PORTALS-CONTAINER   traffic arriving from pods/other hosts
 *   nat OUTPUT     (inserted first)  -j K8TS-PORTALS-HOST        traffic the node itself sends
 *   nat PREROUTING (appended)        -m addrtype --dst-type LOCAL -j K8TS-NODEPORT-CONTAINER
 *   nat OUTPUT     (appended)        -m addrtype --dst-type LOCAL -j K8TS-NODEPORT-HOST
 *
 * Per service port (protocol tcp/udp) with proxy socket port P:
 *   PORTALS-*   -d <clusterIP | externalIP | LB ingress IP>/32 -p proto -m comment --comment "ns/svc:port"
 *               -m proto --dport <port> -j <target>
 *   NODEPORT-*  [-d <nodeIP>/32 for each nodeIP, or no -d when nodeIPs is empty] … --dport <nodePort> -j <target>
 * <target> is `REDIRECT --to-ports P` when the proxy binds the unspecified address (0.0.0.0): in
 * PREROUTING that rewrites to the receiving interface's address, in OUTPUT to 127.0.0.1, both of which
 * the socket listens on. With a specific bind address it is `DNAT --to-destination <bind>:P` in both
 * chains (upstream DNATs the host chain to the node IP; REDIRECT is used here instead).
 *
 * A cluster IP that is itself a local address of the node (the node-local DNS binds the kube-dns
 * address, whose Endpoints are that same address) is not redirected in the host chain
 * (`-m addrtype ! --dst-type LOCAL`): the relay's own connections to that endpoint would otherwise be
 * redirected back into the relay; the node's traffic reaches the local listener directly.
 *
 * `renderNat` is pure and deterministic (input order is kept; the proxier passes the sorted service
 * map). Its output is `iptables-restore --noflush` input that declares (thus flushes) only the four
 * K8TS- chains above and never a built-in chain.
 */
import type { ServicePortInfo } from '../servicemap.js';

export const CHAIN = {
  portalsContainer: 'K8TS-PORTALS-CONTAINER',
  portalsHost: 'K8TS-PORTALS-HOST',
  nodePortContainer: 'K8TS-NODEPORT-CONTAINER',
  nodePortHost: 'K8TS-NODEPORT-HOST',
} as const;

export const ALL_CHAINS: readonly string[] = Object.values(CHAIN);

export interface Portal {
  info: ServicePortInfo;
  /** Port of the proxier's socket for this service port. */
  proxyPort: number;
}

export interface RenderOptions {
  /** Node-port addresses; empty = every local address (the jump's addrtype match). */
  nodeIPs: readonly string[];
  /** The address the proxy sockets bind; '0.0.0.0' selects REDIRECT. */
  bindAddress: string;
}

/** A jump from a built-in nat chain: `insert` goes to position 1, `append` to the end. */
export interface JumpRule {
  chain: 'PREROUTING' | 'OUTPUT';
  position: 'insert' | 'append';
  spec: string[];
}

export function jumpRules(): JumpRule[] {
  const portals = ['-m', 'comment', '--comment', 'handle ClusterIPs; NOTE: this must be before the NodePort rules'];
  const nodePorts = ['-m', 'addrtype', '--dst-type', 'LOCAL', '-m', 'comment', '--comment', 'handle service NodePorts; NOTE: this must be the last rule in the chain'];
  return [
    { chain: 'PREROUTING', position: 'insert', spec: [...portals, '-j', CHAIN.portalsContainer] },
    { chain: 'OUTPUT', position: 'insert', spec: [...portals, '-j', CHAIN.portalsHost] },
    { chain: 'PREROUTING', position: 'append', spec: [...nodePorts, '-j', CHAIN.nodePortContainer] },
    { chain: 'OUTPUT', position: 'append', spec: [...nodePorts, '-j', CHAIN.nodePortHost] },
  ];
}

export function isUnspecified(addr: string): boolean {
  return addr === '0.0.0.0' || addr === '' || addr === '::';
}

function target(proxyPort: number, o: RenderOptions): string {
  return isUnspecified(o.bindAddress) ? `-j REDIRECT --to-ports ${proxyPort}` : `-j DNAT --to-destination ${o.bindAddress}:${proxyPort}`;
}

/** One rule per (chain, destination); `dest` undefined = any local destination. */
function rule(chain: string, dest: string | undefined, port: number, p: Portal, o: RenderOptions, notLocal = false): string {
  const proto = p.info.protocol.toLowerCase();
  const d = dest ? `-d ${dest}/32 ` : '';
  const nl = notLocal ? '-m addrtype ! --dst-type LOCAL ' : '';
  return `-A ${chain} ${d}${nl}-p ${proto} -m comment --comment "${p.info.key}" -m ${proto} --dport ${port} ${target(p.proxyPort, o)}`;
}

/** The complete nat transaction for the given portals (SCTP service ports must be filtered out by the caller). */
export function renderNat(portals: readonly Portal[], o: RenderOptions): string {
  const lines = ['*nat', ...ALL_CHAINS.map((c) => `:${c} - [0:0]`)];
  const container: string[] = [];
  const host: string[] = [];
  const npContainer: string[] = [];
  const npHost: string[] = [];
  for (const p of portals) {
    for (const ip of [p.info.clusterIP, ...p.info.externalIPs, ...p.info.loadBalancerIPs]) {
      container.push(rule(CHAIN.portalsContainer, ip, p.info.port, p, o));
      host.push(rule(CHAIN.portalsHost, ip, p.info.port, p, o, ip === p.info.clusterIP));
    }
    if (p.info.nodePort > 0) {
      const dests = o.nodeIPs.length > 0 ? o.nodeIPs : [undefined];
      for (const ip of dests) {
        npContainer.push(rule(CHAIN.nodePortContainer, ip, p.info.nodePort, p, o));
        npHost.push(rule(CHAIN.nodePortHost, ip, p.info.nodePort, p, o));
      }
    }
  }
  lines.push(...container, ...host, ...npContainer, ...npHost, 'COMMIT', '');
  return lines.join('\n');
}

/** The transaction deleting whichever of our chains `installed` (iptables-save -t nat output) shows. */
export function renderDeleteChains(installed: string): string | undefined {
  const present = ALL_CHAINS.filter((c) => installed.includes(`:${c} `));
  if (present.length === 0) return undefined;
  return ['*nat', ...present.map((c) => `:${c} - [0:0]`), ...present.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n');
}
