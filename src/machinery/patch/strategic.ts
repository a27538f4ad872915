/**
 * Strategic merge patch, applied as upstream's apiserver applies it
 * (k8s.io/apimachinery/pkg/util/strategicpatch StrategicMergeMapPatch, i.e. mergeMap with
 * MergeParallelList and IgnoreUnmatchedNulls).
 *
 * Contract:
 * - `strategicMergePatch(original, patch, meta)` never mutates its inputs and returns the merged
 *   document. `meta` describes the original's type (field strategies and merge keys, upstream's
 *   `patchStrategy` / `patchMergeKey` tags); fields without meta behave like JSON merge patch
 *   (maps merge recursively, lists replace), directives are honoured everywhere.
 * - Maps merge key by key; `null` deletes. A key absent from the original takes the patch value
 *   with its nulls removed.
 * - Lists with strategy `merge`: lists of maps merge items by `mergeKey` (original order kept,
 *   new items placed by their order in the patch); lists of primitives are a set union.
 *   Other lists are replaced by the patch list.
 * - Directives: `$patch: replace|delete` in a map, `{$patch: replace}` / `{<key>: v, $patch: delete}`
 *   items in a merge list, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`,
 *   `$retainKeys`. `$patch: merge` is rejected as upstream does (in a map: unknown patch type; in
 *   a list: "merging lists cannot yet be specified in the patch").
 * - Values copied from the patch as they are (new keys, replaced maps and lists, appended items)
 *   lose their `null` members and any leftover directive keys, matching what upstream's typed
 *   decode of the result keeps.
 * - Failures are PatchError with upstream's messages; see ./errors.ts for their HTTP statuses.
 */
import { PatchError, isPlainObject } from './errors.js';

export { PatchError } from './errors.js';

export type PatchStrategy = 'merge' | 'replace' | 'retainKeys';

/** Patch metadata of one type: how each of its fields merges. */
export interface PatchMeta {
  field(name: string): FieldPatchMeta | undefined;
}

export interface FieldPatchMeta {
  /** schema of the field's value (for objects) or of list items (for lists) */
  schema?: PatchMeta;
  list?: boolean;
  mergeKey?: string;
  strategies: Array<PatchStrategy>;
}

/** Builds a PatchMeta from a plain table (convenient for type catalogues and tests). */
export function patchMetaFrom(fields: Record<string, FieldPatchMeta>): PatchMeta {
  return { field: (name) => (Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined) };
}

// upstream's mergepatch error texts
export const ERR_BAD_JSON_DOC = 'invalid JSON document';
export const ERR_NO_LIST_OF_LISTS = 'lists of lists are not supported';
export const ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST = 'invalid patch format of primitive list';
export const ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS = 'invalid patch format of retainKeys';
export const ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST = 'invalid patch format of setElementOrder list';
export const ERR_PATCH_CONTENT_NOT_MATCH_RETAIN_KEYS = "patch content doesn't match retainKeys list";

const DIRECTIVE_MARKER = '$patch';
const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

type JMap = Record<string, unknown>;
type Kind = 'map' | 'slice' | 'string' | 'number' | 'bool' | 'nil';

const badRequest = (msg: string): PatchError => new PatchError('BadRequest', msg);
const internal = (msg: string): PatchError => new PatchError('Internal', msg);

