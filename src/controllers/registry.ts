/** The controllers `k8ts server` runs, in start order. One line each. */
import type { ControllerDescriptor } from './manager.js';
import { jobController } from './job/descriptor.js';
import { cronJobController } from './cronjob/descriptor.js';
import { ttlAfterFinishedController } from './ttlafterfinished/descriptor.js';
import { garbageCollectorController } from './garbagecollector/index.js';
import { namespaceController } from './namespace/index.js';
import { replicaSetController } from './replicaset/index.js';
import { replicationController } from './replication/index.js';
import { endpointsController } from './endpoints/controller.js';
import { endpointSliceController } from './endpointslice/controller.js';
import { endpointSliceMirroringController } from './endpointslicemirroring/controller.js';
import { horizontalPodAutoscalerController } from './podautoscaler/index.js';
import { nodeLifecycleController } from './nodelifecycle/index.js';
import { podGcController } from './podgc/index.js';
import { serviceAccountController } from './serviceaccount/index.js';
import { daemonSetController } from './daemonset/index.js';
import { statefulSetController } from './statefulset/index.js';
import { deploymentController } from './deployment/index.js';
import { rootCaCertPublisherController } from './rootcacertpublisher/index.js';
import { nodeIpamController } from './nodeipam/index.js';
import { persistentVolumeBinderController } from './persistentvolume/index.js';
import { serviceLBController } from './servicelb/index.js';

export const CONTROLLERS: ControllerDescriptor[] = [
  deploymentController,
  nodeLifecycleController,
  podGcController,
  serviceAccountController,
  replicaSetController,
  replicationController,
  garbageCollectorController,
  namespaceController,
  endpointsController,
  endpointSliceController,
  endpointSliceMirroringController,
  horizontalPodAutoscalerController,
  jobController,
  cronJobController,
  ttlAfterFinishedController,
  daemonSetController,
  statefulSetController,
  rootCaCertPublisherController,
  nodeIpamController,
  persistentVolumeBinderController,
  serviceLBController,
];
