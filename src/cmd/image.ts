/**
 * `k8ts image`: the node's image store, as k3s offers through `k3s ctr images import` and `k3s crictl images`.
 *
 * - `import FILE...`: loads OCI layout tars or `docker save` tars into the node's containerd, namespace
 *   `k8s.io` (the one the CRI plugin serves), with Debian's `ctr`; prints `Loaded image: NAME` per image.
 * - `ls`: lists the images through the CRI, in the columns and order of `crictl images`.
 * - `export-offline FILE`: writes the built-in busybox and pause images as an OCI layout tar.
 *
 * The node's containerd socket is `<data-dir>/agent/containerd/containerd.sock` unless `--address` names
 * another one. Failures a user can act on (no socket, nothing listening, missing file, ctr failing) are
 * reported as one `Error: …` line and exit code 1; bad flags exit 2 as everywhere else.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { FlagError, parseFlags, usage, type FlagSpec, type FlagValues } from './flags.js';

export const imageFlags = {
  'data-dir': { type: 'string', default: '/var/lib/k8ts', help: "the node's state directory; its containerd listens on <data-dir>/agent/containerd/containerd.sock" },
  address: { type: 'string', help: 'containerd socket (path or unix://path) instead of the node\'s own' },
  'all-platforms': { type: 'boolean', help: 'import: keep content for every platform in the archive, not only this machine\'s' },
  snapshotter: { type: 'string', help: 'import: snapshotter to unpack into (default: containerd\'s default, overlayfs)' },
  'ctr-path': { type: 'string', default: 'ctr', help: 'import: the ctr binary' },
} satisfies FlagSpec;

export type ImageFlags = FlagValues<typeof imageFlags>;

/** An error whose message is the whole story for the user (printed without a stack). */
export class ImageCommandError extends Error {}

export const imageUsage = (): string => `Usage:
  k8ts image import FILE... [flags]   load OCI layout or docker-save tars into the node's containerd (namespace k8s.io)
  k8ts image ls [flags]               list the node's images (as crictl images)
  k8ts image export-offline FILE      write the built-in busybox and pause images as an OCI layout tar ("-": stdout)

Flags:
${usage(imageFlags)}
`;

/**
 * Splits `argv` into flag arguments (for {@link parseFlags}) and positional arguments. A non-boolean
 * flag given as `--name value` takes the next argument with it; everything after `--` is positional.
 * Unknown flags are left in the flag list so that parseFlags reports them.
 */
export function splitArgs(spec: FlagSpec, argv: string[]): { flags: string[]; positionals: string[] } {
  const flags: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      positionals.push(a);
      continue;
    }
    flags.push(a);
    const s = spec[a.slice(2)];
    if (s && s.type !== 'boolean' && i + 1 < argv.length) flags.push(argv[++i]!);
  }
  return { flags, positionals };
}

/** The containerd socket path: `--address` (with any `unix://` removed), else the node's own under `--data-dir`. */
export function containerdSocket(flags: Pick<ImageFlags, 'address' | 'data-dir'>): string {
  if (flags.address) return flags.address.replace(/^unix:\/\//, '');
  return join(flags['data-dir'] ?? '/var/lib/k8ts', 'agent', 'containerd', 'containerd.sock');
}

/**
 * Resolves when something accepts connections on the unix socket `path`; otherwise rejects with an
 * {@link ImageCommandError} that says whether the socket is absent or dead.
 */
export async function checkSocket(path: string, timeoutMs = 2_000): Promise<void> {
  const hint = `is the node running? (start it with "k8ts agent" or "k8ts server", or pass --address)`;
  if (!existsSync(path)) throw new ImageCommandError(`containerd socket ${path} not found: ${hint}`);
  if (!statSync(path).isSocket()) throw new ImageCommandError(`${path} is not a unix socket`);
  await new Promise<void>((resolve, reject) => {
    const sock = connect(path);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new ImageCommandError(`containerd at ${path} did not answer in ${timeoutMs} ms: ${hint}`));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve();
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new ImageCommandError(`cannot connect to containerd at ${path} (${e.code ?? e.message}): ${hint}`));
    });
  });
}

/** One image `ctr images import` created. */
export interface ImportedImage {
  name: string;
  digest: string;
}

/**
 * The images named in `ctr images import` output (containerd 1.6 prints
 * `unpacking NAME (DIGEST)...done` for each image it created), in output order.
 */
