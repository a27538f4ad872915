#!/usr/bin/env node
// Generates <dist>/openapi/definitions.json: the swagger 2.0 definitions of every Kubernetes type, under
// upstream's definition names (io.k8s.api.core.v1.Pod, io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta, ...).
//
// Source: node_modules/kubernetes-types/**/*.d.ts, which is generated from upstream's swagger.json and keeps
// every type, field, description and required-ness (a non-optional property is required). The list-merge
// facts (x-kubernetes-patch-*, x-kubernetes-list-*, x-kubernetes-map-type) come from the table in
// src/api/patchmeta.ts, read from its compiled form <dist>/src/api/patchmeta.js, so `tsc` must run first.
//
// Contract: the output is deterministic (definition names and property names sorted, no timestamps) and
// is fully closed: every $ref names a definition in the file. Runs with plain Node and `typescript`.
import ts from 'typescript';
import { readFileSync, readdirSync, statSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES_DIR = join(ROOT, 'node_modules', 'kubernetes-types');
// `--dist DIR` points at another tsc output directory (default: <repo>/dist).
const distArg = process.argv.indexOf('--dist');
const DIST = distArg > 0 ? resolve(process.argv[distArg + 1]) : join(ROOT, 'dist');
const OUT_FILE = join(DIST, 'openapi', 'definitions.json');
const PATCHMETA_JS = join(DIST, 'src', 'api', 'patchmeta.js');

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** kubernetes-types module path (without .d.ts) → upstream definition-name prefix. */
function prefixOf(mod) {
  switch (mod) {
    case 'meta/v1':
      return 'io.k8s.apimachinery.pkg.apis.meta.v1';
    case 'api/resource':
      return 'io.k8s.apimachinery.pkg.api.resource';
    case 'runtime':
      return 'io.k8s.apimachinery.pkg.runtime';
    case 'version':
      return 'io.k8s.apimachinery.pkg.version';
    case 'apiextensions/v1':
      return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';
    default: {
      const m = /^([a-z0-9]+)\/(v[0-9a-z]+)$/.exec(mod);
      if (!m) throw new Error(`gen-openapi: unknown kubernetes-types module ${mod}`);
      return `io.k8s.api.${m[1]}.${m[2]}`;
    }
  }
}

/** Integer fields upstream declares as int64 (formats are informative only). */
const INT64_FIELDS = new Set([
  'generation',
  'observedGeneration',
  'revision',
  'activeDeadlineSeconds',
  'terminationGracePeriodSeconds',
  'deletionGracePeriodSeconds',
  'gracePeriodSeconds',
  'tolerationSeconds',
  'startingDeadlineSeconds',
  'expirationSeconds',
  'runAsUser',
  'runAsGroup',
  'fsGroup',
  'supplementalGroups',
  'sizeBytes',
  'remainingItemCount',
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'maxProperties',
  'minProperties',
]);
/** Fields upstream declares as floating point numbers, by definition name. */
const DOUBLE_FIELDS = {
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps': new Set(['maximum', 'minimum', 'multipleOf']),
};

/** `default` values upstream publishes that list-map keys depend on (server-side apply keys ports by port+protocol). */
const FIELD_DEFAULTS = {
  'io.k8s.api.core.v1.ContainerPort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.ServicePort': { protocol: 'TCP' },
};

function listDts(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listDts(p));
    else if (name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Text of the `/** ... *\/` comment directly before `node`, with the comment markers and margins removed. */
function docOf(node, sf) {
  const ranges = ts.getLeadingCommentRanges(sf.text, node.pos) ?? [];
  const jsdoc = ranges.filter((r) => sf.text.startsWith('/**', r.pos));
  if (jsdoc.length === 0) return undefined;
  const last = jsdoc[jsdoc.length - 1];
  const raw = sf.text.slice(last.pos + 3, last.end - 2);
  const lines = raw.split('\n').map((l, i) => {
    if (i === 0) return l.replace(/^ /, '');
    return l.replace(/^\s*\* ?/, '').replace(/^\s*$/, '');
  });
  while (lines.length && lines[0].trim() === '') lines.shift();
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  const text = lines.join('\n').replace(/\s+$/, '');
  return text === '' ? undefined : text;
}

function propName(nameNode) {
  if (ts.isIdentifier(nameNode) || ts.isStringLiteral(nameNode)) return nameNode.text;
  throw new Error(`gen-openapi: unsupported property name kind ${ts.SyntaxKind[nameNode.kind]}`);
}

/** Parses every module once: its declarations and its imported names. */
function loadModules() {
  const modules = new Map();
  for (const file of listDts(TYPES_DIR)) {
    const mod = relative(TYPES_DIR, file).replace(/\\/g, '/').replace(/\.d\.ts$/, '');
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const imports = new Map();
    const decls = [];
    for (const st of sf.statements) {
      if (ts.isImportDeclaration(st)) {
        const from = st.moduleSpecifier.text;
        const target = join(dirname(mod), from).replace(/\\/g, '/');
        for (const el of st.importClause?.namedBindings?.elements ?? []) imports.set(el.name.text, target);
      } else if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) {
        decls.push(st);
      }
    }
    modules.set(mod, { mod, sf, imports, decls, prefix: prefixOf(mod) });
  }
  return modules;
}

function generate(facts) {
  const modules = loadModules();
  const defs = {};

  const refTo = (name) => ({ $ref: `#/definitions/${name}` });

  function resolveName(m, name) {
    const local = m.decls.find((d) => d.name.text === name);
    if (local) return `${m.prefix}.${name}`;
    const from = m.imports.get(name);
    if (from) return `${prefixOf(from)}.${name}`;
    throw new Error(`gen-openapi: unresolved type ${name} in ${m.mod}`);
  }

  function intSchema(field, defName) {
    if (DOUBLE_FIELDS[defName]?.has(field)) return { type: 'number', format: 'double' };
    return { type: 'integer', format: INT64_FIELDS.has(field) ? 'int64' : 'int32' };
  }

  /** Schema of a type node; `field` and `defName` only steer integer formats. */
  function conv(node, m, field, defName) {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.NumberKeyword:
        return intSchema(field, defName);
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      case ts.SyntaxKind.AnyKeyword:
      case ts.SyntaxKind.UnknownKeyword:
        return {};
      case ts.SyntaxKind.LiteralType:
        if (ts.isStringLiteral(node.literal)) return { type: 'string' };
        throw new Error(`gen-openapi: unsupported literal in ${defName}.${field}`);
      case ts.SyntaxKind.ParenthesizedType:
        return conv(node.type, m, field, defName);
      case ts.SyntaxKind.ArrayType:
        return { type: 'array', items: conv(node.elementType, m, field, defName) };
      case ts.SyntaxKind.UnionType: {
        const kinds = node.types.map((t) => t.kind);
        if (node.types.every((t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal))) return { type: 'string' };
        if (kinds.length === 2 && kinds.includes(ts.SyntaxKind.NumberKeyword) && kinds.includes(ts.SyntaxKind.StringKeyword)) {
          return refTo(INT_OR_STRING);
        }
        return {};
      }
      case ts.SyntaxKind.TypeLiteral: {
        const idx = node.members.find((x) => ts.isIndexSignatureDeclaration(x));
        if (idx && node.members.length === 1) {
          return { type: 'object', additionalProperties: conv(idx.type, m, field, defName) };
        }
        throw new Error(`gen-openapi: unsupported inline object type in ${defName}.${field}`);
      }
      case ts.SyntaxKind.TypeReference: {
        const name = node.typeName.getText(m.sf);
        if (name === 'Array' && node.typeArguments?.length === 1) {
          return { type: 'array', items: conv(node.typeArguments[0], m, field, defName) };
        }
        if (name === 'Record' && node.typeArguments?.length === 2) {
          return { type: 'object', additionalProperties: conv(node.typeArguments[1], m, field, defName) };
        }
        return refTo(resolveName(m, name));
      }
      default:
        throw new Error(`gen-openapi: unsupported type ${ts.SyntaxKind[node.kind]} in ${defName}.${field}`);
    }
  }

  function literalOf(member) {
    const t = member?.type;
    if (t && ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal)) return t.literal.text;
    return undefined;
  }

  for (const m of [...modules.values()].sort((a, b) => (a.mod < b.mod ? -1 : 1))) {
    for (const d of m.decls) {
      const name = `${m.prefix}.${d.name.text}`;
      const description = docOf(d, m.sf);
      let schema;
      if (ts.isTypeAliasDeclaration(d)) {
        const t = d.type;
        if (t.kind === ts.SyntaxKind.StringKeyword) {
          schema = { type: 'string' };
          if (d.name.text === 'Time' || d.name.text === 'MicroTime') schema.format = 'date-time';
        } else {
          // JSONSchemaPropsOrArray / OrBool / OrStringArray: any JSON value, as upstream.
          schema = {};
        }
        if (description !== undefined) schema = { description, ...schema };
      } else {
        const props = {};
        const required = [];
        for (const member of d.members) {
          if (!ts.isPropertySignature(member)) continue;
          const field = propName(member.name);
          let ps = conv(member.type, m, field, name);
          const pdoc = docOf(member, m.sf);
          if (pdoc !== undefined) ps = ps.$ref ? { ...ps, description: pdoc } : { description: pdoc, ...ps };
          props[field] = ps;
          if (!member.questionToken) required.push(field);
        }
        schema = {};
        if (description !== undefined) schema.description = description;
        if (d.name.text === 'JSON' && m.mod === 'apiextensions/v1') {
          // Any JSON value: no type, as upstream.
        } else {
          schema.type = 'object';
        }
        if (Object.keys(props).length > 0) schema.properties = props;
        if (required.length > 0) schema.required = required.sort();
        const apiVersion = literalOf(d.members.find((x) => ts.isPropertySignature(x) && propName(x.name) === 'apiVersion'));
        const kind = literalOf(d.members.find((x) => ts.isPropertySignature(x) && propName(x.name) === 'kind'));
        if (apiVersion !== undefined && kind !== undefined) {
          const slash = apiVersion.indexOf('/');
          const group = slash < 0 ? '' : apiVersion.slice(0, slash);
          const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
          schema['x-kubernetes-group-version-kind'] = [{ group, kind, version }];
        }
      }
      if (defs[name]) throw new Error(`gen-openapi: duplicate definition ${name}`);
      defs[name] = schema;
    }
  }

  defs[INT_OR_STRING] = {
    description:
      'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
    format: 'int-or-string',
    type: 'string',
  };

  // Upstream tags Status with core/v1 although its apiVersion is not a literal in kubernetes-types.
  const status = defs['io.k8s.apimachinery.pkg.apis.meta.v1.Status'];
  if (status) status['x-kubernetes-group-version-kind'] = [{ group: '', kind: 'Status', version: 'v1' }];

  // kubernetes-types drops JSONSchemaProps' x-kubernetes-* properties; restore them as upstream has them.
  const jsp = defs['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps'];
  if (jsp?.properties) {
    const vr = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule';
    Object.assign(jsp.properties, {
      'x-kubernetes-embedded-resource': {
        description:
          'x-kubernetes-embedded-resource defines that the value is an embedded Kubernetes runtime.Object, with TypeMeta and ObjectMeta. The type must be object. It is allowed to further restrict the embedded object. kind, apiVersion and metadata are validated automatically. x-kubernetes-preserve-unknown-fields is allowed to be true, but does not have to be if the object is fully specified (up to kind, apiVersion, metadata).',
        type: 'boolean',
      },
      'x-kubernetes-int-or-string': {
        description:
          'x-kubernetes-int-or-string specifies that this value is either an integer or a string. If this is true, an empty type is allowed and type as child of anyOf is permitted if following one of the following patterns:\n\n1) anyOf:\n   - type: integer\n   - type: string\n2) allOf:\n   - anyOf:\n     - type: integer\n     - type: string\n   - ... zero or more',
        type: 'boolean',
      },
      'x-kubernetes-list-map-keys': {
        description:
          'x-kubernetes-list-map-keys annotates an array with the x-kubernetes-list-type `map` by specifying the keys used as the index of the map.\n\nThis tag MUST only be used on lists that have the "x-kubernetes-list-type" extension set to "map". Also, the values specified for this attribute must be a scalar typed field of the child structure (no nesting is supported).\n\nThe properties specified must either be required or have a default value, to ensure those properties are present for all list items.',
        items: { type: 'string' },
        type: 'array',
        'x-kubernetes-list-type': 'atomic',
      },
      'x-kubernetes-list-type': {
        description:
          'x-kubernetes-list-type annotates an array to further describe its topology. This extension must only be used on lists and may have 3 possible values:\n\n1) `atomic`: the list is treated as a single entity, like a scalar.\n     Atomic lists will be entirely replaced when updated. This extension\n     may be used on any type of list (struct, scalar, ...).\n2) `set`:\n     Sets are lists that must not have multiple items with the same value. Each\n     value must be a scalar, an object with x-kubernetes-map-type `atomic` or an\n     array with x-kubernetes-list-type `atomic`.\n3) `map`:\n     These lists are like maps in that their elements have a non-index key\n     used to identify them. Order is preserved upon merge. The map tag\n     must only be used on a list with elements of type object.\nDefaults to atomic for arrays.',
        type: 'string',
      },
      'x-kubernetes-map-type': {
        description:
          'x-kubernetes-map-type annotates an object to further describe its topology. This extension must only be used when type is object and may have 2 possible values:\n\n1) `granular`:\n     These maps are actual maps (key-value pairs) and each fields are independent\n     from each other (they can each be manipulated by separate actors). This is\n     the default behaviour for all maps.\n2) `atomic`: the list is treated as a single entity, like a scalar.\n     Atomic maps will be entirely replaced when updated.',
        type: 'string',
      },
      'x-kubernetes-preserve-unknown-fields': {
        description:
          'x-kubernetes-preserve-unknown-fields stops the API server decoding step from pruning fields which are not specified in the validation schema. This affects fields recursively, but switches back to normal pruning behaviour if nested properties or additionalProperties are specified in the schema. This can either be true or undefined. False is forbidden.',
        type: 'boolean',
      },
      ...(defs[vr]
        ? {
            'x-kubernetes-validations': {
              description: 'x-kubernetes-validations describes a list of validation rules written in the CEL expression language.',
              items: { $ref: `#/definitions/${vr}` },
              type: 'array',
              'x-kubernetes-list-map-keys': ['rule'],
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-patch-merge-key': 'rule',
              'x-kubernetes-patch-strategy': 'merge',
            },
          }
        : {}),
    });
  }

  for (const [defName, fields] of Object.entries(FIELD_DEFAULTS)) {
    for (const [field, value] of Object.entries(fields)) {
      const p = defs[defName]?.properties?.[field];
      if (!p) throw new Error(`gen-openapi: default for unknown field ${defName}.${field}`);
      p.default = value;
    }
  }
  applyFacts(defs, facts);
  return sortDeep(defs);
}

