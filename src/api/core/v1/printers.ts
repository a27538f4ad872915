/**
 * Server-side table printing for core/v1, as upstream's pkg/printers/internalversion/printers.go,
 * plus the column/cell helpers every group's printers share.
 *
 * Contracts:
 * - Column names, types, formats, descriptions and priorities are upstream's. The server always prints
 *   "wide", so `cells` returns one value for every column (priority 1 included); kubectl hides
 *   priority-1 columns unless `-o wide`.
 * - Cell values have upstream's JSON types: strings, integers (`number`) and booleans exactly where
 *   upstream emits them (which is not always the column's declared type).
 * - Age-like cells are `humanDuration(now - t)`; a missing timestamp prints `<unknown>`.
 */
import type {
  ConfigMap,
  Container,
  ContainerStatus,
  EndpointSubset,
  Endpoints,
  Event,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodTemplate,
  ReplicationController,
  ResourceQuota,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-types/core/v1.js';
import type { LabelSelector, ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { humanDuration } from '../../../machinery/duration.js';
import { tryParseQuantity } from '../../../machinery/quantity.js';
import { formatLabelSelector, formatLabels as setString, labelSelectorToSelector } from '../../../machinery/labels.js';
import type { KubeObject, Printer, TableColumn } from '../../types.js';

// ---------------------------------------------------------------------------------------------
// Shared helpers (used by every group's printers)
// ---------------------------------------------------------------------------------------------

/** metav1.ObjectMeta{}.SwaggerDoc()["name"]. */
export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

/** metav1.ObjectMeta{}.SwaggerDoc()["creationTimestamp"]. */
export const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export const CONTAINERS_DESCRIPTION = 'Names of each container in the template.';
export const IMAGES_DESCRIPTION = 'Images referenced by each container in the template.';

/** A column definition; `priority` 1 marks a wide-only column. */
export function column(
  name: string,
  type: TableColumn['type'],
  description: string,
  priority = 0,
  format?: string,
): TableColumn {
  return format === undefined ? { name, type, description, priority } : { name, type, format, description, priority };
}

/** The `Name` column every upstream printer starts with. */
export const nameColumn = (): TableColumn => column('Name', 'string', NAME_DESCRIPTION, 0, 'name');
/** The `Age` column (type string, as upstream). */
export const ageColumn = (): TableColumn => column('Age', 'string', CREATION_TIMESTAMP_DESCRIPTION);

/** Milliseconds since the epoch of an RFC 3339 (micro)time, or undefined when unset or unparsable. */
export function parseTime(ts: string | null | undefined): number | undefined {
  if (ts === undefined || ts === null || ts === '') return undefined;
  const t = Date.parse(ts);
  if (Number.isNaN(t)) return undefined;
  // Go's zero time serializes as null, but guard the literal too.
  if (t === Date.parse('0001-01-01T00:00:00Z')) return undefined;
  return t;
}

/** translateTimestampSince: human duration since `ts`, `<unknown>` when unset. */
export function timestampSince(ts: string | null | undefined, now: Date): string {
  const t = parseTime(ts);
  if (t === undefined) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/** The Age cell of an object. */
export function age(obj: { metadata?: ObjectMeta }, now: Date): string {
  return timestampSince(obj.metadata?.creationTimestamp, now);
}

export function nameOf(obj: { metadata?: ObjectMeta }): string {
  return obj.metadata?.name ?? '';
}

/** labels.FormatLabels: sorted `k=v` joined by `,`; `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | null | undefined): string {
  return setString(labels) || '<none>';
}

/**
 * metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key; `undefined` when the
 * selector is invalid. A nil or empty selector gives "".
 */
export function labelSelectorString(sel: LabelSelector | null | undefined): string | undefined {
  try {
    return labelSelectorToSelector(sel).toString();
  } catch {
    return undefined;
  }
}

export { formatLabelSelector };

/** layoutContainerCells: container names and images, each joined by `,`. */
export function layoutContainerCells(containers: readonly Container[] | null | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name ?? '').join(','), list.map((c) => c.image ?? '').join(',')];
}

/** resource.Quantity.String() of a serialized quantity; an absent quantity is the zero value "0". */
export function quantityString(v: string | number | null | undefined): string {
  if (v === undefined || v === null) return '0';
  const q = tryParseQuantity(v);
  return q ? q.toString() : String(v);
}

/** listWithMoreString: `a,b,c + N more...`, or `<unset>` for an empty list. */
export function listWithMoreString(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

/** printBoolPtr: `True` / `False`, `<unset>` when nil. */
export function printBoolPtr(v: boolean | null | undefined): string {
  if (v === undefined || v === null) return '<unset>';
  return v ? 'True' : 'False';
}

/** A Printer over a concrete object type, usable where `Printer<KubeObject>` is expected. */
export function printer<T>(columns: TableColumn[], cells: (obj: T, now: Date) => unknown[]): Printer<KubeObject> {
  return { columns, cells: cells as unknown as (obj: KubeObject, now: Date) => unknown[] };
}

// ---------------------------------------------------------------------------------------------
// Field descriptions (the SwaggerDoc texts upstream uses)
// ---------------------------------------------------------------------------------------------

const D = {
  podIP: 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
  nodeName:
    'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename',
  nominatedNodeName:
    'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.',
  readinessGates:
    'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
  rcSpecReplicas:
    'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller',
  rcSpecSelector:
    'Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
  rcStatusReplicas:
    'Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller',
  rcStatusReady: 'The number of ready replicas for this replication controller.',
  svcType:
    'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
  svcClusterIP:
    'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
  svcExternalIPs:
    'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.',
  svcPorts:
    'The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
  svcSelector:
    'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/',
  epSubsets:
    'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.',
  kubeletVersion: 'Kubelet Version reported by the node.',
  osImage: 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
  kernelVersion: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
  containerRuntimeVersion:
    'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
  nodeAddresses:
    "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/concepts/nodes/node/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).",
  nodeSelector:
    "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
  evLastTimestamp: 'The time at which the most recent occurrence of this event was recorded.',
  evType: 'Type of this event (Normal, Warning), new types could be added in the future',
  evReason:
    "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
  evInvolvedObject: 'The object that this event is about.',
  evSource: 'The component reporting this event. Should be a short machine understandable string.',
  evMessage: 'A human-readable description of the status of this operation.',
  evFirstTimestamp: 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
  evCount: 'The number of times this event has occurred.',
  refFieldPath:
    'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
  secretType:
    'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types',
  secretData:
    "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
  saSecrets:
    'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret',
  cmData:
    "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
  pvCapacity:
    "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity",
  pvAccessModes:
    'accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes',
  pvReclaim:
    'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming',
  pvClaimRef:
    'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding',
  pvVolumeMode:
    'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.',
  pvPhase:
    'phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase',
  pvReason:
    'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.',
  pvcPhase: 'phase represents the current phase of PersistentVolumeClaim.',
  pvcCapacity: 'capacity represents the actual resources of the underlying volume.',
  pvcAccessModes:
    'accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1',
  pvcVolumeName: 'volumeName is the binding reference to the PersistentVolume backing this claim.',
  pvcVolumeMode:
    'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.',
} as const;

/** PodSpec nodeSelector description (used by the DaemonSet printer). */
export const NODE_SELECTOR_DESCRIPTION = D.nodeSelector;

// ---------------------------------------------------------------------------------------------
// Pods
// ---------------------------------------------------------------------------------------------

const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

const isRestartableInitContainer = (c: Container | undefined): boolean => c?.restartPolicy === 'Always';

function podConditionStatus(pod: Pod, type: string): string | undefined {
  return pod.status?.conditions?.find((c) => c.type === type)?.status;
}

function laterTime(current: number | undefined, candidate: string | undefined): number | undefined {
  const t = parseTime(candidate);
  if (t === undefined) return current;
  if (current === undefined || current < t) return t;
  return current;
}

export const podPrinter = printer<Pod>(
  [
    nameColumn(),
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    ageColumn(),
    column('IP', 'string', D.podIP, 1),
    column('Node', 'string', D.nodeName, 1),
    column('Nominated Node', 'string', D.nominatedNodeName, 1),
    column('Readiness Gates', 'string', D.readinessGates, 1),
  ],
  (pod, now) => {
    const spec = pod.spec;
    const status = pod.status ?? {};
    let restarts = 0;
    let restartableInitContainerRestarts = 0;
    let totalContainers = spec?.containers?.length ?? 0;
    let readyContainers = 0;
    let lastRestartDate: number | undefined;
    let lastRestartableInitContainerRestartDate: number | undefined;

    const podPhase = status.phase ?? '';
    let reason = podPhase;
    if (status.reason) reason = status.reason;

    for (const c of status.conditions ?? []) {
      if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
    }

    const initContainers = new Map<string, Container>();
    for (const c of spec?.initContainers ?? []) {
      initContainers.set(c.name, c);
      if (isRestartableInitContainer(c)) totalContainers++;
    }

    let initializing = false;
    const initStatuses: ContainerStatus[] = status.initContainerStatuses ?? [];
    const initCount = spec?.initContainers?.length ?? 0;
    for (let i = 0; i < initStatuses.length; i++) {
      const container = initStatuses[i]!;
      const restartCount = container.restartCount ?? 0;
      restarts += restartCount;
      const lastTerminated = container.lastState?.terminated;
      if (lastTerminated) lastRestartDate = laterTime(lastRestartDate, lastTerminated.finishedAt);
      const restartable = isRestartableInitContainer(initContainers.get(container.name));
      if (restartable) {
        restartableInitContainerRestarts += restartCount;
        if (lastTerminated) {
          lastRestartableInitContainerRestartDate = laterTime(
            lastRestartableInitContainerRestartDate,
            lastTerminated.finishedAt,
          );
        }
      }
      const terminated = container.state?.terminated;
      const waiting = container.state?.waiting;
      if (terminated && (terminated.exitCode ?? 0) === 0) {
        continue;
      } else if (restartable && container.started === true) {
        if (container.ready) readyContainers++;
        continue;
      } else if (terminated) {
        if (!terminated.reason) {
          reason = terminated.signal
            ? `Init:Signal:${terminated.signal}`
            : `Init:ExitCode:${terminated.exitCode ?? 0}`;
        } else {
          reason = `Init:${terminated.reason}`;
        }
        initializing = true;
      } else if (waiting && waiting.reason && waiting.reason !== 'PodInitializing') {
        reason = `Init:${waiting.reason}`;
        initializing = true;
      } else {
        reason = `Init:${i}/${initCount}`;
        initializing = true;
      }
      break;
    }

    if (!initializing || podConditionStatus(pod, 'Initialized') === 'True') {
      restarts = restartableInitContainerRestarts;
      lastRestartDate = lastRestartableInitContainerRestartDate;
      let hasRunning = false;
      const statuses = status.containerStatuses ?? [];
      for (let i = statuses.length - 1; i >= 0; i--) {
        const container = statuses[i]!;
        restarts += container.restartCount ?? 0;
        const lastTerminated = container.lastState?.terminated;
        if (lastTerminated) lastRestartDate = laterTime(lastRestartDate, lastTerminated.finishedAt);
        const waiting = container.state?.waiting;
        const terminated = container.state?.terminated;
        if (waiting && waiting.reason) {
          reason = waiting.reason;
        } else if (terminated && terminated.reason) {
          reason = terminated.reason;
        } else if (terminated && !terminated.reason) {
          reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
        } else if (container.ready && container.state?.running) {
          hasRunning = true;
          readyContainers++;
        }
      }
      if (reason === 'Completed' && hasRunning) {
        reason = podConditionStatus(pod, 'Ready') === 'True' ? 'Running' : 'NotReady';
      }
    }

    const deleting = !!pod.metadata?.deletionTimestamp;
    if (deleting && status.reason === NODE_UNREACHABLE_POD_REASON) {
      reason = 'Unknown';
    } else if (deleting && podPhase !== 'Failed' && podPhase !== 'Succeeded') {
      reason = 'Terminating';
    }

    let restartsStr = String(restarts);
    if (restarts !== 0 && lastRestartDate !== undefined) {
      restartsStr = `${restarts} (${humanDuration(now.getTime() - lastRestartDate)} ago)`;
    }

    const podIP = status.podIPs?.[0]?.ip || '<none>';
    const nodeName = spec?.nodeName || '<none>';
    const nominatedNodeName = status.nominatedNodeName || '<none>';
    let readinessGates = '<none>';
    const gates = spec?.readinessGates ?? [];
    if (gates.length > 0) {
      let trueConditions = 0;
      for (const gate of gates) {
        if (podConditionStatus(pod, gate.conditionType) === 'True') trueConditions++;
      }
      readinessGates = `${trueConditions}/${gates.length}`;
    }

    return [
      nameOf(pod),
      `${readyContainers}/${totalContainers}`,
      reason,
      restartsStr,
      age(pod, now),
      podIP,
      nodeName,
      nominatedNodeName,
      readinessGates,
    ];
  },
);

// ---------------------------------------------------------------------------------------------
// PodTemplates, ReplicationControllers
// ---------------------------------------------------------------------------------------------

export const podTemplatePrinter = printer<PodTemplate>(
  [
    nameColumn(),
    column('Containers', 'string', CONTAINERS_DESCRIPTION),
    column('Images', 'string', IMAGES_DESCRIPTION),
    column('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  (obj) => {
    const [names, images] = layoutContainerCells(obj.template?.spec?.containers);
    return [nameOf(obj), names, images, formatLabels(obj.template?.metadata?.labels)];
  },
);

export const replicationControllerPrinter = printer<ReplicationController>(
  [
    nameColumn(),
    column('Desired', 'integer', D.rcSpecReplicas),
    column('Current', 'integer', D.rcStatusReplicas),
    column('Ready', 'integer', D.rcStatusReady),
    ageColumn(),
    column('Containers', 'string', CONTAINERS_DESCRIPTION, 1),
    column('Images', 'string', IMAGES_DESCRIPTION, 1),
    column('Selector', 'string', D.rcSpecSelector, 1),
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
      formatLabels(obj.spec?.selector),
    ];
  },
);

// ---------------------------------------------------------------------------------------------
// Services, Endpoints
// ---------------------------------------------------------------------------------------------

function loadBalancerStatusString(svc: Service): string {
  const set = new Set<string>();
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    if (ing.ip) set.add(ing.ip);
    else if (ing.hostname) set.add(ing.hostname);
  }
  // The server prints wide, so the value is never clipped.
  return [...set].sort().join(',');
}

function serviceExternalIP(svc: Service): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lbIps = loadBalancerStatusString(svc);
      if (externalIPs.length > 0) {
        const results = lbIps.length > 0 ? lbIps.split(',') : [];
        return [...results, ...externalIPs].join(',');
      }
      return lbIps.length > 0 ? lbIps : '<pending>';
    }
    case 'ExternalName':
      return svc.spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** makePortString: `port/proto` or `port:nodePort/proto`, joined by `,`. */