/** Go's %v rendering of a decoded JSON value, for messages. */
function goV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  if (isPlainObject(v)) {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goV(v[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  return 'bool';
}

const goKindName: Record<Kind, string> = {
  map: 'map',
  slice: 'slice',
  string: 'string',
  number: 'float64',
  bool: 'bool',
  nil: 'invalid',
};

function errBadArgType(expected: Kind, actual: unknown): PatchError {
  return internal(`expected a ${goKindName[expected]}, but received a ${goKindName[kindOf(actual)]}`);
}

function errNoMergeKey(m: unknown, key: string): PatchError {
  return internal(`map: ${goV(m)} does not contain declared merge key: ${key}`);
}

function errBadPatchType(t: unknown, m: unknown): PatchError {
  return internal(`unknown patch type: ${goV(t)} in map: ${goV(m)}`);
}

const has = (m: JMap, k: string): boolean => Object.prototype.hasOwnProperty.call(m, k);

function isDirectiveKey(k: string): boolean {
  return (
    k === DIRECTIVE_MARKER ||
    k === RETAIN_KEYS_DIRECTIVE ||
    k.startsWith(SET_ELEMENT_ORDER_PREFIX + '/') ||
    k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX + '/')
  );
}

/**
 * A patch value taken as it is: nulls dropped from maps (upstream's discardNullValuesFromPatch)
 * and leftover directives removed (upstream's typed decode drops them). Mutates and returns v.
 */
function verbatim(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      if (isPlainObject(x) && has(x, DIRECTIVE_MARKER)) continue;
      out.push(verbatim(x));
    }
    return out;
  }
  if (isPlainObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null || isDirectiveKey(k)) delete v[k];
      else v[k] = verbatim(v[k]);
    }
  }
  return v;
}

/** upstream's extractRetainKeysPatchStrategy: the non-retainKeys strategy ('' when none). */
function otherStrategy(strategies: readonly string[]): string {
  switch (strategies.length) {
    case 0:
      return '';
    case 1:
      return strategies[0] === 'retainKeys' ? '' : strategies[0]!;
    case 2:
      if (strategies[0] === 'retainKeys') return strategies[1]!;
      if (strategies[1] === 'retainKeys') return strategies[0]!;
      throw internal(`unexpected patch strategy: ${goV(strategies)}`);
    default:
      throw internal(`unexpected patch strategy: ${goV(strategies)}`);
  }
}

function lookup(meta: PatchMeta | undefined, key: string): { schema: PatchMeta | undefined; strategy: string; mergeKey: string } {
  const fm = meta?.field(key);
  return { schema: fm?.schema, strategy: otherStrategy(fm?.strategies ?? []), mergeKey: fm?.mergeKey ?? '' };
}

/** upstream's sliceElementType: the common kind of all elements; undefined when there are none. */
function sliceElementKind(...slices: unknown[][]): Kind | undefined {
  let prev: Kind | undefined;
  for (const s of slices) {
    for (const v of s) {
      const k = kindOf(v);
      if (prev === undefined) {
        if (k === 'slice') throw new PatchError('Invalid', ERR_NO_LIST_OF_LISTS);
        if (k === 'nil') throw internal(`list element types are not identical: ${goV(slices)}`);
        prev = k;
      } else if (prev !== k) {
        throw internal(`list element types are not identical: ${goV(slices)}`);
      }
    }
  }
  return prev;
}

/** Go's in-place de-duplication (order not preserved; the caller re-orders). */
function deduplicateScalars(s: unknown[]): unknown[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s = s.slice(0, length);
        length--;
        j--;
      }
    }
  }
  return s;
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  const del = new Set(toDelete);
  return current.filter((v) => !del.has(v));
}

/** The value items are identified by: the merge key's value for maps, the item itself otherwise. */
function identity(item: unknown, mergeKey: string, kind: Kind | undefined): unknown {
  if (kind === 'map') return isPlainObject(item) ? item[mergeKey] : undefined;
  return item;
}

/** First position of each identity in `list` (upstream's index()). */
function positions(list: unknown[], mergeKey: string, kind: Kind | undefined): Map<unknown, number> {
  const pos = new Map<unknown, number>();
  list.forEach((v, i) => {
    const id = identity(v, mergeKey, kind);
    if (!pos.has(id)) pos.set(id, i);
  });
  return pos;
}

