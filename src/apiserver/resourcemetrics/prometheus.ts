/**
 * A parser for the Prometheus text exposition format (0.0.4) as kubelets serve `/metrics/resource`:
 * `name{label="value",...} value [timestamp_ms]`, `#` comments, escapes `\\`, `\"`, `\n` in label
 * values. Lines that do not parse are skipped (a scrape keeps what it could read).
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Milliseconds since the epoch, when the line carries one. */
  timestampMs?: number;
}

function parseLabels(s: string, from: number, labels: Record<string, string>): number {
  // s[from] is just after '{'; returns the index after '}', or -1.
  let i = from;
  for (;;) {
    while (s[i] === ' ' || s[i] === ',') i++;
    if (s[i] === '}') return i + 1;
    const eq = s.indexOf('=', i);
    if (eq < 0) return -1;
    const key = s.slice(i, eq).trim();
    i = eq + 1;
    if (s[i] !== '"') return -1;
    i++;
    let v = '';
    for (;;) {
      const c = s[i];
      if (c === undefined) return -1;
      if (c === '\\') {
        const n = s[i + 1];
        v += n === 'n' ? '\n' : (n ?? '');
        i += 2;
        continue;
      }
      if (c === '"') break;
      v += c;
      i++;
    }
    labels[key] = v;
    i++;
  }
}

function parseValue(t: string): number {
  if (t === '+Inf') return Infinity;
  if (t === '-Inf') return -Infinity;
  if (t === 'NaN') return NaN;
  return Number(t);
}

/** Calls `fn` for every sample of `text`, in order. */
export function parseExposition(text: string, fn: (s: Sample) => void): void {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (!line || line[0] === '#') continue;
    let i = 0;
    while (i < line.length && line[i] !== '{' && line[i] !== ' ' && line[i] !== '\t') i++;
    const name = line.slice(0, i);
    const labels: Record<string, string> = {};
    if (line[i] === '{') {
      i = parseLabels(line, i + 1, labels);
      if (i < 0) continue;
    }
    const rest = line.slice(i).trim().split(/\s+/);
    if (!name || rest.length === 0 || rest[0] === '') continue;
    const value = parseValue(rest[0]!);
    if (Number.isNaN(value) && rest[0] !== 'NaN') continue;
    const sample: Sample = { name, labels, value };
    if (rest[1] !== undefined) {
      const ts = Number(rest[1]);
      if (Number.isFinite(ts)) sample.timestampMs = ts;
    }
    fn(sample);
  }
}
