/**
 * Label selectors as upstream's k8s.io/apimachinery/pkg/labels and metav1.LabelSelectorAsSelector.
 *
 * Contract:
 * - `parseSelector` accepts upstream's string syntax (`a=b,c!=d,e in (x,y),f notin (z),g,!h`,
 *   `==`, `>`, `<`) and throws an Error whose message is upstream's text (the apiserver answers
 *   400 BadRequest with it, e.g. `unable to parse requirement: found '', expected: identifier`).
 * - Requirements are kept sorted by key (stable), so `toString()` is deterministic and equals
 *   upstream's String() (values of set requirements sorted).
 * - `Selector.nothing()` (a null metav1.LabelSelector) matches nothing; an empty selector matches
 *   everything.
 */
import { isQualifiedName, isValidLabelValue } from './validation.js';

export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** Upstream's selection operator names, in upstream's order, for messages. */
const binaryOperators = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const validRequirementOperators = [...binaryOperators, 'exists', '!'];

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  /** Values as given (In/NotIn parsed from strings are sorted and de-duplicated). */
  readonly values: readonly string[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[] | null;
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

export type Labels = Record<string, string> | undefined | null;

/** Go's %q for the strings that appear in messages. */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, '\\x$1');
}

/** Go's %#v of a []string. */
function goStringSlice(vals: readonly string[]): string {
  return `[]string{${vals.map(goQuote).join(', ')}}`;
}

/** Go's utilerrors aggregate message: one error as is, several de-duplicated in brackets. */
function aggregate(msgs: string[]): string {
  const seen = [...new Set(msgs)];
  return seen.length === 1 ? seen[0]! : `[${seen.join(', ')}]`;
}

function invalid(path: string, value: string, detail: string): string {
  return `${path}: Invalid value: ${value}: ${detail}`;
}

function joinPath(base: string | undefined, child: string): string {
  return base ? `${base}.${child}` : child;
}

function labelKeyError(key: string, path: string): string | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalid(path, goQuote(key), errs.join('; ')) : undefined;
}

function isInt64(s: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(s)) return false;
  const v = BigInt(s);
  return v >= -(1n << 63n) && v < 1n << 63n;
}

/**
 * upstream's NewRequirement: validates key, operator and values. Throws Error with the
 * aggregated field-error message. `path` prefixes field paths (undefined = none, as in Parse).
 */
