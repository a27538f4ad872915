/**
 * Server-side table printing for apps/v1, as upstream's pkg/printers/internalversion/printers.go.
 * Every printer prints wide: `cells` returns a value for each column, priority-1 columns included.
 */
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import {
  CONTAINERS_DESCRIPTION,
  IMAGES_DESCRIPTION,
  NODE_SELECTOR_DESCRIPTION,
  age,
  ageColumn,
  column,
  formatLabelSelector,
  formatLabels,
  labelSelectorString,
  layoutContainerCells,
  nameColumn,
  nameOf,
  printer,
} from '../../core/v1/printers.js';
import type { Printer } from '../../types.js';

// SwaggerDoc texts of the (extensions/v1beta1, apps/v1beta1) fields upstream's columns cite.
const D = {
  rsSpecReplicas:
    'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller',
  rsSpecSelector:
    'Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
  rsStatusReplicas:
    'Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller',
  rsStatusReady: 'The number of ready replicas for this replica set.',
  dsDesired:
    'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/',
  dsCurrent:
    'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/',
  dsReady:
    'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
  dsUpdated: 'The total number of nodes that are running updated daemon pod',
  dsAvailable:
    'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
  dsSelector:
    'A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
  deployUpdated:
    'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
  deployAvailable: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
  deploySelector:
    'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
  revision: 'Revision indicates the revision of the state represented by Data.',
} as const;

export const deploymentPrinter = printer<Deployment>(
  [
    nameColumn(),
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', D.deployUpdated),
    column('Available', 'string', D.deployAvailable),
    ageColumn(),
    column('Containers', 'string', CONTAINERS_DESCRIPTION, 1),
    column('Images', 'string', IMAGES_DESCRIPTION, 1),
    column('Selector', 'string', D.deploySelector, 1),
  ],
  (obj, now) => {
    const desired = obj.spec?.replicas ?? 1;
    const ready = obj.status?.readyReplicas ?? 0;
    const [names, images] = layoutContainerCells(obj.spec?.template?.spec?.containers);
    const selector = labelSelectorString(obj.spec?.selector) ?? '<invalid>';
    return [
      nameOf(obj),
      `${ready}/${desired}`,
      obj.status?.updatedReplicas ?? 0,
      obj.status?.availableReplicas ?? 0,
      age(obj, now),
      names,
      images,
      selector,
    ];
  },
);

export const replicaSetPrinter = printer<ReplicaSet>(
  [
    nameColumn(),
    column('Desired', 'integer', D.rsSpecReplicas),
    column('Current', 'integer', D.rsStatusReplicas),
    column('Ready', 'integer', D.rsStatusReady),
    ageColumn(),
    column('Containers', 'string', CONTAINERS_DESCRIPTION, 1),
    column('Images', 'string', IMAGES_DESCRIPTION, 1),
    column('Selector', 'string', D.rsSpecSelector, 1),
  ],
  (obj, now) => {
    const [names, images] = layoutContainerCells(obj.spec?.template?.spec?.containers);
    return [
      nameOf(obj),
      obj.spec?.replicas ?? 1,
      obj.status?.replicas ?? 0,
      obj.status?.readyReplicas ?? 0,
      age(obj, now),
      names,
      images,
      formatLabelSelector(obj.spec?.selector),
    ];
  },
);

export const statefulSetPrinter = printer<StatefulSet>(
  [
    nameColumn(),
    column('Ready', 'string', 'Number of the pod with ready state'),
    ageColumn(),
    column('Containers', 'string', CONTAINERS_DESCRIPTION, 1),
    column('Images', 'string', IMAGES_DESCRIPTION, 1),
  ],
  (obj, now) => {
    const [names, images] = layoutContainerCells(obj.spec?.template?.spec?.containers);
    return [
      nameOf(obj),
      `${obj.status?.readyReplicas ?? 0}/${obj.spec?.replicas ?? 1}`,
      age(obj, now),
      names,
      images,
    ];
  },
);

export const daemonSetPrinter = printer<DaemonSet>(
  [
    nameColumn(),
    column('Desired', 'integer', D.dsDesired),
    column('Current', 'integer', D.dsCurrent),
    column('Ready', 'integer', D.dsReady),
    column('Up-to-date', 'integer', D.dsUpdated),
    column('Available', 'integer', D.dsAvailable),
    column('Node Selector', 'string', NODE_SELECTOR_DESCRIPTION),
    ageColumn(),
    column('Containers', 'string', CONTAINERS_DESCRIPTION, 1),
    column('Images', 'string', IMAGES_DESCRIPTION, 1),
    column('Selector', 'string', D.dsSelector, 1),
  ],
  (obj, now) => {
    const status = obj.status;
    const [names, images] = layoutContainerCells(obj.spec?.template?.spec?.containers);
    return [
      nameOf(obj),
      status?.desiredNumberScheduled ?? 0,
      status?.currentNumberScheduled ?? 0,
      status?.numberReady ?? 0,
      status?.updatedNumberScheduled ?? 0,
      status?.numberAvailable ?? 0,
      formatLabels(obj.spec?.template?.spec?.nodeSelector),
      age(obj, now),
      names,
      images,
      formatLabelSelector(obj.spec?.selector),
    ];
  },
);

/** `kind.group/name` (lower-cased group kind) of the controlling owner, `<none>` without one. */
function controllerName(obj: ControllerRevision): string {
  const ref = obj.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (!ref) return '<none>';
  const apiVersion = ref.apiVersion ?? '';
  const slash = apiVersion.indexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  const kind = ref.kind ?? '';
  if (group === '' && kind === '') return ref.name ?? '';
  const groupKind = group === '' ? kind : `${kind}.${group}`;
  return `${groupKind.toLowerCase()}/${ref.name ?? ''}`;
}

export const controllerRevisionPrinter = printer<ControllerRevision>(
  [
    nameColumn(),
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'string', D.revision),
    ageColumn(),
  ],
  (obj, now) => [nameOf(obj), controllerName(obj), obj.revision ?? 0, age(obj, now)],
);

/** apps printers by resource. */
export const appsPrinters: Readonly<Record<string, Printer>> = {
  deployments: deploymentPrinter,
  replicasets: replicaSetPrinter,
  statefulsets: statefulSetPrinter,
  daemonsets: daemonSetPrinter,
  controllerrevisions: controllerRevisionPrinter,
};
