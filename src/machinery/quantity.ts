/**
 * Kubernetes resource.Quantity (k8s.io/apimachinery/pkg/api/resource).
 *
 * Contract:
 * - Parsing follows upstream's grammar `<sign>?<digits>[.<digits>]<suffix>` with binary suffixes
 *   Ki..Ei, decimal suffixes n u m "" k M G T P E and exponents `e<int>` / `E<int>`.
 * - The value is held exactly as a bigint count of nano-units. Parsing rounds anything finer than
 *   1n away from zero (so `0.1n` becomes `1n`), as upstream does.
 * - BinarySI values are capped at 2^63-1 in magnitude; a BinarySI value strictly between 0 and 1
 *   in magnitude switches to DecimalSI (both as upstream).
 * - Quantities are immutable: arithmetic returns a new Quantity.
 * - `canonical()` is upstream's canonical form; `toString()`/`toJSON()` is what upstream
 *   serializes, which reuses the input text in the cases where upstream does (e.g. `1E3`, `1.500`).
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const ERR_FORMAT_WRONG = `quantities must match the regular expression '${SPLIT_RE}'`;
export const ERR_NUMERIC = 'unable to parse numeric part of quantity';
export const ERR_SUFFIX = "unable to parse quantity's suffix";

/** Largest decimal exponent this implementation expands; beyond it parsing fails. */
const MAX_EXPANDED_EXPONENT = 100_000;
const MAX_INT32 = 2147483647;
const NANO = 1_000_000_000n;
const MAX_ALLOWED_NANOS = ((1n << 63n) - 1n) * NANO;

