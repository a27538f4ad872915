/**
 * Upstream's SetVolumeOwnership for pod.spec.securityContext.fsGroup: every entry of a volume gets
 * group fsGroup; files gain g+rw (g+r when the volume is read-only), directories also g+x and setgid.
 * Symlinks are re-grouped but never chmod-ed or followed.
 */
import { chmod, lchown, lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export async function setVolumeOwnership(dir: string, fsGroup: number, readOnly: boolean, changePolicy?: string): Promise<void> {
  if (changePolicy === 'OnRootMismatch') {
    const st = await stat(dir);
    const want = readOnly ? 0o440 : 0o660;
    if (st.gid === fsGroup && (st.mode & want) === want && (st.mode & 0o2000) !== 0) return;
  }
  await walk(dir, fsGroup, readOnly);
}

async function walk(p: string, gid: number, readOnly: boolean): Promise<void> {
  const st = await lstat(p);
  await lchown(p, -1, gid);
  if (st.isSymbolicLink()) return;
  let mask = readOnly ? 0o440 : 0o660;
  if (st.isDirectory()) mask |= 0o2000 | 0o110;
  await chmod(p, (st.mode & 0o7777) | mask);
  if (st.isDirectory()) for (const e of await readdir(p)) await walk(join(p, e), gid, readOnly);
}
