/**
 * Field selectors as upstream's k8s.io/apimachinery/pkg/fields.
 *
 * Contract:
 * - Syntax: comma-separated terms `field=value`, `field==value`, `field!=value`. In values, `\,`,
 *   `\=` and `\\` escape; an unescaped `,` splits terms, an unescaped `=` inside a value or any
 *   other escape is an error. The field name is taken up to the first operator (no escaping).
 * - Terms are kept in upstream's order (sorted by their raw text), so `toString()` equals
 *   upstream's String().
 * - A missing field reads as "" (so `a=` matches objects without `a`, `a!=x` matches them too).
 * - Errors are Error with upstream's text; the apiserver answers 400 BadRequest with it.
 */

export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  readonly field: string;
  /** '=' for both `=` and `==` (upstream's selection.Equals), or '!='. */
  readonly operator: '=' | '!=';
  readonly value: string;
}

export type Fields = Record<string, string> | undefined | null;

/** `\` → `\\`, `,` → `\,`, `=` → `\=`. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Reverses escapeFieldValue; throws on a bad escape or an unescaped `,` / `=`. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') {
      // upstream formats the rune with %v, i.e. as its code point number
      throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else out += c;
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

function splitTerms(sel: string): string[] {
  if (sel.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < sel.length; i++) {
    const c = sel[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(sel.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(sel.slice(start));
  return terms;
}

const termOperators: FieldOperator[] = ['!=', '==', '='];

function splitTerm(term: string): { lhs: string; op: FieldOperator; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** Go's sort.Strings order: byte-wise on UTF-8. */
function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export class FieldSelector {
  private constructor(private readonly terms: readonly FieldRequirement[]) {}

  static everything(): FieldSelector {
    return EVERYTHING;
  }

  static of(reqs: FieldRequirement[]): FieldSelector {
    return new FieldSelector([...reqs]);
  }

  /** All terms must hold. Fields not present read as "". */
  matches(fields: Fields): boolean {
    for (const t of this.terms) {
      const v = fields != null && Object.prototype.hasOwnProperty.call(fields, t.field) ? fields[t.field]! : '';
      if (t.operator === '=' ? v !== t.value : v === t.value) return false;
    }
    return true;
  }

  empty(): boolean {
    return this.terms.length === 0;
  }

  requirements(): readonly FieldRequirement[] {
    return this.terms;
  }

  /** The value required for `field` by an equality term, if any. */
  requiresExactMatch(field: string): string | undefined {
    for (const t of this.terms) if (t.field === field && t.operator === '=') return t.value;
    return undefined;
  }

  /**
   * upstream's Transform: rewrites each term's field and value (e.g. field label conversion).
   * `fn` may throw (the apiserver turns that into 400). A term mapped to an empty field and an
   * empty value is dropped (upstream turns it into Everything).
   */
  transform(fn: (field: string, value: string) => { field: string; value: string }): FieldSelector {
    const out: FieldRequirement[] = [];
    for (const t of this.terms) {
      const r = fn(t.field, t.value);
      if (r.field === '' && r.value === '') continue;
      out.push({ field: r.field, operator: t.operator, value: r.value });
    }
    return new FieldSelector(out);
  }

  toString(): string {
    return this.terms.map((t) => `${t.field}${t.operator}${escapeFieldValue(t.value)}`).join(',');
  }
}

const EVERYTHING = FieldSelector.of([]);

/** upstream's fields.ParseSelector. Throws Error with upstream's message on bad input. */
export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort(byteCompare);
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw new Error(`invalid selector: '${selector}'; can't understand '${part}'`);
    const value = unescapeFieldValue(t.rhs);
    reqs.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value });
  }
  return FieldSelector.of(reqs);
}

/** fields.OneTermEqualSelector. */
export function oneTermEqualSelector(field: string, value: string): FieldSelector {
  return FieldSelector.of([{ field, operator: '=', value }]);
}

/** fields.SelectorFromSet: field=value for each entry (sorted by field); empty → everything. */
export function fieldSelectorFromSet(set: Record<string, string> | undefined | null): FieldSelector {
  if (!set) return EVERYTHING;
  return FieldSelector.of(
    Object.keys(set)
      .sort(byteCompare)
      .map((field) => ({ field, operator: '=' as const, value: set[field]! })),
  );
}