/** Adds the list/map/patch extensions of the patchmeta table to the matching properties and definitions. */
function applyFacts(defs, facts) {
  for (const [defName, fields] of Object.entries(facts.fields)) {
    const def = defs[defName];
    if (!def) throw new Error(`gen-openapi: patchmeta names unknown definition ${defName}`);
    for (const [field, f] of Object.entries(fields)) {
      const p = def.properties?.[field];
      if (!p) throw new Error(`gen-openapi: patchmeta names unknown field ${defName}.${field}`);
      if (f.listType !== undefined) p['x-kubernetes-list-type'] = f.listType;
      if (f.listMapKeys !== undefined) p['x-kubernetes-list-map-keys'] = [...f.listMapKeys];
      if (f.mapType !== undefined) p['x-kubernetes-map-type'] = f.mapType;
      if (f.mergeKey !== undefined) p['x-kubernetes-patch-merge-key'] = f.mergeKey;
      if (f.strategy !== undefined) p['x-kubernetes-patch-strategy'] = f.strategy;
    }
  }
  for (const [defName, mapType] of Object.entries(facts.structs)) {
    const def = defs[defName];
    if (!def) throw new Error(`gen-openapi: patchmeta names unknown definition ${defName}`);
    def['x-kubernetes-map-type'] = mapType;
  }
}