const decimalSuffixes: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalSuffixByExp = new Map<number, string>(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binarySuffixByExp = new Map<number, string>(Object.entries(binarySuffixes).map(([s, e]) => [e, s]));

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function absBig(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** ceil(|n| / d) with the sign of n: division rounding away from zero. */
function divAwayFromZero(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d === 0n ? q : n < 0n ? q - 1n : q + 1n;
}

interface Scanned {
  positive: boolean;
  /** Sign, digits and point as written (upstream's `value`). */
  value: string;
  /** Integer digits with leading zeros stripped; "0" when there are none. */
  num: string;
  denom: string;
  suffix: string;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Upstream's parseQuantityString scanner. */
function scan(str: string): Scanned {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  if (i >= end) return { positive, value: str, num: num || '0', denom: '', suffix: '' };
  pos = i;
  if (num === '') num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    let j = pos;
    while (j < end && isDigit(str[j])) j++;
    denom = str.slice(pos, j);
    if (j >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = j;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(str[pos]!)) pos++;
  if (pos >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  if (str[pos] === '-' || str[pos] === '+') pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) throw new Error(ERR_FORMAT_WRONG);
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

interface Interpreted {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

function interpretSuffix(s: string): Interpreted | undefined {
  if (s in decimalSuffixes) return { base: 10, exponent: decimalSuffixes[s]!, format: 'DecimalSI' };
  if (s in binarySuffixes) return { base: 2, exponent: binarySuffixes[s]!, format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E')) {
    if (!/^[+-]?[0-9]+$/.test(s.slice(1))) return undefined;
    const e = Number(s.slice(1));
    if (!Number.isSafeInteger(e) || Math.abs(e) > MAX_INT32) return undefined;
    return { base: 10, exponent: e === 0 ? 0 : e, format: 'DecimalExponent' };
  }
  return undefined;
}

export class Quantity {
  /** The exact value in units of 10^-9. */
  readonly nanos: bigint;
  readonly format: QuantityFormat;
  /** Serialized text upstream would keep from the input, when it keeps one. */
  private readonly original: string | undefined;

  constructor(nanos: bigint, format: QuantityFormat = 'DecimalSI', original?: string) {
    this.nanos = nanos;
    this.format = format;
    this.original = original;
  }

  /** NewQuantity: an integer value in the given format. */
  static fromValue(v: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(v) * NANO, format);
  }

  /** NewMilliQuantity: value/1000 in the given format. */
  static fromMilli(v: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(v) * 1_000_000n, format);
  }

  /** NewScaledQuantity: value * 10^scale (scale >= -9), DecimalSI. */
  static fromScaled(v: number | bigint, scale: number): Quantity {
    const shift = scale + 9;
    const nanos = shift >= 0 ? BigInt(v) * pow10(shift) : divAwayFromZero(BigInt(v), pow10(-shift));
    return new Quantity(nanos, 'DecimalSI');
  }

  isZero(): boolean {
    return this.nanos === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.nanos === 0n ? 0 : this.nanos < 0n ? -1 : 1;
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    return this.nanos === other.nanos ? 0 : this.nanos < other.nanos ? -1 : 1;
  }

  equal(other: Quantity): boolean {
    return this.nanos === other.nanos;
  }

  /** Sum; when this is zero the result takes the other's format (upstream's Add). */
  add(other: Quantity): Quantity {
    return new Quantity(this.nanos + other.nanos, this.isZero() ? other.format : this.format);
  }

  /** Difference; when this is zero the result takes the other's format (upstream's Sub). */
  sub(other: Quantity): Quantity {
    return new Quantity(this.nanos - other.nanos, this.isZero() ? other.format : this.format);
  }

  mul(factor: number | bigint): Quantity {
    return new Quantity(this.nanos * BigInt(factor), this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.nanos, this.format);
  }

  /** ceil(q / 10^scale) away from zero, exact. */
  scaledValueBig(scale: number): bigint {
    const shift = scale + 9;
    return shift >= 0 ? divAwayFromZero(this.nanos, pow10(shift)) : this.nanos * pow10(-shift);
  }

  /** Value rounded up (away from zero) to an integer, as upstream's Value(). */
  value(): number {
    return Number(this.scaledValueBig(0));
  }

  /** ceil(q * 1000) away from zero, as upstream's MilliValue(). */
  milliValue(): number {
    return Number(this.scaledValueBig(-3));
  }

  valueBig(): bigint {
    return this.scaledValueBig(0);
  }

  milliValueBig(): bigint {
    return this.scaledValueBig(-3);
  }

  asApproximateFloat64(): number {
    const whole = this.nanos / NANO;
    const frac = this.nanos % NANO;
    return Number(whole) + Number(frac) / 1e9;
  }

  /** Upstream's canonical form ("1000m" → "1", "1.5Gi" → "1536Mi", "0.5" → "500m"). */
  canonical(): string {
    if (this.nanos === 0n) return '0';
    const neg = this.nanos < 0n;
    const abs = absBig(this.nanos);
    let format = this.format;
    if (format === 'BinarySI') {
      if (abs < 1024n * NANO || abs % NANO !== 0n) format = 'DecimalSI';
    }
    if (format === 'BinarySI') {
      let m = abs / NANO;
      let k = 0;
      while (m % 1024n === 0n) {
        m /= 1024n;
        k++;
      }
      const suffix = k === 0 ? '' : binarySuffixByExp.get(k * 10);
      if (suffix !== undefined) return `${neg ? '-' : ''}${m}${suffix}`;
      // Past Ei there is no binary suffix: fall back to exact decimal exponent notation.
      format = 'DecimalExponent';
    }
    // mantissa without trailing zeros, then the exponent lowered to a multiple of 3
    const digits = abs.toString();
    const zeros = digits.length - digits.replace(/0+$/, '').length;
    const e = -9 + zeros;
    const e3 = Math.floor(e / 3) * 3;
    const m = digits.slice(0, digits.length - zeros) + '0'.repeat(e - e3);
    let suffix: string;
    const si = format === 'DecimalSI' ? decimalSuffixByExp.get(e3) : undefined;
    if (si !== undefined) suffix = si;
    else suffix = e3 === 0 ? '' : `e${e3}`;
    return `${neg ? '-' : ''}${m}${suffix}`;
  }

  /** The serialized form upstream emits (canonical unless upstream keeps the input text). */
  toString(): string {
    return this.original ?? this.canonical();
  }

  toJSON(): string {
    return this.toString();
  }
}

/**
 * Parses a quantity string (or a JSON number). Throws Error with upstream's messages
 * (ErrFormatWrong, ErrNumeric, ErrSuffix) on invalid input. No whitespace is allowed.
 */
export function parseQuantity(v: string | number): Quantity {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(ERR_FORMAT_WRONG);
    v = String(v);
  }
  const str = v;
  if (str.length === 0) throw new Error(ERR_FORMAT_WRONG);
  if (str === '0') return new Quantity(0n, 'DecimalSI', '0');

  const { positive, value, num, denom, suffix } = scan(str);
  const it = interpretSuffix(suffix);
  if (!it) throw new Error(ERR_SUFFIX);
  let format = it.format;
  const { base, exponent } = it;

  // Whether upstream takes its int64 fast path, and whether that path keeps the input string.
  let keepOriginal = false;
  const digits = num + denom;
  if (base === 10) {
    const precision = 18 - digits.length;
    const scale = exponent - denom.length;
    if (precision >= 0 && scale >= -9) {
      keepOriginal = scale % 3 === 0 && !digits.endsWith('000') && digits[0] !== '0';
    } else if (!/[0-9]/.test(value)) {
      throw new Error(ERR_NUMERIC);
    }
  } else {
    const precision = 15 - num.length - Math.floor((exponent * 3) / 10) - 1;
    if (precision >= 0 && denom.length === 0) {
      const n = BigInt(num);
      const result = n << BigInt(exponent);
      if (result <= (1n << 63n) - 1n) keepOriginal = (n & 7n) !== 0n;
    }
  }

  const unscaled = BigInt(digits);
  let abs: bigint;
  if (base === 10) {
    const shift = exponent - denom.length + 9;
    if (shift > MAX_EXPANDED_EXPONENT) throw new Error('quantity exceeds the supported range');
    if (shift >= 0) abs = unscaled * pow10(shift);
    else if (unscaled === 0n) abs = 0n;
    else if (-shift > digits.length + 1) abs = 1n;
    else abs = divAwayFromZero(unscaled, pow10(-shift));
  } else {
    abs = divAwayFromZero((unscaled << BigInt(exponent)) * NANO, pow10(denom.length));
    if (abs > MAX_ALLOWED_NANOS) abs = MAX_ALLOWED_NANOS;
    if (abs > 0n && abs < NANO) format = 'DecimalSI';
  }
  const nanos = positive ? abs : -abs;
  return new Quantity(nanos, format, keepOriginal ? str : undefined);
}

/** True when `s` parses as a quantity. */
export function isValidQuantity(s: string): boolean {
  try {
    parseQuantity(s);
    return true;
  } catch {
    return false;
  }
}

/** Parses or returns undefined. */
export function tryParseQuantity(v: string | number): Quantity | undefined {
  try {
    return parseQuantity(v);
  } catch {
    return undefined;
  }
}
