/**
 * Reads a CRI container log file (see format.ts) and writes the container's output, as the
 * kubelet's `/containerLogs` does.
 *
 * Contract:
 * - Both streams are written in file order. Partial (`P`) entries are joined with the entries that
 *   continue them: the message bytes are written as they are, a newline only after an `F` entry.
 * - `timestamps`: each line starts with the runtime's RFC3339Nano time and a space (the time of
 *   the line's first entry).
 * - `sinceNs`: lines whose first entry is older are skipped. `tailLines`: only the last N lines
 *   (a line ends at an `F` entry; a trailing unfinished partial line counts as one).
 * - `limitBytes`: output stops after that many bytes, possibly inside a line.
 * - `follow`: at the end of the file, waits for it to grow (fs.watch plus polling) and goes on,
 *   until `running()` is false and the file stopped growing, the signal aborts or `out` closes.
 *   A file that shrinks (truncated or replaced) is read again from its start.
 * - Lines that are not CRI entries are skipped. Backpressure from `out` is honoured.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import type { Writable } from 'node:stream';
import { isPartialLine, parseEntry, type LogStream } from './format.js';

export interface LogOptions {
  follow?: boolean;
  tailLines?: number;
  /** Only lines at or after this time (nanoseconds since the epoch). */
  sinceNs?: bigint;
  timestamps?: boolean;
  limitBytes?: number;
}

export interface ReadLogsOptions extends LogOptions {
  signal?: AbortSignal;
  /** Whether the container can still write (checked at the end of the file when following). */
  running?: () => boolean | Promise<boolean>;
  /** Poll period while following (default 250 ms); fs.watch wakes the reader sooner. */
  pollMs?: number;
}

const NL = 0x0a;
const CHUNK = 64 * 1024;
const HEADER = 80;

/** Writes entries to `out` under the options; `line` resolves true once output must stop. */
class EntryWriter {
  private remain: number;
  /** Per stream: inside a line (after a P entry), and whether that line is being skipped. */
  private readonly open = new Map<LogStream, { skip: boolean }>();

  constructor(private readonly out: Writable, private readonly o: ReadLogsOptions) {
    this.remain = o.limitBytes !== undefined && o.limitBytes > 0 ? o.limitBytes : Infinity;
  }

  async line(raw: Buffer): Promise<boolean> {
    const e = parseEntry(raw);
    if (!e) return false;
    const cont = this.open.get(e.stream);
    const skip = cont ? cont.skip : this.o.sinceNs !== undefined && e.ns < this.o.sinceNs;
    if (e.partial) this.open.set(e.stream, { skip });
    else this.open.delete(e.stream);
    if (skip) return false;
    const parts: Buffer[] = [];
    if (!cont && this.o.timestamps) parts.push(Buffer.from(`${e.time} `, 'latin1'));
    parts.push(e.msg);
    if (!e.partial) parts.push(Buffer.from('\n'));
    let data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (data.length > this.remain) data = data.subarray(0, this.remain);
    this.remain -= data.length;
    if (!(await write(this.out, data))) return true;
    return this.remain <= 0;
  }
}