/** Object keys sorted at every level (arrays keep their order) so the output is byte-stable. */
function sortDeep(v) {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = sortDeep(v[k]);
    return out;
  }
  return v;
}

function checkClosed(defs) {
  const missing = new Set();
  const walk = (s) => {
    if (Array.isArray(s)) return s.forEach(walk);
    if (!s || typeof s !== 'object') return;
    if (typeof s.$ref === 'string') {
      const n = s.$ref.replace('#/definitions/', '');
      if (!defs[n]) missing.add(n);
    }
    for (const v of Object.values(s)) walk(v);
  };
  walk(defs);
  if (missing.size) throw new Error(`gen-openapi: dangling references: ${[...missing].join(', ')}`);
}

async function main() {
  if (!existsSync(PATCHMETA_JS)) {
    throw new Error(`gen-openapi: ${relative(ROOT, PATCHMETA_JS)} is missing; run tsc first (npm run build)`);
  }
  const pm = await import(pathToFileURL(PATCHMETA_JS).href);
  const defs = generate({ fields: pm.PATCH_FIELDS, structs: pm.STRUCT_MAP_TYPES });
  checkClosed(defs);
  mkdirSync(dirname(OUT_FILE), { recursive: true });
  writeFileSync(OUT_FILE, JSON.stringify(defs) + '\n');
  console.log(`gen-openapi: ${Object.keys(defs).length} definitions → ${relative(ROOT, OUT_FILE)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
