/** tmpfs mounts for memory-backed volumes (emptyDir medium Memory, secret, projected). Needs root. */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** True when `dir` is the root of a mount (its device differs from its parent's). */
export async function isMountPoint(dir: string): Promise<boolean> {
  try {
    const [a, b] = await Promise.all([stat(dir), stat(dirname(dir))]);
    return a.dev !== b.dev;
  } catch {
    return false;
  }
}

/** Mounts a tmpfs on `dir` (which must exist) unless one is there; `sizeBytes` > 0 caps it. */
export async function ensureTmpfs(dir: string, sizeBytes?: number): Promise<void> {
  if (await isMountPoint(dir)) return;
  const args = ['-t', 'tmpfs'];
  if (sizeBytes && sizeBytes > 0) args.push('-o', `size=${sizeBytes}`);
  try {
    await execFileP('mount', [...args, 'tmpfs', dir]);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`mount failed: ${(err.stderr || err.message).trim()}`);
  }
}