export function parseCtrImportOutput(out: string): ImportedImage[] {
  const images: ImportedImage[] = [];
  for (const m of out.matchAll(/unpacking (\S+) \((sha256:[0-9a-f]{64})\)\.\.\./g)) images.push({ name: m[1]!, digest: m[2]! });
  return images;
}

/** The `ctr` arguments that import `file` into the `k8s.io` namespace of the containerd at `socket`. */
export function ctrImportArgs(socket: string, file: string, opts: { allPlatforms?: boolean; snapshotter?: string } = {}): string[] {
  const args = ['--address', socket, '--namespace', 'k8s.io', 'images', 'import'];
  if (opts.allPlatforms) args.push('--all-platforms');
  if (opts.snapshotter) args.push('--snapshotter', opts.snapshotter);
  args.push(file);
  return args;
}

/** Runs ctr; resolves with its combined output when it exits 0. Stdin is passed through (for FILE `-`). */
function runCtr(ctr: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(ctr, args, { stdio: ['inherit', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', (e: NodeJS.ErrnoException) => {
      reject(new ImageCommandError(e.code === 'ENOENT'
        ? `${ctr} not found: install containerd (Debian package "containerd") or pass --ctr-path`
        : `${ctr}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      const out = Buffer.concat(chunks).toString('utf8');
      if (code === 0) resolve(out);
      else reject(new ImageCommandError(`ctr images import failed (${code ?? signal}): ${out.trim()}`));
    });
  });
}

/** Imports each file in order; stops at the first failure. Returns the images created, per file. */
export async function importImages(
  files: string[],
  flags: Pick<ImageFlags, 'address' | 'data-dir' | 'all-platforms' | 'snapshotter' | 'ctr-path'>,
  out: (line: string) => void,
): Promise<ImportedImage[]> {
  if (files.length === 0) throw new FlagError('image import needs at least one FILE');
  for (const f of files) {
    if (f !== '-' && !existsSync(f)) throw new ImageCommandError(`${f}: no such file`);
  }
  const socket = containerdSocket(flags);
  await checkSocket(socket);
  const all: ImportedImage[] = [];
  for (const f of files) {
    const text = await runCtr(flags['ctr-path'] ?? 'ctr', ctrImportArgs(socket, f, { allPlatforms: flags['all-platforms'], snapshotter: flags.snapshotter }));
    const images = parseCtrImportOutput(text);
    if (images.length === 0) throw new ImageCommandError(`${f}: no image names found in the archive (ctr said: ${text.trim() || 'nothing'})`);
    for (const img of images) out(`Loaded image: ${img.name}`);
    all.push(...images);
  }
  return all;
}

// ---------- crictl images ----------

/** What `crictl images` needs of a CRI Image. */
export interface ListedImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
}

/**
 * Go's `%.{precision}g`: at most `precision` significant digits, trailing zeros dropped, exponent form
 * (`1e+03`) when the decimal exponent is < -4 or ≥ precision.
 */
export function goFormatG(x: number, precision: number): string {
  if (x === 0) return '0';
  const [mant, exp] = x.toExponential(precision - 1).split('e') as [string, string];
  const e = Number(exp);
  const trim = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (e < -4 || e >= precision) return `${trim(mant)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return trim(x.toFixed(Math.max(0, precision - 1 - e)));
}

/** docker/go-units `HumanSizeWithPrecision(size, 3)`: decimal units (kB, MB, …), 3 significant digits. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < units.length - 1) {
    size /= 1000;
    i++;
  }
  return `${goFormatG(size, 3)}${units[i]}`;
}

/** crictl's order: by first repo tag, else first repo digest, else id (when both sides have one). */
function compareImages(a: ListedImage, b: ListedImage): number {
  const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  if (a.repoTags.length > 0 && b.repoTags.length > 0) return cmp(a.repoTags[0]!, b.repoTags[0]!);
  if (a.repoDigests.length > 0 && b.repoDigests.length > 0) return cmp(a.repoDigests[0]!, b.repoDigests[0]!);
  return cmp(a.id, b.id);
}

/** Rows of `crictl images` (without the header): one per repo tag, `<none>` tag for untagged images. */
export function imageRows(images: ListedImage[]): string[][] {
  const rows: string[][] = [];
  for (const img of [...images].sort(compareImages)) {
    const digestName = img.repoDigests.length === 0 ? '<none>' : img.repoDigests[0]!.includes('@') ? img.repoDigests[0]!.split('@')[0]! : 'errorName';
    const id = img.id.replace(/^sha256:/, '').slice(0, 13);
    const size = humanSize(img.size);
    if (img.repoTags.length === 0) {
      rows.push([digestName, '<none>', id, size]);
      continue;
    }
    for (const tag of img.repoTags) {
      const colon = tag.lastIndexOf(':');
      if (colon < 0) {
        rows.push(['errorRepoTag', 'errorRepoTag', id, size]);
        continue;
      }
      const name = tag.slice(0, colon);
      rows.push([name === '<none>' ? digestName : name, tag.slice(colon + 1), id, size]);
    }
  }
  return rows;
}

/**
 * Go's text/tabwriter as crictl configures it (minwidth 20, padding 3, pad with spaces): every column
 * but the last is padded to max(20, widest cell + 3); the last cell is written as is. Each line ends in "\n".
 */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) {
    for (let c = 0; c < r.length - 1; c++) widths[c] = Math.max(widths[c] ?? 20, [...r[c]!].length + 3);
  }
  return rows.map((r) => r.map((cell, c) => (c < r.length - 1 ? cell.padEnd(widths[c]!) : cell)).join('') + '\n').join('');
}

/** The whole `crictl images` table, header included. */
export function formatImages(images: ListedImage[]): string {
  return formatTable([['IMAGE', 'TAG', 'IMAGE ID', 'SIZE'], ...imageRows(images)]);
}

async function listImages(flags: Pick<ImageFlags, 'address' | 'data-dir'>): Promise<string> {
  const socket = containerdSocket(flags);
  await checkSocket(socket);
  const { CriClient } = await import('../kubelet/runtime/cri/client.js');
  const cri = new CriClient({ endpoint: socket, defaultTimeoutMs: 10_000 });
  try {
    return formatImages(await cri.listImages());
  } finally {
    cri.close();
  }
}

// ---------- export-offline ----------

/**
 * Writes the built-in busybox and pause images, under every reference the node's mirror serves, as one
 * OCI layout tar; `-` writes the tar to stdout (and prints nothing else).
 */
export async function exportOffline(file: string, out: (line: string) => void): Promise<void> {
  const { buildOfflineImages, offlineImageRefs, writeOciLayoutTar, normalizeReference } = await import('../kubelet/images/oci.js');
  const images = buildOfflineImages();
  const refs = offlineImageRefs();
  const tar = writeOciLayoutTar([{ image: images.busybox, refs: refs.busybox }, { image: images.pause, refs: refs.pause }]);
  if (file === '-') {
    // A reader that stops early (`| tar -t | head`) closes the pipe: that ends the export, it is not a failure.
    await new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException): void => (e.code === 'EPIPE' ? resolve() : reject(e));
      process.stdout.once('error', onError);
      process.stdout.write(tar, (e) => {
        if (e) return;
        process.stdout.off('error', onError);
        resolve();
      });
    });
    return;
  }
  writeFileSync(file, tar);
  for (const r of [...refs.busybox, ...refs.pause]) out(`Exported image: ${normalizeReference(r)}`);
}

// ---------- entry point ----------

/** `k8ts image SUBCOMMAND ...`; returns the exit code. */
export async function runImage(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const stdout = (line: string): void => void process.stdout.write(`${line}\n`);
  try {
    switch (sub) {
      case 'import': {
        const { flags, positionals } = splitArgs(imageFlags, rest);
        await importImages(positionals, parseFlags(imageFlags, flags), stdout);
        return 0;
      }
      case 'ls':
      case 'list': {
        const { flags, positionals } = splitArgs(imageFlags, rest);
        if (positionals.length > 0) throw new FlagError(`unexpected argument "${positionals[0]}"`);
        process.stdout.write(await listImages(parseFlags(imageFlags, flags)));
        return 0;
      }
      case 'export-offline': {
        const { flags, positionals } = splitArgs({}, rest);
        if (flags.length > 0) throw new FlagError(`unknown flag: ${flags[0]}`);
        if (positionals.length !== 1) throw new FlagError('image export-offline needs exactly one FILE');
        await exportOffline(positionals[0]!, stdout);
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(imageUsage());
        return 0;
      default:
        process.stderr.write(`unknown image command "${sub}"\n\n${imageUsage()}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof ImageCommandError) {
      process.stderr.write(`Error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
