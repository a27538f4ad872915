import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CriClient } from '../runtime/cri/client.js';
import { criProbeExec } from './criexec.js';
import { execProbe } from './handlers.js';

test('criProbeExec: passes the timeout to ExecSync, joins stdout and stderr; DEADLINE_EXCEEDED is a timeout', async () => {
  const calls: unknown[][] = [];
  const cri = {
    async execSync(id: string, cmd: string[], timeout?: number, o?: { timeoutMs?: number }) {
      calls.push([id, cmd, timeout, o?.timeoutMs]);
      if (cmd[0] === 'slow') throw Object.assign(new Error('CRI ExecSync: DEADLINE_EXCEEDED: timeout 1s exceeded'), { code: 4 });
      return { stdout: Buffer.from('out '), stderr: Buffer.from('err'), exitCode: 3 };
    },
  } satisfies Pick<CriClient, 'execSync'>;
  const exec = criProbeExec(cri, 500);
  assert.deepEqual(await exec('c1', ['check'], 2), { exitCode: 3, output: 'out err' });
  assert.deepEqual(calls[0], ['c1', ['check'], 2, 2500]);
  assert.deepEqual(await execProbe(exec, 'c1', ['slow', 'x'], 1, 5000), { result: 'failure', output: 'command "slow x" timed out' });
});
