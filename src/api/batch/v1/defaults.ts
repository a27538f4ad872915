/**
 * batch/v1 defaulting, as upstream's pkg/apis/batch/v1/defaults.go and the generated object
 * defaulters, plus the Job strategy's selector generation (PrepareForCreate's generateSelector):
 * unless `spec.manualSelector` is true, a Job with a `metadata.uid` gets the selector
 * `batch.kubernetes.io/controller-uid=<uid>` and the four job labels on its pod template. Like
 * upstream's decode-time defaulting, a Job without labels takes its pod template's labels.
 * Idempotent, never fails, mutates in place.
 */
import type { KubeObject } from '../../types.js';
import { defaultPodTemplateSpec } from '../../core/v1/defaults.js';
import type { Obj } from '../../apps/v1/helpers.js';
import { child, isObj, isSet } from '../../apps/v1/helpers.js';

export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';

const MAX_INT32 = 2147483647;

function defaultPodFailurePolicy(spec: Obj): void {
  const pfp = spec['podFailurePolicy'];
  if (!isObj(pfp) || !Array.isArray(pfp['rules'])) return;
  for (const rule of pfp['rules']) {
    if (!isObj(rule) || !Array.isArray(rule['onPodConditions'])) continue;
    for (const pattern of rule['onPodConditions']) {
      if (isObj(pattern) && !pattern['status']) pattern['status'] = 'True';
    }
  }
}

/** The Job strategy's generateSelector: adds what is missing, never overwrites user values. */
export function generateJobSelector(obj: KubeObject): void {
  const uid = obj.metadata?.uid;
  if (!uid) return;
  const name = obj.metadata?.name ?? '';
  const spec = child(obj, 'spec');
  const tmeta = child(child(spec, 'template'), 'metadata');
  const labels = child(tmeta, 'labels');
  for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(k in labels)) labels[k] = name;
  for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(k in labels)) labels[k] = uid;
  const matchLabels = child(child(spec, 'selector'), 'matchLabels');
  if (!(CONTROLLER_UID_LABEL in matchLabels)) matchLabels[CONTROLLER_UID_LABEL] = uid;
}

export function defaultJob(obj: KubeObject): void {
  const spec = child(obj, 'spec');
  if (!isSet(spec['completions']) && !isSet(spec['parallelism'])) {
    spec['completions'] = 1;
    spec['parallelism'] = 1;
  }
  if (!isSet(spec['parallelism'])) spec['parallelism'] = 1;
  if (!isSet(spec['backoffLimit'])) spec['backoffLimit'] = isSet(spec['backoffLimitPerIndex']) ? MAX_INT32 : 6;
  if (!isSet(spec['completionMode'])) spec['completionMode'] = 'NonIndexed';
  if (!isSet(spec['suspend'])) spec['suspend'] = false;
  defaultPodFailurePolicy(spec);
  if (!isSet(spec['podReplacementPolicy'])) {
    spec['podReplacementPolicy'] = isSet(spec['podFailurePolicy']) ? 'Failed' : 'TerminatingOrFailed';
  }
  if (!isSet(spec['manualSelector'])) spec['manualSelector'] = false;
  if (spec['manualSelector'] !== true) generateJobSelector(obj);
  const tmplLabels = isObj(spec['template']) && isObj(spec['template']['metadata']) ? spec['template']['metadata']['labels'] : undefined;
  const meta = child(obj as Obj, 'metadata');
  if (isObj(tmplLabels) && Object.keys(tmplLabels).length > 0 && !(isObj(meta['labels']) && Object.keys(meta['labels']).length > 0)) {
    meta['labels'] = { ...tmplLabels };
  }
  defaultPodTemplateSpec(child(spec, 'template') as never);
}

export function defaultCronJob(obj: KubeObject): void {
  const spec = child(obj, 'spec');
  if (!spec['concurrencyPolicy']) spec['concurrencyPolicy'] = 'Allow';
  if (!isSet(spec['suspend'])) spec['suspend'] = false;
  if (!isSet(spec['successfulJobsHistoryLimit'])) spec['successfulJobsHistoryLimit'] = 3;
  if (!isSet(spec['failedJobsHistoryLimit'])) spec['failedJobsHistoryLimit'] = 1;
  const jobSpec = child(child(spec, 'jobTemplate'), 'spec');
  defaultPodFailurePolicy(jobSpec);
  defaultPodTemplateSpec(child(jobSpec, 'template') as never);
}
