/**
 * RFC 6902 JSON Patch, with the behaviour of the library upstream's apiserver uses
 * (evanphx/json-patch): negative array indices count from the end, `test` of a missing member
 * against `null` succeeds, operations on the whole document (path "") are rejected.
 *
 * `applyJsonPatch` never mutates its input. Failures are PatchError (see ./errors.ts for the
 * status each kind maps to): a malformed body → BadRequest, too many operations → TooLarge,
 * a failure while applying → Invalid.
 */
import { PatchError, MAX_JSON_PATCH_OPERATIONS, cloneJson, isPlainObject, jsonEqual } from './errors.js';

export { PatchError } from './errors.js';

export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/** Splits a JSON pointer into unescaped tokens (`~1` → `/`, `~0` → `~`). "" is the whole document. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError('Invalid', `JSON pointer must start with '/': ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Builds a JSON pointer from tokens, escaping `~` and `/`. */
export function formatPointer(tokens: string[]): string {
  return tokens.map((t) => '/' + t.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * Validates a decoded request body as a list of operations. Throws PatchError BadRequest when it
 * is not an array of objects, TooLarge beyond the upstream limit of 10000 operations.
 */
export function decodeJsonPatch(body: unknown): JsonPatchOperation[] {
  if (!Array.isArray(body)) {
    throw new PatchError('BadRequest', `json: cannot unmarshal ${goJsonType(body)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of body) {
    if (!isPlainObject(op)) {
      throw new PatchError('BadRequest', `json: cannot unmarshal ${goJsonType(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (body.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError('TooLarge', `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${body.length}`);
  }
  return body as JsonPatchOperation[];
}

function goJsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

type Container = Record<string, unknown> | unknown[];

function parseIndex(token: string, length: number, forAdd: boolean): number {
  if (!/^-?[0-9]+$/.test(token)) throw new PatchError('Invalid', `Unable to access invalid index: ${token}: invalid index referenced`);
  let idx = Number(token);
  const max = forAdd ? length : length - 1;
  if (idx > max || idx < -length) throw new PatchError('Invalid', `Unable to access invalid index: ${idx}: invalid index referenced`);
  if (idx < 0) idx += length;
  return idx;
}

/** Resolves all tokens but the last to the container holding the target. */
function findContainer(doc: unknown, tokens: string[]): Container | undefined {
  let cur: unknown = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i]!;
    if (Array.isArray(cur)) {
      if (!/^-?[0-9]+$/.test(t)) return undefined;
      let idx = Number(t);
      if (idx < 0) idx += cur.length;
      if (idx < 0 || idx >= cur.length) return undefined;
      cur = cur[idx];
    } else if (isPlainObject(cur)) {
      if (!Object.prototype.hasOwnProperty.call(cur, t)) return undefined;
      cur = cur[t];
    } else return undefined;
  }
  return Array.isArray(cur) || isPlainObject(cur) ? (cur as Container) : undefined;
}

function has(c: Container, key: string): boolean {
  if (Array.isArray(c)) {
    if (!/^-?[0-9]+$/.test(key)) return false;
    const idx = Number(key);
    return idx < c.length && idx >= -c.length;
  }
  return Object.prototype.hasOwnProperty.call(c, key);
}

function get(c: Container, key: string): unknown {
  if (Array.isArray(c)) return c[parseIndex(key, c.length, false)];
  return Object.prototype.hasOwnProperty.call(c, key) ? c[key] : undefined;
}

function addTo(c: Container, key: string, value: unknown): void {
  if (Array.isArray(c)) {
    const idx = key === '-' ? c.length : parseIndex(key, c.length, true);
    c.splice(idx, 0, value);
  } else {
    c[key] = value;
  }
}

function removeFrom(c: Container, key: string): unknown {
  if (Array.isArray(c)) {
    const idx = parseIndex(key, c.length, false);
    return c.splice(idx, 1)[0];
  }
  if (!Object.prototype.hasOwnProperty.call(c, key)) {
    throw new PatchError('Invalid', `Unable to remove nonexistent key: ${key}: missing value`);
  }
  const v = c[key];
  delete c[key];
  return v;
}

function requirePath(op: Record<string, unknown>, field: 'path' | 'from'): string {
  const p = op[field];
  if (typeof p !== 'string') throw new PatchError('Invalid', `operation missing ${field} field: missing value`);
  return p;
}

function target(doc: unknown, path: string, opName: string): { c: Container; key: string } {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw new PatchError('Invalid', `${opName} operation does not apply: doc is missing path: "${path}": missing value`);
  const c = findContainer(doc, tokens);
  if (!c) throw new PatchError('Invalid', `${opName} operation does not apply: doc is missing path: "${path}": missing value`);
  return { c, key: tokens[tokens.length - 1]! };
}

/** Applies the operations in order to a copy of `doc` and returns the result. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  const ops = decodeJsonPatch(patch);
  const out = cloneJson(doc);
  for (const raw of ops) {
    const op = raw as unknown as Record<string, unknown>;
    switch (op.op) {
      case 'add': {
        const path = requirePath(op, 'path');
        const { c, key } = target(out, path, 'add');
        addTo(c, key, cloneJson(op.value ?? null));
        break;
      }
      case 'remove': {
        const path = requirePath(op, 'path');
        const { c, key } = target(out, path, 'remove');
        removeFrom(c, key);
        break;
      }
      case 'replace': {
        const path = requirePath(op, 'path');
        const { c, key } = target(out, path, 'replace');
        if (Array.isArray(c)) {
          c[parseIndex(key, c.length, false)] = cloneJson(op.value ?? null);
        } else {
          if (!Object.prototype.hasOwnProperty.call(c, key)) {
            throw new PatchError('Invalid', `replace operation does not apply: doc is missing key: ${path}: missing value`);
          }
          c[key] = cloneJson(op.value ?? null);
        }
        break;
      }
      case 'move': {
        const from = requirePath(op, 'from');
        const path = requirePath(op, 'path');
        if (path !== from && path.startsWith(from + '/')) {
          throw new PatchError('Invalid', `move operation does not apply: path ${path} is a child of from ${from}`);
        }
        const src = target(out, from, 'move');
        if (!has(src.c, src.key)) {
          throw new PatchError('Invalid', `move operation does not apply: doc is missing from path: ${from}: missing value`);
        }
        const v = removeFrom(src.c, src.key);
        const dst = target(out, path, 'move');
        addTo(dst.c, dst.key, v);
        break;
      }
      case 'copy': {
        const from = requirePath(op, 'from');
        const path = requirePath(op, 'path');
        const src = target(out, from, 'copy');
        if (!has(src.c, src.key)) {
          throw new PatchError('Invalid', `copy operation does not apply: doc is missing from path: ${from}: missing value`);
        }
        const v = cloneJson(get(src.c, src.key));
        const dst = target(out, path, 'copy');
        addTo(dst.c, dst.key, v);
        break;
      }
      case 'test': {
        const path = requirePath(op, 'path');
        const tokens = parsePointer(path);
        let actual: unknown;
        let present: boolean;
        if (tokens.length === 0) {
          actual = out;
          present = true;
        } else {
          const c = findContainer(out, tokens);
          if (!c) throw new PatchError('Invalid', `test operation does not apply: is missing path: ${path}: missing value`);
          const key = tokens[tokens.length - 1]!;
          present = has(c, key);
          actual = present ? get(c, key) : undefined;
        }
        const expected = op.value ?? null;
        if (!present || actual === null) {
          if (expected === null) break;
          throw new PatchError('Invalid', `testing value ${path} failed: test failed`);
        }
        if (!jsonEqual(actual, expected)) throw new PatchError('Invalid', `testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw new PatchError('Invalid', `Unexpected kind: ${String(op.op)}`);
    }
  }
  return out;
}
