/**
 * The node's service device: where the service CIDR is routed so that a service IP no proxier rule
 * rewrote goes nowhere (never out by the default route), and where node-local service addresses
 * (the cluster DNS address) are bound.
 *
 * Contracts:
 * - The device is a bridge without ports (`k8svc` + 6 hex of the node name). Upstream uses a dummy
 *   device (kube-ipvs0); an empty bridge behaves the same — packets routed to it are dropped — and
 *   exists on kernels built without the dummy driver.
 * - `ensureServiceDevice` is idempotent: creates and raises the device, makes its /32 addresses
 *   exactly `addresses`, and points the service CIDR route at it (`ip route replace`, so the last
 *   node started on a machine holds the route).
 * - Host-originated traffic to a service IP is routed to the device first, then rewritten by the nat
 *   OUTPUT rules and re-routed; forwarded pod traffic is rewritten in PREROUTING before routing.
 * - `removeServiceDevice` deletes the device, which takes its addresses and routes with it.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { linkExists } from '../util/hostnet.js';

const run = promisify(execFile);

export const serviceDeviceNameFor = (nodeName: string): string => `k8svc${createHash('sha256').update(nodeName).digest('hex').slice(0, 6)}`;

export async function ensureServiceDevice(name: string, serviceCidr: string, addresses: string[]): Promise<void> {
  if (!(await linkExists(name))) {
    try {
      await run('ip', ['link', 'add', name, 'type', 'bridge']);
    } catch (e) {
      if (!(await linkExists(name))) throw e;
    }
  }
  await run('ip', ['link', 'set', name, 'up']);
  const { stdout } = await run('ip', ['-o', '-4', 'addr', 'show', 'dev', name]);
  const have = new Set([...stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\/32/g)].map((m) => m[1]!));
  for (const a of addresses) if (!have.has(a)) await run('ip', ['addr', 'add', `${a}/32`, 'dev', name]);
  for (const a of have) if (!addresses.includes(a)) await run('ip', ['addr', 'del', `${a}/32`, 'dev', name]).catch(() => undefined);
  await run('ip', ['route', 'replace', serviceCidr, 'dev', name]);
}

export async function removeServiceDevice(name: string): Promise<void> {
  if (await linkExists(name)) await run('ip', ['link', 'del', name]).catch(() => undefined);
}
