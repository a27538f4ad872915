/** The `replicationcontroller` controller (component `replication-controller`): the ReplicaSet engine over ReplicationControllers. */
import { replicaSetEngineDescriptor } from '../replicaset/index.js';
import { REPLICATIONCONTROLLER_KIND } from './kind.js';

export const replicationController = replicaSetEngineDescriptor('replicationcontroller', 'replication-controller', REPLICATIONCONTROLLER_KIND);