export function servicePortString(svc: Service): string {
  return (svc.spec?.ports ?? [])
    .map((p) => (p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port}/${p.protocol ?? ''}`))
    .join(',');
}

export const servicePrinter = printer<Service>(
  [
    nameColumn(),
    column('Type', 'string', D.svcType),
    column('Cluster-IP', 'string', D.svcClusterIP),
    column('External-IP', 'string', D.svcExternalIPs),
    column('Port(s)', 'string', D.svcPorts),
    ageColumn(),
    column('Selector', 'string', D.svcSelector, 1),
  ],
  (svc, now) => {
    // Defaulting keeps clusterIPs[0] == clusterIP; fall back for objects stored before defaulting.
    const clusterIPs = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
    const internalIP = clusterIPs.length > 0 ? clusterIPs[0] : '<none>';
    const ports = servicePortString(svc) || '<none>';
    return [
      nameOf(svc),
      svc.spec?.type ?? '',
      internalIP,
      serviceExternalIP(svc),
      ports,
      age(svc, now),
      formatLabels(svc.spec?.selector),
    ];
  },
);

function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** formatEndpoints with all ports: at most 3 `ip:port` entries, then `+ N more...`. */
export function formatEndpoints(subsets: readonly EndpointSubset[] | null | undefined): string {
  if (!subsets || subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    if (!ss.ports || ss.ports.length === 0) {
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(addr.ip);
      }
      continue;
    }
    for (const port of ss.ports) {
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(addr.ip, port.port));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export const endpointsPrinter = printer<Endpoints>(
  [nameColumn(), column('Endpoints', 'string', D.epSubsets), ageColumn()],
  (obj, now) => [nameOf(obj), formatEndpoints(obj.subsets), age(obj, now)],
);

// ---------------------------------------------------------------------------------------------
// Nodes
// ---------------------------------------------------------------------------------------------

const LABEL_NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_LABEL_ROLE = 'kubernetes.io/role';

function findNodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(LABEL_NODE_ROLE_PREFIX)) {
      const role = k.slice(LABEL_NODE_ROLE_PREFIX.length);
      if (role.length > 0) roles.add(role);
    } else if (k === NODE_LABEL_ROLE && v !== '') {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

function nodeAddress(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
}

export const nodePrinter = printer<Node>(
  [
    nameColumn(),
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    ageColumn(),
    column('Version', 'string', D.kubeletVersion),
    column('Internal-IP', 'string', D.nodeAddresses, 1),
    column('External-IP', 'string', D.nodeAddresses, 1),
    column('OS-Image', 'string', D.osImage, 1),
    column('Kernel-Version', 'string', D.kernelVersion, 1),
    column('Container-Runtime', 'string', D.containerRuntimeVersion, 1),
  ],
  (node, now) => {
    const status: string[] = [];
    // Only the Ready condition contributes; the last condition of a type wins, as upstream's map.
    const ready = (node.status?.conditions ?? []).filter((c) => c.type === 'Ready').pop();
    if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
    if (status.length === 0) status.push('Unknown');
    if (node.spec?.unschedulable) status.push('SchedulingDisabled');
    const roles = findNodeRoles(node).join(',') || '<none>';
    const info = node.status?.nodeInfo;
    return [
      nameOf(node),
      status.join(','),
      roles,
      age(node, now),
      info?.kubeletVersion ?? '',
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      info?.osImage || '<unknown>',
      info?.kernelVersion || '<unknown>',
      info?.containerRuntimeVersion || '<unknown>',
    ];
  },
);

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

function formatEventSource(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  return instance.length === 0 ? component : `${component}, ${instance}`;
}

export const eventPrinter = printer<Event>(
  [
    column('Last Seen', 'string', D.evLastTimestamp),
    column('Type', 'string', D.evType),
    column('Reason', 'string', D.evReason),
    column('Object', 'string', D.evInvolvedObject),
    column('Subobject', 'string', D.refFieldPath, 1),
    column('Source', 'string', D.evSource, 1),
    column('Message', 'string', D.evMessage),
    column('First Seen', 'string', D.evFirstTimestamp, 1),
    column('Count', 'string', D.evCount, 1),
    column('Name', 'string', NAME_DESCRIPTION, 1, 'name'),
  ],
  (ev, now) => {
    let firstTimestamp = timestampSince(ev.firstTimestamp, now);
    if (parseTime(ev.firstTimestamp) === undefined) firstTimestamp = timestampSince(ev.eventTime, now);
    let lastTimestamp = timestampSince(ev.lastTimestamp, now);
    if (parseTime(ev.lastTimestamp) === undefined) lastTimestamp = firstTimestamp;
    let count = ev.count ?? 0;
    if (ev.series) {
      lastTimestamp = timestampSince(ev.series.lastObservedTime, now);
      count = ev.series.count ?? 0;
    } else if (count === 0) {
      // Singleton events don't have a count set in the new API.
      count = 1;
    }
    const kind = (ev.involvedObject?.kind ?? '').toLowerCase();
    const target = ev.involvedObject?.name ? `${kind}/${ev.involvedObject.name}` : kind;
    return [
      lastTimestamp,
      ev.type ?? '',
      ev.reason ?? '',
      target,
      ev.involvedObject?.fieldPath ?? '',
      formatEventSource(ev),
      (ev.message ?? '').trim(),
      firstTimestamp,
      count,
      nameOf(ev),
    ];
  },
);

// ---------------------------------------------------------------------------------------------
// Namespaces, Secrets, ServiceAccounts, ConfigMaps
// ---------------------------------------------------------------------------------------------

export const namespacePrinter = printer<Namespace>(
  [nameColumn(), column('Status', 'string', 'The status of the namespace'), ageColumn()],
  (obj, now) => [nameOf(obj), obj.status?.phase ?? '', age(obj, now)],
);

export const secretPrinter = printer<Secret>(
  [nameColumn(), column('Type', 'string', D.secretType), column('Data', 'string', D.secretData), ageColumn()],
  (obj, now) => [nameOf(obj), obj.type ?? '', Object.keys(obj.data ?? {}).length, age(obj, now)],
);

export const serviceAccountPrinter = printer<ServiceAccount>(
  [nameColumn(), column('Secrets', 'string', D.saSecrets), ageColumn()],
  (obj, now) => [nameOf(obj), (obj.secrets ?? []).length, age(obj, now)],
);

export const configMapPrinter = printer<ConfigMap>(
  [nameColumn(), column('Data', 'string', D.cmData), ageColumn()],
  (obj, now) => [
    nameOf(obj),
    Object.keys(obj.data ?? {}).length + Object.keys(obj.binaryData ?? {}).length,
    age(obj, now),
  ],
);

// ---------------------------------------------------------------------------------------------
// PersistentVolumes, PersistentVolumeClaims
// ---------------------------------------------------------------------------------------------

/** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, duplicates dropped. */
export function accessModesString(modes: readonly string[] | null | undefined): string {
  const set = new Set(modes ?? []);
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

export const persistentVolumePrinter = printer<PersistentVolume>(
  [
    nameColumn(),
    column('Capacity', 'string', D.pvCapacity),
    column('Access Modes', 'string', D.pvAccessModes),
    column('Reclaim Policy', 'string', D.pvReclaim),
    column('Status', 'string', D.pvPhase),
    column('Claim', 'string', D.pvClaimRef),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', D.pvReason),
    ageColumn(),
    column('VolumeMode', 'string', D.pvVolumeMode, 1),
  ],
  (obj, now) => {
    const spec = obj.spec ?? {};
    const claimRef = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
    const phase = obj.metadata?.deletionTimestamp ? 'Terminating' : obj.status?.phase ?? '';
    const annotations = obj.metadata?.annotations ?? {};
    const storageClass =
      BETA_STORAGE_CLASS_ANNOTATION in annotations
        ? annotations[BETA_STORAGE_CLASS_ANNOTATION]!
        : spec.storageClassName ?? '';
    return [
      nameOf(obj),
      quantityString(spec.capacity?.['storage']),
      accessModesString(spec.accessModes),
      spec.persistentVolumeReclaimPolicy ?? '',
      phase,
      claimRef,
      storageClass,
      spec.volumeAttributesClassName ?? '<unset>',
      obj.status?.reason ?? '',
      age(obj, now),
      spec.volumeMode ?? '<unset>',
    ];
  },
);

export const persistentVolumeClaimPrinter = printer<PersistentVolumeClaim>(
  [
    nameColumn(),
    column('Status', 'string', D.pvcPhase),
    column('Volume', 'string', D.pvcVolumeName),
    column('Capacity', 'string', D.pvcCapacity),
    column('Access Modes', 'string', D.pvcAccessModes),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageColumn(),
    column('VolumeMode', 'string', D.pvcVolumeMode, 1),
  ],
  (obj, now) => {
    const spec = obj.spec ?? {};
    const phase = obj.metadata?.deletionTimestamp ? 'Terminating' : obj.status?.phase ?? '';
    let capacity = '';
    let accessModes = '';
    if (spec.volumeName) {
      accessModes = accessModesString(obj.status?.accessModes);
      capacity = quantityString(obj.status?.capacity?.['storage']);
    }
    const annotations = obj.metadata?.annotations ?? {};
    const storageClass =
      BETA_STORAGE_CLASS_ANNOTATION in annotations
        ? annotations[BETA_STORAGE_CLASS_ANNOTATION]!
        : spec.storageClassName ?? '';
    return [
      nameOf(obj),
      phase,
      spec.volumeName ?? '',
      capacity,
      accessModes,
      storageClass,
      spec.volumeAttributesClassName ?? '<unset>',
      age(obj, now),
      spec.volumeMode ?? '<unset>',
    ];
  },
);

// ---------------------------------------------------------------------------------------------
// ResourceQuotas
// ---------------------------------------------------------------------------------------------

export const resourceQuotaPrinter = printer<ResourceQuota>(
  [
    nameColumn(),
    column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column(
      'Limit',
      'string',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    ),
    ageColumn(),
  ],
  (obj, now) => {
    const hard = obj.status?.hard ?? {};
    const used = obj.status?.used ?? {};
    const requests: string[] = [];
    const limits: string[] = [];
    for (const resource of Object.keys(hard).sort()) {
      const pieces = resource.split('.');
      const target = pieces.length > 1 && pieces[0] === 'limits' ? limits : requests;
      target.push(`${resource}: ${quantityString(used[resource])}/${quantityString(hard[resource])}`);
    }
    return [nameOf(obj), requests.join(', '), limits.join(', '), age(obj, now)];
  },
);

/** Core (group "") printers by resource. Resources upstream prints with the default table are absent. */
export const corePrinters: Readonly<Record<string, Printer>> = {
  pods: podPrinter,
  podtemplates: podTemplatePrinter,
  replicationcontrollers: replicationControllerPrinter,
  services: servicePrinter,
  endpoints: endpointsPrinter,
  nodes: nodePrinter,
  events: eventPrinter,
  namespaces: namespacePrinter,
  secrets: secretPrinter,
  serviceaccounts: serviceAccountPrinter,
  persistentvolumes: persistentVolumePrinter,
  persistentvolumeclaims: persistentVolumeClaimPrinter,
  configmaps: configMapPrinter,
  resourcequotas: resourceQuotaPrinter,
};
