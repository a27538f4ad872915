/**
 * The ProbeExec for a real node: CRI ExecSync with the probe's timeout. The CRI call's own deadline
 * is the timeout plus `graceMs`, so the runtime's DEADLINE_EXCEEDED (it killed the command) normally
 * arrives first; either way the CriError carries code 4 and the probe reports a timeout.
 */
import type { CriClient } from '../runtime/cri/client.js';
import type { ProbeExec } from './handlers.js';

export function criProbeExec(cri: Pick<CriClient, 'execSync'>, graceMs = 2000): ProbeExec {
  return async (containerId, cmd, timeoutSeconds) => {
    const r = await cri.execSync(containerId, cmd, timeoutSeconds, { timeoutMs: timeoutSeconds * 1000 + graceMs });
    return { exitCode: r.exitCode, output: Buffer.concat([r.stdout, r.stderr]).toString() };
  };
}
