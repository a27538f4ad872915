/**
 * Upstream's AtomicWriter: projects a set of files into a volume directory so that readers never see
 * a half-updated set. Files live in a timestamped directory `..<UTC time>.<random>`; the symlink
 * `..data` points at the current one and is swapped with a rename; each top-level entry of the
 * payload is a user-visible symlink `<name>` → `..data/<name>`.
 */
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rename, rm, stat, symlink, chmod, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';

export interface FileProjection {
  data: Buffer;
  /** Permission bits (e.g. 0o644), applied regardless of the umask. */
  mode: number;
}
/** Relative path inside the volume → content. */
export type Payload = Map<string, FileProjection>;

export const DATA_DIR_NAME = '..data';
const DATA_TMP_NAME = '..data_tmp';
const MAX_PATH_LENGTH = 4096;
const MAX_FILE_NAME_LENGTH = 255;

/** Throws with upstream's text unless `p` is a valid payload path (relative, no `..` element, no `..` prefix). */
export function validatePath(p: string): void {
  if (p === '') throw new Error(`invalid path: must not be empty: "${p}"`);
  if (p.startsWith('/')) throw new Error(`invalid path: must be relative path: ${p}`);
  if (p.length > MAX_PATH_LENGTH) throw new Error(`invalid path: must be less than or equal to ${MAX_PATH_LENGTH} characters`);
  const items = p.split('/');
  for (const item of items) {
    if (item === '..') throw new Error(`invalid path: must not contain '..': ${p}`);
    if (item.length > MAX_FILE_NAME_LENGTH) throw new Error(`invalid path: filenames must be less than or equal to ${MAX_FILE_NAME_LENGTH} characters`);
  }
  if (items[0]!.startsWith('..') && items[0]!.length > 2) throw new Error(`invalid path: must not start with '..': ${p}`);
}

function timestampPrefix(now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** Regular files under `dir` as relative paths (symlinks are not followed). */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out;
}

async function sameFile(path: string, want: FileProjection): Promise<boolean> {
  try {
    const st = await stat(path);
    if ((st.mode & 0o7777) !== want.mode || st.size !== want.data.length) return false;
    return (await readFile(path)).equals(want.data);
  } catch {
    return false;
  }
}

/**
 * Makes `targetDir` (which must exist) hold exactly `payload`. Returns false, touching nothing, when
 * the current contents (data and modes) already match. Invalid paths throw before anything is written.
 * Not safe to run concurrently on the same directory; callers serialize per volume.
 */
export async function writePayload(targetDir: string, payload: Payload, now: Date = new Date()): Promise<boolean> {
  const clean: Payload = new Map();
  for (const [p, f] of payload) {
    validatePath(p);
    const c = posix.normalize(p).replace(/\/+$/, '');
    clean.set(c, f);
  }
  const dataLink = join(targetDir, DATA_DIR_NAME);
  let oldTs: string | undefined;
  try {
    oldTs = await readlink(dataLink);
  } catch {
    oldTs = undefined;
  }
  const oldTsPath = oldTs !== undefined ? join(targetDir, oldTs) : undefined;
  const oldFiles = oldTsPath && (await exists(oldTsPath)) ? await listFiles(oldTsPath) : undefined;

  const newTop = new Set([...clean.keys()].map((k) => k.split('/')[0]!));
  const oldTop = new Set((oldFiles ?? []).map((k) => k.split('/')[0]!));
  const staleTop = [...oldTop].filter((t) => !newTop.has(t));

  let write = oldFiles === undefined || oldFiles.length !== clean.size || oldFiles.some((f) => !clean.has(f));
  if (!write) {
    for (const [p, f] of clean) {
      if (!(await sameFile(join(oldTsPath!, p), f))) {
        write = true;
        break;
      }
    }
  }
  if (!write) {
    // Contents match; still repair missing user-visible links.
    await createUserVisible(targetDir, newTop);
    return false;
  }

  const tsDir = await mkdtemp(join(targetDir, timestampPrefix(now)));
  try {
    await chmod(tsDir, 0o755);
    for (const [p, f] of clean) {
      const file = join(tsDir, p);
      const parent = dirname(file);
      if (parent !== tsDir) await mkdir(parent, { recursive: true, mode: 0o755 });
      await writeFile(file, f.data, { mode: f.mode });
      await chmod(file, f.mode);
    }
    const tmpLink = join(targetDir, DATA_TMP_NAME);
    await rm(tmpLink, { force: true });
    await symlink(basename(tsDir), tmpLink);
    await rename(tmpLink, dataLink);
  } catch (e) {
    await rm(tsDir, { recursive: true, force: true });
    throw e;
  }
  await createUserVisible(targetDir, newTop);
  for (const t of staleTop) await rm(join(targetDir, t), { force: true });
  if (oldTsPath) await rm(oldTsPath, { recursive: true, force: true });
  return true;
}

async function createUserVisible(targetDir: string, names: Iterable<string>): Promise<void> {
  for (const n of names) {
    const link = join(targetDir, n);
    if (!(await exists(link))) await symlink(join(DATA_DIR_NAME, n), link);
  }
}