/** Resolves false when `out` can no longer be written. */
function write(out: Writable, data: Buffer): Promise<boolean> {
  if (out.destroyed || out.writableEnded) return Promise.resolve(false);
  if (data.length === 0 || out.write(data)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

/** Offset just after the last newline at or before `size`. */
async function lastLineEnd(fh: FileHandle, size: number): Promise<number> {
  const buf = Buffer.allocUnsafe(CHUNK);
  let pos = size;
  while (pos > 0) {
    const cs = Math.max(0, pos - CHUNK);
    const { bytesRead } = await fh.read(buf, 0, pos - cs, cs);
    const i = buf.subarray(0, bytesRead).lastIndexOf(NL);
    if (i >= 0) return cs + i + 1;
    pos = cs;
  }
  return 0;
}

/**
 * Offset where the last `n` lines of the complete entries before `end` start (`end` is just after a
 * newline). A line ends at an `F` entry; the last complete entry ends a line whatever its tag.
 */
export async function tailOffset(fh: FileHandle, end: number, n: number): Promise<number> {
  if (n <= 0 || end === 0) return end;
  const header = Buffer.allocUnsafe(HEADER);
  const isLineEnd = async (start: number, last: boolean): Promise<boolean> => {
    if (last) return true;
    const { bytesRead } = await fh.read(header, 0, HEADER, start);
    const h = header.subarray(0, bytesRead);
    const nl = h.indexOf(NL);
    return !isPartialLine(nl >= 0 ? h.subarray(0, nl) : h);
  };
  const buf = Buffer.allocUnsafe(CHUNK);
  let ends = 0;
  let lineEnd = end;
  let last = true;
  let pos = end - 1; // the newline ending the last line is not a separator to scan
  while (pos > 0) {
    const cs = Math.max(0, pos - CHUNK);
    const { bytesRead } = await fh.read(buf, 0, pos - cs, cs);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buf[i] !== NL) continue;
      const start = cs + i + 1;
      if (await isLineEnd(start, last)) {
        if (++ends > n) return lineEnd;
      }
      last = false;
      lineEnd = start;
    }
    pos = cs;
  }
  if (await isLineEnd(0, last)) {
    if (++ends > n) return lineEnd;
  }
  return 0;
}

/** Resolves after `ms`, on a change to `path`, or on abort, whichever is first. */
class Waker {
  private watcher: FSWatcher | undefined;
  private wake: (() => void) | undefined;

  constructor(path: string) {
    try {
      this.watcher = watch(path, { persistent: false }, () => this.poke());
      this.watcher.on('error', () => undefined);
    } catch {
      this.watcher = undefined; // polling only
    }
  }

  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal?.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  /** Ends the current wait now. */
  poke(): void {
    this.wake?.();
  }

  close(): void {
    this.watcher?.close();
  }
}

/** Writes the log at `path` to `out` (see the module contract). Resolves when done; does not end `out`. */
export async function readLogs(path: string, out: Writable, o: ReadLogsOptions = {}): Promise<void> {
  const fh = await open(path, 'r');
  const waker = o.follow ? new Waker(path) : undefined;
  const stopped = () => o.signal?.aborted === true || out.destroyed || out.writableEnded;
  const onOutClose = () => waker?.poke();
  out.on('close', onOutClose);
  try {
    const size = (await fh.stat()).size;
    let pos = o.tailLines !== undefined && o.tailLines >= 0 ? await tailOffset(fh, await lastLineEnd(fh, size), o.tailLines) : 0;
    const writer = new EntryWriter(out, o);
    const buf = Buffer.allocUnsafe(CHUNK);
    let pending = Buffer.alloc(0);
    const pollMs = o.pollMs ?? 250;
    for (;;) {
      // Read to the end of the file.
      for (;;) {
        if (stopped()) return;
        const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
        if (bytesRead === 0) break;
        pos += bytesRead;
        const chunk = Buffer.concat([pending, buf.subarray(0, bytesRead)]);
        let start = 0;
        for (let nl = chunk.indexOf(NL, start); nl >= 0; nl = chunk.indexOf(NL, start)) {
          if (await writer.line(chunk.subarray(start, nl))) return;
          start = nl + 1;
        }
        pending = chunk.subarray(start);
      }
      if (!o.follow) return;
      // Wait for the file to grow, or for the container to be gone with nothing more written.
      let ended = false;
      for (;;) {
        if (stopped()) return;
        const now = (await fh.stat()).size;
        if (now > pos) break;
        if (now < pos) {
          pos = 0;
          pending = Buffer.alloc(0);
          break;
        }
        if (ended) return;
        const running = o.running ? await o.running() : true;
        // One more period after the container is gone: the runtime may still be copying output.
        if (!running) ended = true;
        await waker!.wait(pollMs, o.signal);
      }
    }
  } finally {
    out.off('close', onOutClose);
    waker?.close();
    await fh.close();
  }
}
