/**
 * Teardown of a containerd a test started itself (runtime/containerd.ts `startContainerd`):
 * every sandbox through CRI, containerd by PID, its leftover shims, mounts under the test dir, pod
 * netns files, the test's bridge, and the dir. Never throws.
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import type { CriClient } from '../../src/kubelet/runtime/cri/client.js';
import { killShims, unmountUnder, type RunningContainerd } from '../../src/kubelet/runtime/containerd.js';

const run = promisify(execFile);

export interface OwnContainerd {
  cri?: CriClient | undefined;
  ctrd?: RunningContainerd | undefined;
  /** The test's temp dir (containerd's dir is inside it). */
  dir?: string;
  bridge: string;
  netnsPaths?: Iterable<string>;
}

export async function teardownContainerd(o: OwnContainerd): Promise<void> {
  if (o.cri) {
    try {
      for (const s of await o.cri.listPodSandbox()) {
        await o.cri.stopPodSandbox(s.id).catch(() => undefined);
        await o.cri.removePodSandbox(s.id).catch(() => undefined);
      }
    } catch { /* containerd may be gone */ }
    o.cri.close();
  }
  if (o.ctrd) {
    await o.ctrd.stop();
    killShims(o.ctrd.paths.socket);
  }
  if (o.dir) await unmountUnder(o.dir);
  for (const p of o.netnsPaths ?? []) {
    if (existsSync(p)) {
      await run('umount', [p]).catch(() => undefined);
      rmSync(p, { force: true });
    }
  }
  await run('ip', ['link', 'del', o.bridge]).catch(() => undefined);
  if (o.dir) rmSync(o.dir, { recursive: true, force: true });
}