export function newRequirement(key: string, operator: Operator, values: readonly string[], path?: string): Requirement {
  const errs: string[] = [];
  const keyErr = labelKeyError(key, joinPath(path, 'key'));
  if (keyErr) errs.push(keyErr);
  const valuePath = joinPath(path, 'values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) {
        errs.push(invalid(valuePath, goStringSlice(values), "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) {
        errs.push(invalid(valuePath, goStringSlice(values), 'exact-match compatibility requires one single value'));
      }
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) {
        errs.push(invalid(valuePath, goStringSlice(values), 'values set must be empty for exists and does not exist'));
      }
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) {
        errs.push(invalid(valuePath, goStringSlice(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      values.forEach((v, i) => {
        if (!isInt64(v)) {
          errs.push(invalid(`${valuePath}[${i}]`, goQuote(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errs.push(
        `${joinPath(path, 'operator')}: Unsupported value: ${goQuote(String(operator))}: supported values: ${validRequirementOperators.map(goQuote).join(', ')}`,
      );
  }
  values.forEach((v, i) => {
    const vErrs = isValidLabelValue(v);
    if (vErrs.length) errs.push(invalid(`${valuePath}[${i}][${key}]`, goQuote(v), vErrs.join('; ')));
  });
  if (errs.length) throw new Error(aggregate(errs));
  return { key, operator, values: [...values] };
}

export function requirementMatches(r: Requirement, labels: Labels): boolean {
  const has = labels != null && Object.prototype.hasOwnProperty.call(labels, r.key);
  const val = has ? labels![r.key]! : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(val!);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(val!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !isInt64(val!) || r.values.length !== 1 || !isInt64(r.values[0]!)) return false;
      const lv = BigInt(val!);
      const rv = BigInt(r.values[0]!);
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
    default:
      return false;
  }
}

function sortedValues(vals: readonly string[]): string[] {
  return [...vals].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function requirementToString(r: Requirement): string {
  let s = r.operator === '!' ? '!' : '';
  s += r.key;
  switch (r.operator) {
    case 'exists':
    case '!':
      return s;
    case '=':
    case '==':
    case '!=':
      s += r.operator;
      break;
    case 'in':
      s += ' in ';
      break;
    case 'notin':
      s += ' notin ';
      break;
    case 'gt':
      s += '>';
      break;
    case 'lt':
      s += '<';
      break;
  }
  const open = r.operator === 'in' || r.operator === 'notin';
  if (open) s += '(';
  s += r.values.length === 1 ? r.values[0] : sortedValues(r.values).join(',');
  if (open) s += ')';
  return s;
}

function byKey(reqs: Requirement[]): Requirement[] {
  return [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export class Selector {
  private constructor(
    readonly requirements: readonly Requirement[],
    /** True for the selector that matches nothing (a null metav1.LabelSelector). */
    readonly matchesNothing: boolean,
  ) {}

  private static readonly EVERYTHING = new Selector([], false);
  private static readonly NOTHING = new Selector([], true);

  static everything(): Selector {
    return Selector.EVERYTHING;
  }

  static nothing(): Selector {
    return Selector.NOTHING;
  }

  static of(reqs: Requirement[]): Selector {
    return new Selector(byKey(reqs), false);
  }

  matches(labels: Labels): boolean {
    if (this.matchesNothing) return false;
    for (const r of this.requirements) if (!requirementMatches(r, labels)) return false;
    return true;
  }

  /** True when this selector does not restrict anything (the nothing-selector is not empty). */
  empty(): boolean {
    return !this.matchesNothing && this.requirements.length === 0;
  }

  /** A new selector with the requirements added (re-sorted by key). Nothing stays nothing. */
  add(...reqs: Requirement[]): Selector {
    if (this.matchesNothing) return this;
    return new Selector(byKey([...this.requirements, ...reqs]), false);
  }

  /** The value a selector requires for `label` through =, == or a one-value in, if any. */
  requiresExactMatch(label: string): string | undefined {
    for (const r of this.requirements) {
      if (r.key !== label) continue;
      if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) return r.values[0];
      return undefined;
    }
    return undefined;
  }

  toString(): string {
    if (this.matchesNothing) return '';
    return this.requirements.map(requirementToString).join(',');
  }
}

// ---- lexer and parser (upstream's grammar) ----

type Tok =
  | 'error'
  | 'eos'
  | ')'
  | ','
  | '!'
  | '=='
  | '='
  | '>'
  | 'id'
  | 'in'
  | '<'
  | '!='
  | 'notin'
  | '(';

const string2token: Record<string, Tok> = {
  ')': ')',
  ',': ',',
  '!': '!',
  '==': '==',
  '=': '=',
  '>': '>',
  in: 'in',
  '<': '<',
  '!=': '!=',
  notin: 'notin',
  '(': '(',
};

interface Item {
  tok: Tok;
  lit: string;
}

const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string): boolean => '=!(),><'.includes(c);

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  const read = (): string => (pos < s.length ? s[pos++]! : '');
  for (;;) {
    let ch = read();
    while (ch !== '' && isWhitespace(ch)) ch = read();
    if (ch === '') {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    pos--;
    if (isSpecial(ch)) {
      let buf = '';
      let last: Item | undefined;
      for (;;) {
        const c = read();
        if (c === '') break;
        if (isSpecial(c)) {
          buf += c;
          const t = string2token[buf];
          if (t) last = { tok: t, lit: buf };
          else if (last) {
            pos--;
            break;
          }
        } else {
          pos--;
          break;
        }
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` });
    } else {
      let buf = '';
      for (;;) {
        const c = read();
        if (c === '') break;
        if (isSpecial(c) || isWhitespace(c)) {
          pos--;
          break;
        }
        buf += c;
      }
      const t = Object.prototype.hasOwnProperty.call(string2token, buf) ? string2token[buf]! : 'id';
      items.push({ tok: t, lit: buf });
    }
  }
}

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  private static ctx(tok: Tok, values: boolean): Tok {
    return values && (tok === 'in' || tok === 'notin') ? 'id' : tok;
  }

  lookahead(values: boolean): Item {
    const it = this.items[this.position]!;
    return { tok: Parser.ctx(it.tok, values), lit: it.lit };
  }

  consume(values: boolean): Item {
    const it = this.items[this.position++]!;
    return { tok: Parser.ctx(it.tok, values), lit: it.lit };
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      switch (tok) {
        case 'id':
        case '!': {
          let r: Requirement;
          try {
            r = this.parseRequirement();
          } catch (e) {
            throw new Error(`unable to parse requirement: ${(e as Error).message}`);
          }
          reqs.push(r);
          const t = this.consume(true);
          if (t.tok === 'eos') return reqs;
          if (t.tok === ',') {
            const t2 = this.lookahead(true);
            if (t2.tok !== 'id' && t2.tok !== '!') throw new Error(`found '${t2.lit}', expected: identifier after ','`);
            break;
          }
          throw new Error(`found '${t.lit}', expected: ',' or 'end of string'`);
        }
        case 'eos':
          return reqs;
        default:
          throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const { key, operator } = this.parseKeyAndInferOperator();
    if (operator === 'exists' || operator === '!') return newRequirement(key, operator, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, sortedValues([...values]));
  }

  private parseKeyAndInferOperator(): { key: string; operator: Operator | undefined } {
    let operator: Operator | undefined;
    let { tok, lit } = this.consume(true);
    if (tok === '!') {
      operator = '!';
      ({ tok, lit } = this.consume(true));
    }
    if (tok !== 'id') throw new Error(`found '${lit}', expected: identifier`);
    const keyErr = labelKeyError(lit, '<nil>');
    if (keyErr) throw new Error(keyErr);
    const next = this.lookahead(true).tok;
    if ((next === 'eos' || next === ',') && operator !== '!') operator = 'exists';
    return { key: lit, operator };
  }

  private parseOperator(): Operator {
    const { tok, lit } = this.consume(false);
    switch (tok) {
      case 'in':
        return 'in';
      case '=':
        return '=';
      case '==':
        return '==';
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      case 'notin':
        return 'notin';
      case '!=':
        return '!=';
      default:
        throw new Error(`found '${lit}', expected: ${binaryOperators.join(', ')}`);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume(true);
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(true);
    switch (tok) {
      case 'id':
      case ',': {
        const s = this.parseIdentifiersList();
        if (this.consume(true).tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
        return s;
      }
      case ')':
        this.consume(true);
        return new Set(['']);
      default:
        throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    }
  }

  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(true);
      switch (tok) {
        case 'id': {
          s.add(lit);
          const t2 = this.lookahead(true);
          if (t2.tok === ',') continue;
          if (t2.tok === ')') return s;
          throw new Error(`found '${t2.lit}', expected: ',' or ')'`);
        }
        case ',': {
          if (s.size === 0) s.add('');
          const t2 = this.lookahead(true).tok;
          if (t2 === ')') {
            s.add('');
            return s;
          }
          if (t2 === ',') s.add('');
          continue;
        }
        default:
          throw new Error(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead(true).tok;
    if (next === 'eos' || next === ',') return new Set(['']);
    const { tok, lit } = this.consume(true);
    if (tok === 'id') return new Set([lit]);
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

/** upstream's labels.Parse. Throws Error with upstream's message on bad syntax or invalid keys/values. */
export function parseSelector(selector: string): Selector {
  return Selector.of(new Parser(lex(selector)).parse());
}

export const parseLabelSelector = parseSelector;

/** upstream's SelectorFromSet: key=value for each entry; empty or missing set → everything. No validation. */
export function selectorFromSet(set: Record<string, string> | undefined | null): Selector {
  if (!set) return Selector.everything();
  return Selector.of(Object.entries(set).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })));
}

/** upstream's ValidatedSelectorFromSet: as selectorFromSet but validating keys and values (throws). */
export function validatedSelectorFromSet(set: Record<string, string> | undefined | null): Selector {
  if (!set) return Selector.everything();
  return Selector.of(Object.entries(set).map(([key, v]) => newRequirement(key, '=', [v])));
}

/**
 * metav1.LabelSelectorAsSelector: null/undefined → nothing (matches no object); an empty selector
 * (no matchLabels, no matchExpressions) → everything. Throws Error for invalid keys, values or
 * operators, with upstream's messages.
 */
export function labelSelectorToSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls == null) return Selector.nothing();
  const matchLabels = ls.matchLabels ?? {};
  const exprs = ls.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + exprs.length === 0) return Selector.everything();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(matchLabels)) reqs.push(newRequirement(k, '=', [v]));
  for (const e of exprs) {
    let op: Operator;
    switch (e.operator) {
      case 'In':
        op = 'in';
        break;
      case 'NotIn':
        op = 'notin';
        break;
      case 'Exists':
        op = 'exists';
        break;
      case 'DoesNotExist':
        op = '!';
        break;
      default:
        throw new Error(`${goQuote(String(e.operator))} is not a valid label selector operator`);
    }
    reqs.push(newRequirement(e.key, op, e.values ?? []));
  }
  return Selector.of(reqs);
}

/** metav1.FormatLabelSelector: the selector string, `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  let s: string;
  try {
    s = labelSelectorToSelector(ls).toString();
  } catch {
    return '<error>';
  }
  return s.length === 0 ? '<none>' : s;
}

/** labels.Set.String(): `k=v` pairs sorted by key, comma separated. */
export function formatLabels(set: Record<string, string> | undefined | null): string {
  if (!set) return '';
  return Object.keys(set)
    .sort()
    .map((k) => `${k}=${set[k]}`)
    .join(',');
}
