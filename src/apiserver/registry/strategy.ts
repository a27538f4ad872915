/**
 * A resource's strategy: the rules the generic store applies around every write. Built from the
 * resource catalogue and the type's rules (src/api); resources with special behaviour (pods,
 * namespaces) override pieces in their own folder.
 */
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject, Meta, Printer, TypeRules } from '../../api/types.js';
import type { FieldError } from '../../machinery/fielderrors.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../machinery/objectmeta.js';

export type GcPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface Strategy {
  readonly info: ResourceInfo;
  /** The main resource ignores status; status is written through `/status`. */
  readonly statusSplit: boolean;
  /** metadata.generation is maintained (1 on create, +1 on every spec change). */
  readonly tracksGeneration: boolean;
  readonly allowCreateOnUpdate: boolean;
  readonly allowUnconditionalUpdate: boolean;
  readonly defaultGcPolicy: GcPolicy;
  readonly printer?: Printer;
  /** Server-owned state set on create (status reset, phase...). */
  prepareForCreate(obj: KubeObject): void;
  /** Carries server-owned state of `old` into `obj` for a main-resource update. */
  prepareForUpdate(obj: KubeObject, old: KubeObject): void;
  /** Builds the object a status write stores: `old` with the new status. */
  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): KubeObject;
  defaults(obj: KubeObject): void;
  validate(obj: KubeObject): FieldError[];
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[];
  validateStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[];
  /**
   * For graceful deletion: the grace period (seconds) to apply, or 0 to delete at once.
   * Absent: the resource has no graceful deletion.
   */
  gracePeriod?(obj: KubeObject, requested: number | undefined): number;
}

/** Resources whose metadata.generation upstream maintains. */
const GENERATION = new Set([
  'apps/deployments',
  'apps/replicasets',
  'apps/statefulsets',
  'apps/daemonsets',
  '/replicationcontrollers',
  'batch/jobs',
  'batch/cronjobs',
  'autoscaling/horizontalpodautoscalers',
  'policy/poddisruptionbudgets',
  'networking.k8s.io/ingresses',
]);

/** Resources whose create keeps the client's status (no status reset). */
const KEEP_STATUS_ON_CREATE = new Set(['/nodes', '/namespaces']);

const ALLOW_CREATE_ON_UPDATE = new Set(['/endpoints', '/events', 'events.k8s.io/events', 'coordination.k8s.io/leases', 'discovery.k8s.io/endpointslices', '/nodes']);

/** Metadata a status write cannot change, per resource (upstream's status PrepareForUpdate). */
const STATUS_KEEPS_OLD_META: Record<string, (keyof Meta)[]> = {
  'apps/deployments': ['labels'],
  '/pods': ['ownerReferences'],
};

const ORPHAN_BY_DEFAULT = new Set(['/replicationcontrollers']);

export const specOf = (obj: KubeObject): string => {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(rest);
};

/** Go's `omitempty`: empty metadata lists and maps are not stored (e.g. after a patch removed the last owner). */
function omitEmptyMeta(obj: KubeObject): void {
  const m = obj.metadata as Record<string, unknown> | undefined;
  if (!m) return;
  for (const f of ['ownerReferences', 'finalizers', 'labels', 'annotations', 'managedFields']) {
    const v = m[f];
    if (v === null || (Array.isArray(v) && v.length === 0) || (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)) delete m[f];
  }
}

export function genericStrategy(info: ResourceInfo, rules: TypeRules | undefined, printer: Printer | undefined): Strategy {
  const gr = `${info.group}/${info.resource}`;
  const statusSplit = info.subresources.some((s) => s.name === 'status');
  const keepStatus = KEEP_STATUS_ON_CREATE.has(gr);
  const nameFn = rules?.nameFn ? (name: string, prefix: boolean) => rules.nameFn!(name, prefix) : undefined;
  return {
    info,
    statusSplit,
    tracksGeneration: GENERATION.has(gr),
    allowCreateOnUpdate: ALLOW_CREATE_ON_UPDATE.has(gr),
    allowUnconditionalUpdate: true,
    defaultGcPolicy: ORPHAN_BY_DEFAULT.has(gr) ? 'Orphan' : 'Background',
    printer,
    prepareForCreate(obj) {
      if (statusSplit && !keepStatus) delete obj.status;
    },
    prepareForUpdate(obj, old) {
      if (statusSplit) {
        if (old.status === undefined) delete obj.status;
        else obj.status = structuredClone(old.status);
      }
    },
    prepareForStatusUpdate(obj, old) {
      // As upstream's status strategies of these (pre-ResetObjectMetaForStatus) types: everything
      // but status comes from the stored object, metadata from the request (server-owned fields are
      // carried over by the store), except where upstream keeps the old value.
      const out = structuredClone(old);
      if (obj.status === undefined) delete out.status;
      else out.status = obj.status;
      const meta = { ...(obj.metadata ?? {}) };
      const keep = STATUS_KEEPS_OLD_META[gr] ?? [];
      for (const f of keep) {
        const v = old.metadata?.[f];
        if (v === undefined) delete meta[f];
        else (meta as Record<string, unknown>)[f] = structuredClone(v);
      }
      out.metadata = meta;
      return out;
    },
    defaults(obj) {
      rules?.defaults?.(obj);
      omitEmptyMeta(obj);
    },
    validate(obj) {
      return [
        ...validateObjectMeta(obj.metadata ?? {}, { namespaced: info.namespaced, nameFn }),
        ...(rules?.validate?.(obj) ?? []),
      ];
    },
    validateUpdate(obj, old) {
      return [
        ...validateObjectMeta(obj.metadata ?? {}, { namespaced: info.namespaced, nameFn }),
        ...validateObjectMetaUpdate(obj.metadata ?? {}, old.metadata ?? {}),
        ...(rules?.validate?.(obj) ?? []),
        ...(rules?.validateUpdate?.(obj, old) ?? []),
      ];
    },
    validateStatusUpdate(obj, old) {
      return [...validateObjectMetaUpdate(obj.metadata ?? {}, old.metadata ?? {}), ...(rules?.validateStatusUpdate?.(obj, old) ?? [])];
    },
  };
}
