/**
 * Server-side printing: converts objects into meta.k8s.io Table responses (kubectl get) and
 * PartialObjectMetadata, using the type's printer or the generic NAME/AGE one.
 */
import type { KubeObject, Printer } from '../api/types.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function partialMetadata(obj: KubeObject, version: 'v1' | 'v1beta1'): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata ?? {} };
}

export function buildTable(
  objs: KubeObject[],
  printer: Printer,
  opts: { version: 'v1' | 'v1beta1'; include: IncludeObject; resourceVersion?: string; continueToken?: string; remainingItemCount?: number; noHeaders?: boolean },
): Record<string, unknown> {
  const now = new Date();
  const metadata: Record<string, unknown> = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continueToken) metadata.continue = opts.continueToken;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata,
    columnDefinitions: opts.noHeaders ? null : printer.columns,
    rows: objs.map((o) => {
      const row: Record<string, unknown> = { cells: printer.cells(o, now) };
      if (opts.include === 'Object') row.object = o;
      else if (opts.include === 'Metadata') row.object = partialMetadata(o, opts.version);
      return row;
    }),
  };
}
