/** The object shapes the deployment controller reads and writes (apps/v1 JSON, as served). */
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../../api/types.js';

export type DeploymentObj = Deployment & KubeObject;
/** A ReplicaSet whose status is writable (kubernetes-types marks it readonly; fakes set it). */
export type ReplicaSetObj = Omit<ReplicaSet, 'status'> & KubeObject & { status?: ReplicaSetStatus };
export type Condition = DeploymentCondition;
export type Status = DeploymentStatus;

export const APPS_V1 = 'apps/v1';
export const DEPLOYMENT_KIND = 'Deployment';
export const REPLICASET_KIND = 'ReplicaSet';
