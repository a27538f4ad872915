/**
 * ReplicationControllers as the ReplicaSet engine reads them (upstream's replication adapter):
 * the selector map becomes `matchLabels` (a missing selector selects nothing), pods are owned by
 * `v1 ReplicationController`, and status is written to replicationcontrollers/status.
 */
import type { ReplicationController } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import { REPLICATIONCONTROLLERS } from '../resources.js';
import type { ReplicaSetKind } from '../replicaset/kind.js';

export const REPLICATIONCONTROLLER_KIND: ReplicaSetKind = {
  resource: REPLICATIONCONTROLLERS,
  apiVersion: 'v1',
  kind: 'ReplicationController',
  view(obj) {
    const rc = obj as ReplicationController & KubeObject;
    const sel = rc.spec?.selector;
    return {
      metadata: rc.metadata ?? {},
      replicas: rc.spec?.replicas ?? 1,
      minReadySeconds: rc.spec?.minReadySeconds ?? 0,
      selector: sel ? { matchLabels: sel } : undefined,
      template: rc.spec?.template,
      status: rc.status,
    };
  },
};
