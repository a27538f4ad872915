/**
 * Connection-tracking exemption for node-local listeners on service addresses (as NodeLocal
 * DNSCache does for its addresses): raw-table NOTRACK rules for traffic to and from `ip:port`
 * (UDP and TCP) in chain K8TS-NOTRACK, jumped to from raw PREROUTING and OUTPUT.
 *
 * Contracts:
 * - Untracked packets skip the nat table, so neither iptables DNAT nor a userspace REDIRECT
 *   touches them: they reach the local listener directly, and the replies go back by plain
 *   routing. This also avoids the conntrack insertion race that drops one of the parallel A/AAAA
 *   queries glibc sends from one socket through a DNAT rule (the 5 s DNS stall).
 * - `ensureNoTrack` is idempotent (one `iptables-restore --noflush` declaring only K8TS-NOTRACK,
 *   jumps checked with -C and inserted when missing); `removeNoTrack` deletes the jumps and the chain.
 */
import { execFile } from 'node:child_process';
import { iptablesRestore } from '../util/hostnet.js';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const NOTRACK_CHAIN = 'K8TS-NOTRACK';
const JUMP = ['-m', 'comment', '--comment', 'node-local service listeners', '-j', NOTRACK_CHAIN];

export interface LocalListener {
  ip: string;
  port: number;
}

export function renderNoTrack(listeners: LocalListener[]): string {
  const rules: string[] = [];
  for (const { ip, port } of listeners) {
    for (const p of ['udp', 'tcp']) {
      rules.push(`-A ${NOTRACK_CHAIN} -d ${ip}/32 -p ${p} -m ${p} --dport ${port} -j NOTRACK`);
      rules.push(`-A ${NOTRACK_CHAIN} -s ${ip}/32 -p ${p} -m ${p} --sport ${port} -j NOTRACK`);
    }
  }
  return ['*raw', `:${NOTRACK_CHAIN} - [0:0]`, ...rules, 'COMMIT', ''].join('\n');
}

const restore = (input: string): Promise<void> => iptablesRestore(input);

export async function ensureNoTrack(listeners: LocalListener[]): Promise<void> {
  await restore(renderNoTrack(listeners));
  for (const chain of ['PREROUTING', 'OUTPUT']) {
    try {
      await run('iptables', ['-w', '5', '-t', 'raw', '-C', chain, ...JUMP]);
    } catch {
      await run('iptables', ['-w', '5', '-t', 'raw', '-I', chain, '1', ...JUMP]);
    }
  }
}

export async function removeNoTrack(): Promise<void> {
  for (const chain of ['PREROUTING', 'OUTPUT']) {
    for (let i = 0; i < 10; i++) {
      try {
        await run('iptables', ['-w', '5', '-t', 'raw', '-D', chain, ...JUMP]);
      } catch {
        break;
      }
    }
  }
  const { stdout } = await run('iptables-save', ['-t', 'raw']);
  if (stdout.includes(`:${NOTRACK_CHAIN} `)) await restore(['*raw', `:${NOTRACK_CHAIN} - [0:0]`, `-X ${NOTRACK_CHAIN}`, 'COMMIT', ''].join('\n'));
}