function validateMergeKeyInLists(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isPlainObject(item)) throw errBadArgType('map', item);
      if (!has(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

function extractToDeleteItems(l: unknown[]): { nonDelete: unknown[]; toDelete: unknown[] } {
  const nonDelete: unknown[] = [];
  const toDelete: unknown[] = [];
  for (const v of l) {
    if (!isPlainObject(v)) throw errBadArgType('map', v);
    if (has(v, DIRECTIVE_MARKER) && v[DIRECTIVE_MARKER] === 'delete') toDelete.push(v);
    else nonDelete.push(v);
  }
  return { nonDelete, toDelete };
}

/**
 * upstream's normalizeSliceOrder: stable sort of `toSort` by position in `order`. Items missing
 * from `order` compare as upstream's comparator does (always "less"), reproduced with Go's
 * insertion sort; when every item is found this is a plain stable sort.
 */
function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: Kind | undefined): unknown[] {
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, toSort, order);
    ({ nonDelete: toSort, toDelete } = extractToDeleteItems(toSort));
  }
  const pos = positions(order, mergeKey, kind);
  const idx = (v: unknown): number => pos.get(identity(v, mergeKey, kind)) ?? -1;
  const keyed = toSort.map((v) => ({ v, i: idx(v) }));
  if (keyed.every((x) => x.i >= 0)) {
    keyed.sort((a, b) => a.i - b.i);
  } else {
    const less = (a: { i: number }, b: { i: number }): boolean => (a.i >= 0 && b.i >= 0 ? a.i < b.i : true);
    for (let i = 1; i < keyed.length; i++) {
      for (let j = i; j > 0 && less(keyed[j]!, keyed[j - 1]!); j--) {
        const t = keyed[j]!;
        keyed[j] = keyed[j - 1]!;
        keyed[j - 1] = t;
      }
    }
  }
  return [...keyed.map((x) => x.v), ...toDelete];
}

