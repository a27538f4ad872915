/**
 * apps/v1 defaulting, as upstream's pkg/apis/apps/v1/defaults.go plus the generated object
 * defaulters (pod template, volume claim templates). Every function is idempotent, never fails and
 * mutates its argument in place.
 */
import type { KubeObject } from '../../types.js';
import { defaultPersistentVolumeClaim, defaultPodTemplateSpec } from '../../core/v1/defaults.js';
import { child, isObj, isSet } from './helpers.js';

function defaultTemplate(spec: Record<string, unknown>): void {
  defaultPodTemplateSpec(child(spec, 'template') as never);
}

export function defaultDeployment(obj: KubeObject): void {
  const spec = child(obj, 'spec');
  if (!isSet(spec['replicas'])) spec['replicas'] = 1;
  const strategy = child(spec, 'strategy');
  if (!strategy['type']) strategy['type'] = 'RollingUpdate';
  if (strategy['type'] === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    if (!isSet(ru['maxUnavailable'])) ru['maxUnavailable'] = '25%';
    if (!isSet(ru['maxSurge'])) ru['maxSurge'] = '25%';
  }
  if (!isSet(spec['revisionHistoryLimit'])) spec['revisionHistoryLimit'] = 10;
  if (!isSet(spec['progressDeadlineSeconds'])) spec['progressDeadlineSeconds'] = 600;
  defaultTemplate(spec);
}

export function defaultReplicaSet(obj: KubeObject): void {
  const spec = child(obj, 'spec');
  if (!isSet(spec['replicas'])) spec['replicas'] = 1;
  defaultTemplate(spec);
}

export function defaultStatefulSet(obj: KubeObject): void {
  const spec = child(obj, 'spec');
  if (!spec['podManagementPolicy']) spec['podManagementPolicy'] = 'OrderedReady';
  const us = child(spec, 'updateStrategy');
  if (!us['type']) {
    us['type'] = 'RollingUpdate';
    if (!isSet(us['rollingUpdate'])) us['rollingUpdate'] = {};
  }
  if (us['type'] === 'RollingUpdate' && isObj(us['rollingUpdate'])) {
    if (!isSet(us['rollingUpdate']['partition'])) us['rollingUpdate']['partition'] = 0;
  }
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  if (!retention['whenDeleted']) retention['whenDeleted'] = 'Retain';
  if (!retention['whenScaled']) retention['whenScaled'] = 'Retain';
  if (!isSet(spec['replicas'])) spec['replicas'] = 1;
  if (!isSet(spec['revisionHistoryLimit'])) spec['revisionHistoryLimit'] = 10;
  defaultTemplate(spec);
  const vcts = spec['volumeClaimTemplates'];
  if (Array.isArray(vcts)) for (const t of vcts) if (isObj(t)) defaultPersistentVolumeClaim(t as never);
}

export function defaultDaemonSet(obj: KubeObject): void {
  const spec = child(obj, 'spec');
  const us = child(spec, 'updateStrategy');
  if (!us['type']) us['type'] = 'RollingUpdate';
  if (us['type'] === 'RollingUpdate') {
    const ru = child(us, 'rollingUpdate');
    if (!isSet(ru['maxUnavailable'])) ru['maxUnavailable'] = 1;
    if (!isSet(ru['maxSurge'])) ru['maxSurge'] = 0;
  }
  if (!isSet(spec['revisionHistoryLimit'])) spec['revisionHistoryLimit'] = 10;
  defaultTemplate(spec);
}
