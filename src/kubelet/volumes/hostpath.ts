/** hostPath type checks as upstream's checkType (symlinks are followed, as os.Stat does). */
import { mkdir, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

export type HostPathType = '' | 'DirectoryOrCreate' | 'Directory' | 'FileOrCreate' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await stat(p);
  } catch {
    return undefined;
  }
}

/**
 * Checks (and for the *OrCreate types creates: directories 0755 with parents, files 0644 without)
 * `path` against `type`. Throws `hostPath type check failed: <path> is not a …` on mismatch.
 */
export async function checkHostPathType(path: string, type: string | undefined): Promise<void> {
  const t = (type ?? '') as HostPathType;
  const fail = (what: string): never => {
    throw new Error(`hostPath type check failed: ${path} is not a ${what}`);
  };
  if (t === '') return;
  const st = await statOrUndefined(path);
  if (t === 'DirectoryOrCreate' || t === 'Directory') {
    if (!st && t === 'DirectoryOrCreate') await mkdir(path, { recursive: true, mode: 0o755 });
    else if (!st?.isDirectory()) fail('directory');
  } else if (t === 'FileOrCreate' || t === 'File') {
    if (!st && t === 'FileOrCreate') await (await open(path, 'a', 0o644)).close();
    else if (!st?.isFile()) fail('file');
  } else if (t === 'Socket') {
    if (!st?.isSocket()) fail('socket file');
  } else if (t === 'CharDevice') {
    if (!st?.isCharacterDevice()) fail('character device');
  } else if (t === 'BlockDevice') {
    if (!st?.isBlockDevice()) fail('block device');
  } else {
    throw new Error(`hostPath type check failed: unknown type ${String(type)}`);
  }
}
