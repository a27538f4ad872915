/** What the deployment sync functions need from their controller (passed explicitly, faked in tests). */
import type { Lister } from '../../client/informer.js';
import type { EventRecorder } from '../../client/events.js';
import type { RestClient } from '../../client/rest.js';
import type { Logger } from '../../util/logger.js';
import type { DeploymentObj, ReplicaSetObj } from './types.js';

export type DeploymentClient = Pick<RestClient, 'get' | 'create' | 'update' | 'updateStatus' | 'patch' | 'delete'>;

export interface DeploymentDeps {
  client: DeploymentClient;
  /** The ReplicaSet cache (read only). */
  replicaSets: Pick<Lister<ReplicaSetObj>, 'get'>;
  recorder: Pick<EventRecorder, 'event'>;
  log: Logger;
  /** ms since the epoch. */
  now(): number;
  /** Syncs `d` again after `ms`. */
  enqueueAfter(d: DeploymentObj, ms: number): void;
  enqueueRateLimited(d: DeploymentObj): void;
}
