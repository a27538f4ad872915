/**
 * List- and map-merge facts of the built-in types, from upstream's API struct tags
 * (`patchStrategy:"merge" patchMergeKey:"name"`, `+listType=map`, `+listMapKey=...`, `+mapType=atomic`,
 * `+structType=atomic`), keyed by swagger definition name and JSON field name.
 *
 * The table feeds two consumers:
 * - scripts/gen-openapi.mjs copies it into dist/openapi/definitions.json as the
 *   x-kubernetes-patch-strategy / -patch-merge-key / -list-type / -list-map-keys / -map-type extensions;
 * - `patchMetaFor` reads those extensions back out of the definitions to drive strategic merge patch.
 *
 * Lists not named here are atomic for strategic merge patch (replaced whole), as upstream.
 */
import type { FieldPatchMeta, PatchMeta, PatchStrategy } from '../machinery/patch/strategic.js';

export type ListType = 'atomic' | 'set' | 'map';
export type MapType = 'atomic' | 'granular';

export interface FieldFacts {
  /** x-kubernetes-patch-strategy: comma-separated 'merge', 'retainKeys' or 'replace'. */
  strategy?: 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace';
  /** x-kubernetes-patch-merge-key: the field identifying an element of a merged list of objects. */
  mergeKey?: string;
  listType?: ListType;
  listMapKeys?: readonly string[];
  mapType?: MapType;
}

const CORE = 'io.k8s.api.core.v1';
const APPS = 'io.k8s.api.apps.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

const conditions: FieldFacts = { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] };
const byName: FieldFacts = { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] };

/** Container-like field facts (Container and EphemeralContainer carry the same tags). */
const containerFields: Record<string, FieldFacts> = {
  ports: { strategy: 'merge', mergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] },
  env: byName,
  volumeMounts: { strategy: 'merge', mergeKey: 'mountPath', listType: 'map', listMapKeys: ['mountPath'] },
  volumeDevices: { strategy: 'merge', mergeKey: 'devicePath', listType: 'map', listMapKeys: ['devicePath'] },
};

