/** apps/v1 type rules, keyed by plural resource name. */
import { nameIsDNSLabel } from '../../../machinery/objectmeta.js';
import type { TypeRules } from '../../types.js';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './defaults.js';
import {
  validateControllerRevision,
  validateControllerRevisionUpdate,
  validateDaemonSet,
  validateDaemonSetStatusUpdate,
  validateDaemonSetUpdate,
  validateDeployment,
  validateDeploymentStatusUpdate,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetStatusUpdate,
  validateReplicaSetUpdate,
  validateStatefulSet,
  validateStatefulSetStatusUpdate,
  validateStatefulSetUpdate,
} from './validation.js';

export const appsV1Rules: Record<string, TypeRules> = {
  deployments: {
    defaults: defaultDeployment,
    validate: validateDeployment,
    validateUpdate: validateDeploymentUpdate,
    validateStatusUpdate: validateDeploymentStatusUpdate,
  },
  replicasets: {
    defaults: defaultReplicaSet,
    validate: validateReplicaSet,
    validateUpdate: validateReplicaSetUpdate,
    validateStatusUpdate: validateReplicaSetStatusUpdate,
  },
  statefulsets: {
    // StatefulSet names become pod hostnames: DNS labels (upstream's ValidateStatefulSetName).
    nameFn: nameIsDNSLabel,
    defaults: defaultStatefulSet,
    validate: validateStatefulSet,
    validateUpdate: validateStatefulSetUpdate,
    validateStatusUpdate: validateStatefulSetStatusUpdate,
  },
  daemonsets: {
    defaults: defaultDaemonSet,
    validate: validateDaemonSet,
    validateUpdate: validateDaemonSetUpdate,
    validateStatusUpdate: validateDaemonSetStatusUpdate,
  },
  controllerrevisions: {
    validate: validateControllerRevision,
    validateUpdate: validateControllerRevisionUpdate,
  },
};
