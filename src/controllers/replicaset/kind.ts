/**
 * The kinds the ReplicaSet engine manages (upstream runs the ReplicationController manager as the
 * ReplicaSet controller over a conversion adapter; this is that adapter's contract).
 *
 * Contracts:
 * - `view` is a pure read of an owner object in ReplicaSet terms; it never copies or mutates the
 *   cached object, and missing fields get the API defaults (replicas 1, minReadySeconds 0).
 * - The status the engine computes is written back unchanged as the owner's `status`: ReplicaSet and
 *   ReplicationController statuses have the same fields and condition shape.
 * - `apiVersion`/`kind` are what pods' controller ownerReferences and resolution by kind use.
 */
import type { ReplicaSet, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { KubeObject, Meta } from '../../api/types.js';
import type { ResourceRef } from '../../client/rest.js';
import { REPLICASETS } from '../resources.js';

/** An owner object as the engine reads it. */
export interface ReplicaSetView {
  metadata: Meta;
  replicas: number;
  minReadySeconds: number;
  /** As metav1.LabelSelector; undefined selects nothing. */
  selector: LabelSelector | undefined;
  template: PodTemplateSpec | undefined;
  status: ReplicaSetStatus | undefined;
}

export interface ReplicaSetKind {
  resource: ResourceRef;
  apiVersion: string;
  kind: string;
  view(obj: KubeObject): ReplicaSetView;
}

export const REPLICASET_KIND: ReplicaSetKind = {
  resource: REPLICASETS,
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  view(obj) {
    const rs = obj as ReplicaSet & KubeObject;
    return {
      metadata: rs.metadata ?? {},
      replicas: rs.spec?.replicas ?? 1,
      minReadySeconds: rs.spec?.minReadySeconds ?? 0,
      selector: rs.spec?.selector,
      template: rs.spec?.template,
      status: rs.status,
    };
  },
};
