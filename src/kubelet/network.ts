/**
 * The node's pod network plumbing outside CNI: the bridge created up front with the gateway
 * address (so the node IP exists before the first pod), the `unreachable` route over the cluster
 * CIDR (nothing for it leaves by the default route), and their removal.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { linkExists } from '../util/hostnet.js';

const run = promisify(execFile);

/** Bridge name for a node: `k8br` + 6 hex of the node name (≤ 15 characters, stable). */
export const bridgeNameFor = (nodeName: string): string => `k8br${createHash('sha256').update(nodeName).digest('hex').slice(0, 6)}`;

const toInt = (ip: string): number => ip.split('.').reduce((a, p) => a * 256 + Number(p), 0) >>> 0;
const toIp = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

/** First host address of a CIDR (the bridge gateway and the node IP by default). */
export function gatewayOf(cidr: string): string {
  const [base, bits] = cidr.split('/');
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return toIp(((toInt(base!) & mask) + 1) >>> 0);
}

export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return ((toInt(ip) & mask) >>> 0) === ((toInt(base!) & mask) >>> 0);
}

/** A stable, locally administered unicast MAC for a bridge: 02 + 5 bytes of sha256(name). */
export function bridgeMacFor(name: string): string {
  const h = createHash('sha256').update(`mac:${name}`).digest();
  return ['02', ...[...h.subarray(0, 5)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/**
 * Creates (or keeps) the bridge with `<gateway>/<prefix>` and brings it up. Its MAC is set
 * explicitly: a bridge whose address the kernel chose takes the lowest MAC of its ports and
 * changes it when that port (a deleted pod's veth) goes, leaving every pod's ARP entry for the
 * gateway stale for seconds.
 */
export async function ensureBridge(name: string, podCidr: string): Promise<string> {
  const gw = gatewayOf(podCidr);
  const prefix = podCidr.split('/')[1];
  if (!(await linkExists(name))) await run('ip', ['link', 'add', name, 'address', bridgeMacFor(name), 'type', 'bridge']);
  else if (readFileSync(`/sys/class/net/${name}/addr_assign_type`, 'utf8').trim() !== '3') await run('ip', ['link', 'set', 'dev', name, 'address', bridgeMacFor(name)]);
  const { stdout } = await run('ip', ['-o', '-4', 'addr', 'show', 'dev', name]);
  if (!stdout.includes(` ${gw}/${prefix} `)) await run('ip', ['addr', 'replace', `${gw}/${prefix}`, 'dev', name]);
  await run('ip', ['link', 'set', name, 'up']);
  return gw;
}

/** `ip route replace unreachable <clusterCidr>`; per-node bridge routes are more specific. */
export async function ensureClusterRoute(clusterCidr: string): Promise<void> {
  await run('ip', ['route', 'replace', 'unreachable', clusterCidr]);
}

export async function removeBridge(name: string): Promise<void> {
  if (await linkExists(name)) await run('ip', ['link', 'del', name]).catch(() => undefined);
}

export async function removeClusterRoute(clusterCidr: string): Promise<void> {
  await run('ip', ['route', 'del', 'unreachable', clusterCidr]).catch(() => undefined);
}

/** True while a k8ts node bridge (`k8br…`) with an address inside `clusterCidr` exists on this machine. */
export async function anyNodeBridgeIn(clusterCidr: string): Promise<boolean> {
  const { stdout } = await run('ip', ['-o', '-4', 'addr', 'show', 'type', 'bridge']);
  for (const line of stdout.split('\n')) {
    const m = /^\d+: (k8br[0-9a-f]{6})\s+inet (\d+\.\d+\.\d+\.\d+)\//.exec(line);
    if (m && cidrContains(clusterCidr, m[2]!)) return true;
  }
  return false;
}
