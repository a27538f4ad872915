/**
 * hostPort as the kubelet's old hostport manager did it, with k8ts's own chains (nat table):
 *
 *   PREROUTING / OUTPUT  -m addrtype --dst-type LOCAL -j K8TS-HOSTPORTS-<node>
 *   K8TS-HOSTPORTS-<node>  -p tcp --dport 8080 [-d hostIP] -j K8TS-HP-<hash>
 *   K8TS-HP-<hash>         -p tcp -j DNAT --to-destination podIP:containerPort
 *   POSTROUTING            -j K8TS-HPMASQ-<node>
 *   K8TS-HPMASQ-<node>     -s podIP -d podIP -p tcp --dport containerPort -j MASQUERADE   (hairpin)
 *
 * Pure: the iptables-restore input for a set of mappings. Only chains named K8TS-… are written.
 */
import { createHash } from 'node:crypto';

export interface HostPortMapping {
  /** `<namespace>/<name>` of the pod, for the rule comments. */
  pod: string;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  hostPort: number;
  hostIP?: string;
  podIP: string;
  containerPort: number;
}

const hash = (s: string, n: number): string => createHash('sha256').update(s).digest('hex').slice(0, n).toUpperCase();

export interface NodeChains {
  /** Jumped to from PREROUTING and OUTPUT for local destinations. */
  hostports: string;
  /** Jumped to from POSTROUTING. */
  masq: string;
}

export function nodeChains(nodeName: string): NodeChains {
  const h = hash(nodeName, 6);
  return { hostports: `K8TS-HOSTPORTS-${h}`, masq: `K8TS-HPMASQ-${h}` };
}

/** The per-mapping chain (≤ 28 characters, iptables' limit). */
export function mappingChain(nodeName: string, m: HostPortMapping): string {
  return `K8TS-HP-${hash(`${nodeName}/${m.pod}/${m.protocol}/${m.hostIP ?? ''}/${m.hostPort}`, 16)}`;
}

const proto = (p: HostPortMapping['protocol']): string => p.toLowerCase();
const comment = (s: string): string => `-m comment --comment ${JSON.stringify(s)}`;

/** The jumps from the built-in chains: [chain, rule spec] pairs for `iptables -t nat -C/-I/-D`. */
export function jumpRules(c: NodeChains): [string, string[]][] {
  const local = ['-m', 'addrtype', '--dst-type', 'LOCAL'];
  return [
    ['PREROUTING', [...local, '-m', 'comment', '--comment', 'k8ts hostports', '-j', c.hostports]],
    ['OUTPUT', [...local, '-m', 'comment', '--comment', 'k8ts hostports', '-j', c.hostports]],
    ['POSTROUTING', ['-m', 'comment', '--comment', 'k8ts hostport hairpin', '-j', c.masq]],
  ];
}

/**
 * iptables-restore input (use with --noflush): declares (and so flushes) this node's chains, fills
 * them, and empties and deletes the `stale` mapping chains that are no longer used.
 */
export function restoreInput(nodeName: string, mappings: HostPortMapping[], stale: string[]): string {
  const c = nodeChains(nodeName);
  const sorted = [...mappings].sort((a, b) => a.hostPort - b.hostPort || a.protocol.localeCompare(b.protocol) || a.pod.localeCompare(b.pod));
  const chains = sorted.map((m) => mappingChain(nodeName, m));
  const gone = stale.filter((x) => !chains.includes(x));
  const lines = ['*nat', `:${c.hostports} - [0:0]`, `:${c.masq} - [0:0]`];
  // Stale chains are declared too (which empties them) so that they can be deleted below.
  for (const ch of [...chains, ...gone]) lines.push(`:${ch} - [0:0]`);
  sorted.forEach((m, i) => {
    const p = proto(m.protocol);
    const dst = m.hostIP && m.hostIP !== '0.0.0.0' ? ` -d ${m.hostIP}/32` : '';
    const what = `${m.pod} hostport ${m.hostPort}`;
    lines.push(`-A ${c.hostports} -p ${p} ${comment(what)} -m ${p} --dport ${m.hostPort}${dst} -j ${chains[i]}`);
    lines.push(`-A ${chains[i]} -p ${p} ${comment(what)} -m ${p} -j DNAT --to-destination ${m.podIP}:${m.containerPort}`);
    lines.push(`-A ${c.masq} -s ${m.podIP}/32 -d ${m.podIP}/32 -p ${p} ${comment(`${what} hairpin`)} -m ${p} --dport ${m.containerPort} -j MASQUERADE`);
  });
  for (const ch of gone) lines.push(`-X ${ch}`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** Mapping chains this node's top chain jumps to, read from `iptables-save -t nat` output. */
export function ownedMappingChains(save: string, nodeName: string): string[] {
  const top = nodeChains(nodeName).hostports;
  const out = new Set<string>();
  for (const line of save.split('\n')) {
    if (!line.startsWith(`-A ${top} `)) continue;
    const m = / -j (K8TS-HP-[0-9A-F]{16})\b/.exec(line);
    if (m) out.add(m[1]!);
  }
  return [...out];
}
