/** batch/v1 Job shapes and constants the Job controller uses (k8s.io/api/batch/v1). */
import type { Job, JobCondition, JobSpec, JobStatus } from 'kubernetes-types/batch/v1.js';
import type { KubeObject } from '../../api/types.js';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const JOB_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const JOB_COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

export type JobConditionType = 'Complete' | 'Failed' | 'Suspended' | 'FailureTarget' | 'SuccessCriteriaMet';

export interface UncountedTerminatedPods {
  succeeded?: string[];
  failed?: string[];
}

export type JobObj = KubeObject &
  Omit<Job, 'metadata' | 'spec' | 'status'> & {
    spec?: JobSpec & { podReplacementPolicy?: string; managedBy?: string; backoffLimitPerIndex?: number };
    status?: Omit<JobStatus, 'uncountedTerminatedPods'> & {
      uncountedTerminatedPods?: UncountedTerminatedPods;
      terminating?: number;
      ready?: number;
      failedIndexes?: string;
    };
  };

export type Condition = JobCondition;

/** True when the Job has a Complete or Failed condition with status True (job/util.IsJobFinished). */
export function finishedCondition(job: JobObj): Condition | undefined {
  return job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export function isJobFinished(job: JobObj): boolean {
  return finishedCondition(job) !== undefined;
}

export function isIndexedJob(job: JobObj): boolean {
  return job.spec?.completionMode === 'Indexed';
}

export function jobSuspended(job: JobObj): boolean {
  return job.spec?.suspend === true;
}

/** The built-in controller manages the Job unless spec.managedBy names another controller. */
export function managedByExternalController(job: JobObj): string | undefined {
  const m = job.spec?.managedBy;
  return m && m !== 'kubernetes.io/job-controller' ? m : undefined;
}
