/**
 * Keeps the node's hostPort rules (rules.ts) in step with its running pods: `sync(mappings)`
 * applies the whole set in one `iptables-restore --noflush` transaction when it changed, after
 * making sure the jumps from PREROUTING/OUTPUT/POSTROUTING exist. `cleanup` removes the jumps and
 * every chain of the node. Host chains are never flushed; only K8TS- chains are written.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Logger } from '../../util/logger.js';
import { jumpRules, nodeChains, ownedMappingChains, restoreInput, type HostPortMapping } from './rules.js';
import { iptablesRestore } from '../../util/hostnet.js';

const run = promisify(execFile);

const restore = (input: string): Promise<void> => iptablesRestore(input);

async function ensureJumps(nodeName: string): Promise<void> {
  for (const [chain, spec] of jumpRules(nodeChains(nodeName))) {
    try {
      await run('iptables', ['-w', '5', '-t', 'nat', '-C', chain, ...spec]);
    } catch {
      await run('iptables', ['-w', '5', '-t', 'nat', '-I', chain, '1', ...spec]);
    }
  }
}

export class HostPortManager {
  private applied = '';
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly nodeName: string, private readonly log: Logger) {}

  /** Applies `mappings` (the node's whole set) if they differ from what was applied last. Serialized. */
  sync(mappings: HostPortMapping[]): Promise<void> {
    const key = JSON.stringify([...mappings].sort((a, b) => a.hostPort - b.hostPort || a.pod.localeCompare(b.pod)));
    this.running = this.running.then(async () => {
      if (key === this.applied) return;
      if (mappings.length === 0 && this.applied === '') { this.applied = key; return; }
      const { stdout } = await run('iptables-save', ['-t', 'nat']);
      // Chains must exist before the jumps to them.
      await restore(restoreInput(this.nodeName, mappings, ownedMappingChains(stdout, this.nodeName)));
      await ensureJumps(this.nodeName);
      this.applied = key;
      this.log.info({ hostPorts: mappings.length }, 'hostport rules synced');
    }).catch((e: Error) => this.log.warn({ err: e.message }, 'hostport rules failed'));
    return this.running;
  }
}

/** Removes this node's jumps and chains (nothing else). */
export async function cleanupHostPorts(nodeName: string): Promise<void> {
  const c = nodeChains(nodeName);
  let save = '';
  try { save = (await run('iptables-save', ['-t', 'nat'])).stdout; } catch { return; /* no iptables */ }
  if (!save.includes(`:${c.hostports} `) && !save.includes(`:${c.masq} `)) return;
  for (const [chain, spec] of jumpRules(c)) {
    for (let i = 0; i < 10; i++) {
      try { await run('iptables', ['-w', '5', '-t', 'nat', '-D', chain, ...spec]); } catch { break; }
    }
  }
  const owned = ownedMappingChains(save, nodeName);
  const lines = ['*nat'];
  for (const ch of [c.hostports, c.masq, ...owned]) if (save.includes(`:${ch} `)) lines.push(`:${ch} - [0:0]`);
  for (const ch of [c.hostports, c.masq, ...owned]) if (save.includes(`:${ch} `)) lines.push(`-X ${ch}`);
  lines.push('COMMIT', '');
  await restore(lines.join('\n'));
}
