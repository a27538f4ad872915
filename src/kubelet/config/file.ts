/**
 * The manifest-directory pod source (upstream pkg/kubelet/config/file.go): static pods from
 * files, re-read periodically and on file-system events.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../util/logger.js';
import type { Pod } from '../types.js';
import { PodSet, type SourceUpdate } from './podset.js';
import { MAX_MANIFEST_BYTES, staticPodsFromText } from './staticpod.js';

export const DEFAULT_SOURCE_PERIOD_MS = 20_000;
/** fs.watch events within this window cause one re-read. */
const DEBOUNCE_MS = 100;
const MANIFEST_EXT = /\.(ya?ml|json)$/i;

export interface FileSourceOptions {
  /** A directory of manifests, or a single manifest file. */
  dir: string;
  /** Re-read period; 0 or less means DEFAULT_SOURCE_PERIOD_MS. */
  periodMs: number;
  nodeName: string;
  onUpdate(u: SourceUpdate): void;
  log: Logger;
  signal: AbortSignal;
}

/**
 * Reads the pods of every `*.yaml`, `*.yml` and `*.json` file directly in `dir` (hidden files and
 * sub-directories are skipped; `dir` may also be one file). A file is one unit: if any document in
 * it is bad the file is logged and contributes no pods. A missing path reads as no pods.
 */
export async function readManifestDir(dir: string, nodeName: string, log: Logger): Promise<Pod[]> {
  let files: string[];
  try {
    const st = await stat(dir);
    if (st.isDirectory()) {
      const entries = await readdir(dir, { withFileTypes: true });
      files = entries
        .filter((e) => !e.name.startsWith('.') && MANIFEST_EXT.test(e.name) && (e.isFile() || e.isSymbolicLink()))
        .map((e) => join(dir, e.name))
        .sort();
    } else {
      files = [dir];
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      log.debug({ path: dir }, 'static pod path does not exist');
      return [];
    }
    throw err;
  }
  const pods: Pod[] = [];
  for (const f of files) {
    try {
      const st = await stat(f);
      if (!st.isFile()) continue;
      if (st.size > MAX_MANIFEST_BYTES) throw new Error(`file is larger than ${MAX_MANIFEST_BYTES} bytes`);
      const text = await readFile(f, 'utf8');
      pods.push(...staticPodsFromText(text, 'file', nodeName, f));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed while listing
      log.warn({ path: f, err: (err as Error).message }, 'could not process manifest file');
    }
  }
  return pods;
}

/**
 * Starts the file source: reads now, every `periodMs` and (debounced) on fs.watch events, and calls
 * `onUpdate` with the full set after the first read and whenever the set changes. Reads never
 * overlap. Stops when `signal` aborts; no update is delivered after that.
 */
export function startFileSource(o: FileSourceOptions): void {
  const period = o.periodMs > 0 ? o.periodMs : DEFAULT_SOURCE_PERIOD_MS;
  const set = new PodSet(o.log);
  let watcher: FSWatcher | undefined;
  let watchedIno: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;

  const stopWatch = () => {
    watcher?.close();
    watcher = undefined;
    watchedIno = undefined;
  };

  /** Watches the path; re-watches when it was removed and created again (a new inode). */
  const ensureWatch = async () => {
    let ino: number;
    try {
      ino = (await stat(o.dir)).ino;
    } catch {
      stopWatch(); // path missing: the periodic read retries
      return;
    }
    if (o.signal.aborted || (watcher && watchedIno === ino)) return;
    stopWatch();
    try {
      watchedIno = ino;
      watcher = watch(o.dir, { persistent: false }, () => {
        if (debounce) return;
        debounce = setTimeout(() => {
          debounce = undefined;
          void read();
        }, DEBOUNCE_MS);
      });
      watcher.on('error', stopWatch);
    } catch {
      stopWatch();
    }
  };

  const read = async (): Promise<void> => {
    if (o.signal.aborted) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await ensureWatch();
        let pods: Pod[];
        try {
          pods = await readManifestDir(o.dir, o.nodeName, o.log);
        } catch (err) {
          o.log.warn({ path: o.dir, err: (err as Error).message }, 'unable to read config path');
          continue;
        }
        if (o.signal.aborted) return;
        const changed = set.next(pods);
        if (changed) o.onUpdate({ source: 'file', pods: changed });
      } while (again && !o.signal.aborted);
    } finally {
      running = false;
    }
  };

  const tick = () => {
    void read().finally(() => {
      if (!o.signal.aborted) timer = setTimeout(tick, period);
    });
  };

  o.signal.addEventListener(
    'abort',
    () => {
      clearTimeout(timer);
      clearTimeout(debounce);
      stopWatch();
    },
    { once: true },
  );
  if (!o.signal.aborted) tick();
}
