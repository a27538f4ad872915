/**
 * The CRI container log format, one entry a line:
 * `<RFC3339Nano time> <stdout|stderr> <P|F> <message>\n`. `P` marks a partial entry whose message
 * continues in the next entry of the same stream; `F` ends a line.
 */

export type LogStream = 'stdout' | 'stderr';

export interface LogEntry {
  /** The time exactly as the runtime wrote it (RFC3339Nano). */
  time: string;
  /** Nanoseconds since the epoch. */
  ns: bigint;
  stream: LogStream;
  partial: boolean;
  /** The message without the entry's newline. */
  msg: Buffer;
}

const SP = 0x20;

/** Nanoseconds since the epoch of an RFC 3339 time with up to 9 fraction digits; undefined when malformed. */
export function parseRfc3339Nano(s: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(s);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]!.toUpperCase()}`);
  if (Number.isNaN(ms)) return undefined;
  const frac = BigInt((m[2] ?? '').padEnd(9, '0'));
  return BigInt(ms) * 1_000_000n + frac;
}

/** Parses one line (without its `\n`); undefined when it is not a CRI log entry. */
export function parseEntry(line: Buffer): LogEntry | undefined {
  const a = line.indexOf(SP);
  if (a <= 0) return undefined;
  const b = line.indexOf(SP, a + 1);
  if (b < 0) return undefined;
  const stream = line.toString('latin1', a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  // The tag may carry more flags after ':' (upstream reserves that); only P/F matter.
  let c = line.indexOf(SP, b + 1);
  if (c < 0) c = line.length;
  const tag = line.toString('latin1', b + 1, c).split(':')[0];
  if (tag !== 'P' && tag !== 'F') return undefined;
  const time = line.toString('latin1', 0, a);
  const ns = parseRfc3339Nano(time);
  if (ns === undefined) return undefined;
  return { time, ns, stream, partial: tag === 'P', msg: line.subarray(Math.min(c + 1, line.length)) };
}

/** Whether a raw line is a partial (`P`) entry, without parsing its time. */
export function isPartialLine(line: Buffer): boolean {
  const a = line.indexOf(SP);
  const b = a < 0 ? -1 : line.indexOf(SP, a + 1);
  return b >= 0 && line[b + 1] === 0x50 /* P */ && (line.length === b + 2 || line[b + 2] === SP || line[b + 2] === 0x3a);
}