/** upstream's mergeSortedSlice: interleave `left` into `right` by their positions in serverOrder. */
function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, kind: Kind | undefined): unknown[] {
  const pos = positions(serverOrder, mergeKey, kind);
  const idx = (v: unknown): number => pos.get(identity(v, mergeKey, kind)) ?? -1;
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = idx(left[i]);
      const ri = idx(right[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function normalizeElementOrder(
  patch: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: Kind | undefined,
): unknown[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

function partitionPrimitives(original: unknown[], partitionBy: unknown[]): { patch: unknown[]; serverOnly: unknown[] } {
  const inPatch = new Set(partitionBy);
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of original) (inPatch.has(v) ? patch : serverOnly).push(v);
  return { patch, serverOnly };
}

function partitionMaps(original: unknown[], partitionBy: unknown[], mergeKey: string): { patch: unknown[]; serverOnly: unknown[] } {
  const keys = new Set<unknown>();
  partitionBy.forEach((v, k) => {
    if (!isPlainObject(v)) throw internal(`value for key ${k} is not a map.`);
    if (has(v, mergeKey)) keys.add(v[mergeKey]);
  });
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of original) {
    if (!isPlainObject(v)) throw errBadArgType('map', v);
    if (!has(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (keys.has(v[mergeKey]) ? patch : serverOnly).push(v);
  }
  return { patch, serverOnly };
}

function partition(merged: unknown[], by: unknown[], mergeKey: string): { patch: unknown[]; serverOnly: unknown[] } {
  return mergeKey === '' ? partitionPrimitives(merged, by) : partitionMaps(merged, by, mergeKey);
}

function findByKey(list: unknown[], key: string, value: unknown): number {
  for (let k = 0; k < list.length; k++) {
    const v = list[k];
    if (!isPlainObject(v)) throw internal(`value for key ${k} is not a map.`);
    if (has(v, key) && v[key] === value) return k;
  }
  return -1;
}

function mergeSliceWithSpecialElements(original: unknown[], patch: unknown[], mergeKey: string): { original: unknown[]; patch: unknown[] } {
  const plain: unknown[] = [];
  let replace = false;
  for (const v of patch) {
    const m = v as JMap;
    if (!has(m, DIRECTIVE_MARKER)) {
      plain.push(v);
      continue;
    }
    const t = m[DIRECTIVE_MARKER];
    if (t === 'delete') {
      if (!has(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
      const value = m[mergeKey];
      for (let i = findByKey(original, mergeKey, value); i >= 0; i = findByKey(original, mergeKey, value)) {
        original = [...original.slice(0, i), ...original.slice(i + 1)];
      }
    } else if (t === 'replace') {
      replace = true;
    } else if (t === 'merge') {
      throw internal('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(t, m);
    }
  }
  if (replace) return { original: plain.map(verbatim), patch: [] };
  return { original, patch: plain };
}

function mergeSliceWithoutSpecialElements(original: unknown[], patch: unknown[], mergeKey: string, schema: PatchMeta | undefined): unknown[] {
  for (const v of patch) {
    const m = v as JMap;
    if (!has(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
    const i = findByKey(original, mergeKey, m[mergeKey]);
    if (i >= 0) {
      original[i] = mergeMap(original[i] as JMap, m, schema);
    } else {
      original.push(verbatim(v));
    }
  }
  return original;
}

function mergeSlice(
  original: unknown[],
  patch: unknown[],
  schema: PatchMeta | undefined,
  mergeKey: string,
  isDeleteList: boolean,
  fieldName: string,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: unknown[];
  if (kind !== 'map') {
    if (isDeleteList) return deleteFromSlice(original, patch);
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (mergeKey === '') throw internal(`cannot merge lists without merge key for ${fieldName}`);
    ({ original, patch } = mergeSliceWithSpecialElements(original, patch, mergeKey));
    merged = mergeSliceWithoutSpecialElements([...original], patch, mergeKey, schema);
  }
  const parts = partition(merged, patch, mergeKey);
  return normalizeElementOrder(parts.patch, parts.serverOnly, patch, original, mergeKey, kind);
}

function mergeSliceHandler(
  original: unknown,
  patch: unknown,
  schema: PatchMeta | undefined,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
  fieldName: string,
): unknown[] {
  if (!Array.isArray(original)) throw errBadArgType('slice', original);
  if (!Array.isArray(patch)) throw errBadArgType('slice', patch);
  if (strategy === 'merge' || isDeleteList) return mergeSlice(original, patch, schema, mergeKey, isDeleteList, fieldName);
  return verbatim(patch) as unknown[];
}

function mergeMapHandler(original: unknown, patch: unknown, schema: PatchMeta | undefined, strategy: string): JMap {
  if (!isPlainObject(original)) throw errBadArgType('map', original);
  if (!isPlainObject(patch)) throw errBadArgType('map', patch);
  if (strategy !== 'replace') return mergeMap(original, patch, schema);
  return verbatim(patch) as JMap;
}

function handleDirectiveInMergeMap(directive: unknown, patch: JMap): JMap {
  if (directive === 'replace') {
    delete patch[DIRECTIVE_MARKER];
    return verbatim(patch) as JMap;
  }
  if (directive === 'delete') return {};
  throw errBadPatchType(directive, patch);
}

function applyRetainKeysDirective(original: JMap, patch: JMap): void {
  if (!has(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const retain = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(retain)) throw badRequest(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS);
  const keep = new Set(retain);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || k.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!keep.has(k)) throw badRequest(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX) throw badRequest(ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST);
    if (prefix === SET_ELEMENT_ORDER_PREFIX) throw badRequest(ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST);
    throw internal(`fail to find unknown prefix "${prefix}" in ${s}\n`);
  }
  return s.slice(slash + 1);
}

function validatePatchWithSetOrderList(patchList: unknown[] | undefined, setOrderList: unknown[], mergeKey: string): void {
  if (!patchList || setOrderList.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey !== '' ? extractToDeleteItems(patchList).nonDelete : patchList;
  const equal = (l: unknown, r: unknown): boolean => {
    if (mergeKey === '') return l === r;
    if (!isPlainObject(l)) throw errBadArgType('map', l);
    if (!isPlainObject(r)) throw errBadArgType('map', r);
    if (!has(l, mergeKey)) throw errNoMergeKey(l, mergeKey);
    if (!has(r, mergeKey)) throw errNoMergeKey(r, mergeKey);
    return l[mergeKey] === r[mergeKey];
  };
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < setOrderList.length) {
    const item = nonDelete[p];
    if (isPlainObject(item) && has(item, DIRECTIVE_MARKER)) {
      p++;
      continue;
    }
    if (equal(item, setOrderList[s])) p++;
    s++;
  }
  if (p < nonDelete.length && s >= setOrderList.length) {
    throw internal(`The order in patch list:\n${goV(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goV(setOrderList)}\n`);
  }
}

/** Processes every `$setElementOrder/<field>` in `patch` together with `<field>`; removes both from the patch. */
function mergePatchIntoOriginal(original: JMap, patch: JMap, schema: PatchMeta | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType('slice', order);
    const field = extractKey(key, SET_ELEMENT_ORDER_PREFIX);
    const foundOriginal = has(original, field);
    const foundPatch = has(patch, field);
    let originalList: unknown[] | undefined;
    let patchList: unknown[] | undefined;
    if (foundOriginal) {
      if (!Array.isArray(original[field])) throw errBadArgType('slice', original[field]);
      originalList = original[field] as unknown[];
    }
    if (foundPatch) {
      if (!Array.isArray(patch[field])) throw errBadArgType('slice', patch[field]);
      patchList = patch[field] as unknown[];
    }
    const { schema: sub, strategy, mergeKey } = lookup(schema, field);
    validatePatchWithSetOrderList(patchList, order, mergeKey);

    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalList!;
    else if (!foundOriginal && foundPatch) merged = patchList!;
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(originalList, patchList, sub, strategy, mergeKey, false, field);
    else continue;

    const parts = partition(merged, order, mergeKey);
    const kind = sliceElementKind(originalList ?? [], patchList ?? []);
    let both = kind === undefined ? merged : normalizeElementOrder(parts.patch, parts.serverOnly, order, originalList ?? [], mergeKey, kind);
    if (!foundOriginal) both = verbatim(both) as unknown[];
    original[field] = both;
    delete patch[field];
  }
}

function mergeMap(original: JMap | null | undefined, patch: JMap, schema: PatchMeta | undefined): JMap {
  if (has(patch, DIRECTIVE_MARKER)) return handleDirectiveInMergeMap(patch[DIRECTIVE_MARKER], patch);
  const orig: JMap = original ?? {};
  applyRetainKeysDirective(orig, patch);
  mergePatchIntoOriginal(orig, patch, schema);

  for (const rawKey of Object.keys(patch)) {
    const patchV = patch[rawKey];
    let k = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
      k = extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete orig[k];
      continue;
    }
    if (!has(orig, k)) {
      if (!isDeleteList) orig[k] = verbatim(patchV);
      continue;
    }
    const origV = orig[k];
    const ok = kindOf(origV);
    if (ok !== kindOf(patchV)) {
      if (!isDeleteList) orig[k] = verbatim(patchV);
      continue;
    }
    if (ok === 'map') {
      const { schema: sub, strategy } = lookup(schema, k);
      orig[k] = mergeMapHandler(origV, patchV, sub, strategy);
    } else if (ok === 'slice') {
      const { schema: sub, strategy, mergeKey } = lookup(schema, k);
      orig[k] = mergeSliceHandler(origV, patchV, sub, strategy, mergeKey, isDeleteList, k);
    } else {
      orig[k] = patchV;
    }
  }
  return orig;
}

/**
 * Applies a strategic merge patch to `original` (a JSON object; null/undefined count as {}).
 * `meta` describes the original's type; undefined means no field has a strategy.
 */
export function strategicMergePatch(original: unknown, patch: unknown, meta: PatchMeta | undefined): unknown {
  if (!isPlainObject(patch)) throw badRequest(ERR_BAD_JSON_DOC);
  if (original !== null && original !== undefined && !isPlainObject(original)) throw badRequest(ERR_BAD_JSON_DOC);
  const o = original ? (structuredClone(original) as JMap) : {};
  return mergeMap(o, structuredClone(patch), meta);
}
