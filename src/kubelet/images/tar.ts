/**
 * A minimal, deterministic tar writer (POSIX ustar, with PAX extended headers when a path, link
 * target or size does not fit ustar's fields).
 *
 * Contract: the output depends only on the entries given, in the order given. Owner and group are
 * always 0/0 with empty user and group names, mtime is the entry's `mtime` (default 0), device
 * numbers are 0. Paths are written as given (callers pass them relative, without a leading `/`;
 * directories may end in `/`, one is added if missing). The archive ends with two zero blocks and
 * is padded to a whole 10240-byte record as GNU and Go's archive/tar write it.
 */

export type TarEntry =
  | { type: 'file'; path: string; data: Buffer | Uint8Array | string; mode?: number; mtime?: number }
  | { type: 'dir'; path: string; mode?: number; mtime?: number }
  | { type: 'symlink'; path: string; target: string; mode?: number; mtime?: number };

const BLOCK = 512;
const RECORD = 20 * BLOCK;

/** Largest size ustar's 11-octal-digit field holds; bigger files get a PAX `size` record. */
const MAX_USTAR_SIZE = 0o77777777777;

function writeString(buf: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar: field too long (${bytes.length} > ${length}): ${value}`);
  bytes.copy(buf, offset);
}

/** Octal number, zero-padded to `length - 1` digits and NUL-terminated. */
function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  const digits = value.toString(8);
  if (digits.length > length - 1) throw new Error(`tar: number ${value} does not fit ${length} bytes`);
  writeString(buf, offset, length, digits.padStart(length - 1, '0') + '\0');
}

function isAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/**
 * Splits a path into ustar's `prefix` (≤155 bytes) and `name` (≤100 bytes) at a `/`, or returns
 * undefined when it cannot be split (or is not plain ASCII) and needs a PAX `path` record.
 */
function splitUstarPath(path: string): { prefix: string; name: string } | undefined {
  if (!isAscii(path)) return undefined;
  if (path.length <= 100) return { prefix: '', name: path };
  if (path.length > 256) return undefined;
  // Try each '/' from the right-most one that leaves the prefix ≤ 155 bytes.
  for (let i = Math.min(path.length - 1, 155); i > 0; i--) {
    if (path[i] !== '/') continue;
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (name.length > 0 && name.length <= 100) return { prefix, name };
    if (name.length > 100) return undefined;
  }
  return undefined;
}

/** One PAX record: "<len> <key>=<value>\n" where <len> counts the whole record, itself included. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body, 'utf8');
  const digits = String(bodyLen).length;
  let len = bodyLen + digits;
  if (String(len).length > digits) len = bodyLen + String(len).length;
  return `${len}${body}`;
}

interface Header {
  path: string;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
}

function headerBlock(h: Header): Buffer {
  const b = Buffer.alloc(BLOCK);
  const split = splitUstarPath(h.path) ?? { prefix: '', name: truncateAscii(h.path, 100) };
  writeString(b, 0, 100, split.name);
  writeOctal(b, 100, 8, h.mode & 0o7777);
  writeOctal(b, 108, 8, 0); // uid
  writeOctal(b, 116, 8, 0); // gid
  writeOctal(b, 124, 12, h.size > MAX_USTAR_SIZE ? 0 : h.size);
  writeOctal(b, 136, 12, h.mtime);
  b.fill(0x20, 148, 156); // checksum computed with the field as spaces
  writeString(b, 156, 1, h.typeflag);
  writeString(b, 157, 100, isAscii(h.linkname) && h.linkname.length <= 100 ? h.linkname : truncateAscii(h.linkname, 100));
  writeString(b, 257, 6, 'ustar\0');
  writeString(b, 263, 2, '00');
  // uname/gname empty, devmajor/devminor zero.
  writeOctal(b, 329, 8, 0);
  writeOctal(b, 337, 8, 0);
  writeString(b, 345, 155, split.prefix);
  let sum = 0;
  for (const byte of b) sum += byte;
  writeString(b, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return b;
}

/** A placeholder for ustar fields whose real value lives in a PAX record. */
function truncateAscii(s: string, max: number): string {
  const ascii = s.replace(/[^\x20-\x7e]/g, '_');
  return ascii.length <= max ? ascii : ascii.slice(ascii.length - max);
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rest);
}

function normalizePath(entry: TarEntry): string {
  let p = entry.path.replace(/^\/+/, '');
  if (p === '' || p.split('/').includes('..')) throw new Error(`tar: bad path ${JSON.stringify(entry.path)}`);
  if (entry.type === 'dir' && !p.endsWith('/')) p += '/';
  if (entry.type !== 'dir') p = p.replace(/\/+$/, '');
  return p;
}

/** Writes the entries as one tar archive, in order. */
export function writeTar(entries: Iterable<TarEntry>): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const path = normalizePath(entry);
    const mtime = entry.mtime ?? 0;
    const data =
      entry.type === 'file' ? (typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : Buffer.from(entry.data)) : Buffer.alloc(0);
    const linkname = entry.type === 'symlink' ? entry.target : '';
    const mode = entry.mode ?? (entry.type === 'dir' ? 0o755 : entry.type === 'symlink' ? 0o777 : 0o644);
    const typeflag = entry.type === 'file' ? '0' : entry.type === 'dir' ? '5' : '2';

    const pax: string[] = [];
    if (!splitUstarPath(path)) pax.push(paxRecord('path', path));
    if (linkname && (!isAscii(linkname) || linkname.length > 100)) pax.push(paxRecord('linkpath', linkname));
    if (data.length > MAX_USTAR_SIZE) pax.push(paxRecord('size', String(data.length)));
    if (pax.length > 0) {
      const body = Buffer.from(pax.join(''), 'utf8');
      const paxName = `PaxHeaders.0/${truncateAscii(path.replace(/\/$/, '').split('/').pop() ?? 'entry', 80)}`;
      parts.push(headerBlock({ path: paxName, mode: 0o644, size: body.length, mtime, typeflag: 'x', linkname: '' }), body, padding(body.length));
    }
    parts.push(headerBlock({ path, mode, size: data.length, mtime, typeflag, linkname }));
    if (data.length > 0) parts.push(data, padding(data.length));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const rest = total % RECORD;
  if (rest !== 0) parts.push(Buffer.alloc(RECORD - rest));
  return Buffer.concat(parts);
}

/** One entry read back by {@link readTar}: enough to check what {@link writeTar} wrote. */
export interface ReadEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  size: number;
  target: string;
  data: Buffer;
}

function readString(b: Buffer, offset: number, length: number): string {
  const slice = b.subarray(offset, offset + length);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? length : nul).toString('utf8');
}

function readOctal(b: Buffer, offset: number, length: number): number {
  const s = readString(b, offset, length).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function parsePax(body: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    const space = body.indexOf(0x20, i);
    if (space < 0) break;
    const len = Number(body.subarray(i, space).toString('ascii'));
    if (!Number.isFinite(len) || len <= 0) break;
    const record = body.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    i += len;
  }
  return out;
}

/**
 * Reads a ustar/PAX archive (regular files, directories, symlinks; other types are reported as
 * `other`). Verifies header checksums. Meant for tests and for looking into layers; it holds the
 * whole archive in memory.
 */
export function readTar(archive: Buffer): ReadEntry[] {
  const out: ReadEntry[] = [];
  let off = 0;
  let pax = new Map<string, string>();
  while (off + BLOCK <= archive.length) {
    const h = archive.subarray(off, off + BLOCK);
    if (h.every((x) => x === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    if (sum !== readOctal(h, 148, 8)) throw new Error(`tar: bad header checksum at offset ${off}`);
    const typeflag = String.fromCharCode(h[156]!);
    let size = readOctal(h, 124, 12);
    if (pax.has('size')) size = Number(pax.get('size'));
    const dataStart = off + BLOCK;
    const data = archive.subarray(dataStart, dataStart + size);
    off = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === 'x') {
      pax = parsePax(data);
      continue;
    }
    if (typeflag === 'g') continue;
    const prefix = readString(h, 345, 155);
    const name = readString(h, 0, 100);
    const path = pax.get('path') ?? (prefix ? `${prefix}/${name}` : name);
    const target = pax.get('linkpath') ?? readString(h, 157, 100);
    const type = typeflag === '0' || typeflag === '\0' ? 'file' : typeflag === '5' ? 'dir' : typeflag === '2' ? 'symlink' : 'other';
    out.push({ path, type, mode: readOctal(h, 100, 8), uid: readOctal(h, 108, 8), gid: readOctal(h, 116, 8), mtime: readOctal(h, 136, 12), size, target, data: Buffer.from(data) });
    pax = new Map();
  }
  return out;
}