/** Definition name → field name → facts. */
export const PATCH_FIELDS: Readonly<Record<string, Readonly<Record<string, FieldFacts>>>> = {
  // meta/v1
  [`${META}.ObjectMeta`]: {
    finalizers: { strategy: 'merge', listType: 'set' },
    ownerReferences: { strategy: 'merge', mergeKey: 'uid', listType: 'map', listMapKeys: ['uid'] },
  },

  // core/v1
  [`${CORE}.PodSpec`]: {
    containers: byName,
    initContainers: byName,
    ephemeralContainers: byName,
    volumes: { strategy: 'merge,retainKeys', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    imagePullSecrets: byName,
    hostAliases: { strategy: 'merge', mergeKey: 'ip', listType: 'map', listMapKeys: ['ip'] },
    topologySpreadConstraints: {
      strategy: 'merge',
      mergeKey: 'topologyKey',
      listType: 'map',
      listMapKeys: ['topologyKey', 'whenUnsatisfiable'],
    },
    schedulingGates: byName,
    resourceClaims: { strategy: 'merge,retainKeys', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    nodeSelector: { mapType: 'atomic' },
  },
  [`${CORE}.Container`]: containerFields,
  [`${CORE}.EphemeralContainer`]: containerFields,
  [`${CORE}.PodStatus`]: {
    conditions,
    podIPs: { strategy: 'merge', mergeKey: 'ip', listType: 'map', listMapKeys: ['ip'] },
    hostIPs: { strategy: 'merge', mergeKey: 'ip', listType: 'atomic' },
    resourceClaimStatuses: { strategy: 'merge,retainKeys', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
  },
  [`${CORE}.ServiceSpec`]: {
    ports: { strategy: 'merge', mergeKey: 'port', listType: 'map', listMapKeys: ['port', 'protocol'] },
    selector: { mapType: 'atomic' },
  },
  [`${CORE}.ServiceStatus`]: { conditions },
  [`${CORE}.ServiceAccount`]: { secrets: byName },
  [`${CORE}.NodeSpec`]: { podCIDRs: { strategy: 'merge', listType: 'set' } },
  [`${CORE}.NodeStatus`]: {
    conditions,
    addresses: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
  },
  [`${CORE}.NamespaceStatus`]: { conditions },
  [`${CORE}.PersistentVolumeClaimStatus`]: { conditions },
  [`${CORE}.ReplicationControllerSpec`]: { selector: { mapType: 'atomic' } },
  [`${CORE}.ReplicationControllerStatus`]: { conditions },

  // apps/v1
  [`${APPS}.DeploymentSpec`]: { strategy: { strategy: 'retainKeys' } },
  [`${APPS}.DeploymentStatus`]: { conditions },
  [`${APPS}.ReplicaSetStatus`]: { conditions },
  [`${APPS}.StatefulSetStatus`]: { conditions },
  [`${APPS}.DaemonSetStatus`]: { conditions },

  // autoscaling/v2
  ['io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus']: { conditions },

  // batch/v1
  ['io.k8s.api.batch.v1.JobStatus']: { conditions: { strategy: 'merge', mergeKey: 'type', listType: 'atomic' } },

  // policy/v1
  ['io.k8s.api.policy.v1.PodDisruptionBudgetStatus']: { conditions },

  // discovery.k8s.io/v1
  ['io.k8s.api.discovery.v1.Endpoint']: { addresses: { listType: 'set' } },
};

/** Struct types upstream marks `+structType=atomic` (replaced whole by merges): x-kubernetes-map-type on the definition. */
export const STRUCT_MAP_TYPES: Readonly<Record<string, MapType>> = {
  [`${META}.LabelSelector`]: 'atomic',
  [`${CORE}.ObjectReference`]: 'atomic',
  [`${CORE}.LocalObjectReference`]: 'atomic',
  [`${CORE}.TypedLocalObjectReference`]: 'atomic',
  [`${CORE}.SecretReference`]: 'atomic',
  [`${CORE}.NodeSelector`]: 'atomic',
  [`${CORE}.NodeSelectorTerm`]: 'atomic',
  [`${CORE}.TopologySelectorTerm`]: 'atomic',
  [`${CORE}.ConfigMapKeySelector`]: 'atomic',
  [`${CORE}.SecretKeySelector`]: 'atomic',
  [`${CORE}.ObjectFieldSelector`]: 'atomic',
  [`${CORE}.ResourceFieldSelector`]: 'atomic',
};

/** The swagger definitions (name → schema), as generated into dist/openapi/definitions.json. */
export type DefinitionsLike = Readonly<Record<string, { readonly [key: string]: unknown }>>;
type JsonSchema = { readonly [key: string]: unknown };

const STRATEGIES: ReadonlySet<string> = new Set<PatchStrategy>(['merge', 'replace', 'retainKeys']);
const caches = new WeakMap<DefinitionsLike, Map<string, PatchMeta | undefined>>();

/**
 * Strategic-merge-patch metadata of the type named `definitionName` (e.g. io.k8s.api.apps.v1.Deployment),
 * read from the x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key extensions of `definitions`.
 * Navigation is lazy and memoised per definitions object: `field('spec').schema.field('template')...`.
 * A field whose value is a map (additionalProperties) yields a schema whose every key has the value
 * type's metadata. Unknown definitions yield a PatchMeta without fields (plain JSON merge behaviour).
 */
export function patchMetaFor(definitionName: string, definitions: DefinitionsLike): PatchMeta {
  return metaOfDefinition(definitionName, definitions) ?? EMPTY;
}

const EMPTY: PatchMeta = { field: () => undefined };

function metaOfDefinition(name: string, defs: DefinitionsLike): PatchMeta | undefined {
  let cache = caches.get(defs);
  if (!cache) {
    cache = new Map();
    caches.set(defs, cache);
  }
  if (cache.has(name)) return cache.get(name);
  const schema = defs[name];
  // Object metadata resolves its fields lazily, so recursive types (JSONSchemaProps) terminate.
  const meta = schema ? metaOfSchema(schema, defs) : undefined;
  cache.set(name, meta);
  return meta;
}

function refTarget(ref: unknown): string | undefined {
  if (typeof ref !== 'string') return undefined;
  const i = ref.lastIndexOf('/');
  return i < 0 ? undefined : ref.slice(i + 1);
}

function metaOfSchema(s: JsonSchema, defs: DefinitionsLike): PatchMeta | undefined {
  const target = refTarget(s.$ref);
  if (target !== undefined) return metaOfDefinition(target, defs);
  if (Array.isArray(s.allOf) && s.allOf.length > 0) return metaOfSchema(s.allOf[0] as JsonSchema, defs);
  const props = s.properties as Record<string, JsonSchema> | undefined;
  if (props && typeof props === 'object') return objectMeta(props, defs);
  const ap = s.additionalProperties;
  if (ap && typeof ap === 'object') {
    const value = metaOfSchema(ap as JsonSchema, defs);
    if (!value) return undefined;
    const entry: FieldPatchMeta = { schema: value, strategies: [] };
    return { field: () => entry };
  }
  return undefined;
}

function objectMeta(props: Record<string, JsonSchema>, defs: DefinitionsLike): PatchMeta {
  const fields = new Map<string, FieldPatchMeta | undefined>();
  return {
    field(name: string): FieldPatchMeta | undefined {
      if (fields.has(name)) return fields.get(name);
      const p = Object.prototype.hasOwnProperty.call(props, name) ? props[name] : undefined;
      let fm: FieldPatchMeta | undefined;
      if (p) {
        const strategies = String(p['x-kubernetes-patch-strategy'] ?? '')
          .split(',')
          .map((x) => x.trim())
          .filter((x): x is PatchStrategy => STRATEGIES.has(x));
        const mergeKey = p['x-kubernetes-patch-merge-key'];
        const isList = p.type === 'array';
        const valueSchema = isList ? (p.items as JsonSchema | undefined) : p;
        fm = { strategies };
        if (isList) fm.list = true;
        if (typeof mergeKey === 'string' && mergeKey !== '') fm.mergeKey = mergeKey;
        const sub = valueSchema ? metaOfSchema(valueSchema, defs) : undefined;
        if (sub) fm.schema = sub;
      }
      fields.set(name, fm);
      return fm;
    },
  };
}
