/**
 * Field errors as upstream's field.ErrorList: every validation failure carries a path
 * (`spec.containers[0].image`), a type and a detail. `message()` renders exactly the text
 * upstream prints (e.g. `spec.containers[0].name: Required value`).
 */

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  badValue?: unknown;
  detail?: string;
}

const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Types whose message omits the bad value, as upstream does. */
const omitsValue = new Set<FieldErrorType>([
  'FieldValueRequired',
  'FieldValueForbidden',
  'FieldValueTooLong',
  'InternalError',
]);

function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** The message text without the field path (upstream's ErrorBody). */
export function fieldErrorBody(e: FieldError): string {
  let s = typeText[e.type];
  if (!omitsValue.has(e.type) && e.badValue !== undefined) s += `: ${renderValue(e.badValue)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** `field: body`, as in a 422 Status message and in `causes[].message`. */
export function fieldErrorMessage(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/** A field path builder: `path('spec').child('containers').index(0).child('name').toString()`. */
export class FieldPath {
  private constructor(private readonly text: string) {}
  static root(name = ''): FieldPath {
    return new FieldPath(name);
  }
  child(name: string, ...more: string[]): FieldPath {
    let t = this.text;
    for (const n of [name, ...more]) t = t ? `${t}.${n}` : n;
    return new FieldPath(t);
  }
  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }
  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }
  toString(): string {
    return this.text;
  }
}

export const path = (name: string, ...more: string[]): FieldPath => FieldPath.root().child(name, ...more);

type P = FieldPath | string;
const s = (p: P): string => (typeof p === 'string' ? p : p.toString());

export const required = (p: P, detail = ''): FieldError => ({ type: 'FieldValueRequired', field: s(p), badValue: '', detail });
export const invalid = (p: P, value: unknown, detail = ''): FieldError => ({ type: 'FieldValueInvalid', field: s(p), badValue: value, detail });
export const duplicate = (p: P, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field: s(p), badValue: value });
export const notFound = (p: P, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field: s(p), badValue: value });
export const forbidden = (p: P, detail: string): FieldError => ({ type: 'FieldValueForbidden', field: s(p), badValue: '', detail });
export const tooLong = (p: P, value: unknown, max: number): FieldError => ({
  type: 'FieldValueTooLong',
  field: s(p),
  badValue: value,
  detail: `must have at most ${max} bytes`,
});
export const tooMany = (p: P, actual: number, max: number): FieldError => ({
  type: 'FieldValueTooMany',
  field: s(p),
  badValue: actual,
  detail: `must have at most ${max} items`,
});
export const notSupported = (p: P, value: unknown, supported: readonly string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field: s(p),
  badValue: value,
  detail: supported.length ? `supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}` : '',
});
/** Upstream's ValidateImmutableField message. */
export const immutable = (p: P, value: unknown): FieldError => invalid(p, value, 'field is immutable');
