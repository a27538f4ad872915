/**
 * Unknown-field handling against the OpenAPI definitions, as upstream's decoder does: fields not
 * in the schema are dropped from the object (they never reach storage) and reported by path so
 * the request can fail (fieldValidation=Strict) or warn (Warn, the default).
 */

export interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, SchemaObject>;
  additionalProperties?: SchemaObject | boolean;
  items?: SchemaObject;
  allOf?: SchemaObject[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  [ext: string]: unknown;
}

export type Definitions = Record<string, SchemaObject>;

function resolve(s: SchemaObject | undefined, defs: Definitions): SchemaObject | undefined {
  let cur = s;
  for (let i = 0; cur && i < 10; i++) {
    if (cur.$ref) cur = defs[cur.$ref.replace(/^#\/(definitions|components\/schemas)\//, '')];
    else if (cur.allOf && cur.allOf.length === 1) cur = cur.allOf[0];
    else return cur;
  }
  return cur;
}

/**
 * Removes fields unknown to `definition` from `obj` in place; returns their paths
 * (`spec.template.spec.containers[0].foo`). Objects without declared properties accept anything.
 */
export function pruneUnknownFields(obj: unknown, definition: string, defs: Definitions): string[] {
  const out: string[] = [];
  walk(obj, defs[definition], '', defs, out);
  return out;
}

function walk(v: unknown, schema: SchemaObject | undefined, path: string, defs: Definitions, out: string[]): void {
  const s = resolve(schema, defs);
  if (!s || v === null || typeof v !== 'object' || s['x-kubernetes-preserve-unknown-fields']) return;
  if (Array.isArray(v)) {
    if (s.items) v.forEach((item, i) => walk(item, s.items, `${path}[${i}]`, defs, out));
    return;
  }
  const o = v as Record<string, unknown>;
  if (s.properties) {
    for (const k of Object.keys(o)) {
      const p = path ? `${path}.${k}` : k;
      const ps = s.properties[k];
      if (!ps) {
        out.push(p);
        delete o[k];
        continue;
      }
      walk(o[k], ps, p, defs, out);
    }
    return;
  }
  if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    for (const k of Object.keys(o)) walk(o[k], s.additionalProperties, path ? `${path}.${k}` : k, defs, out);
  }
}

/** The swagger definition name of a kind: io.k8s.api.apps.v1.Deployment. */
export function definitionName(group: string, version: string, kind: string): string {
  const dir = group === '' ? 'core' : group.split('.')[0];
  return `io.k8s.api.${dir}.${version}.${kind}`;
}
