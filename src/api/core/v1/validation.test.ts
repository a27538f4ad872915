import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldError } from '../../../machinery/fielderrors.js';
import { fieldErrorMessage } from '../../../machinery/fielderrors.js';
import {
  defaultNamespace,
  defaultPod,
  defaultReplicationController,
  defaultSecret,
  defaultService,
} from './defaults.js';
import { coreV1Rules, podQOSClass, preparePodForCreate, prepareServiceForUpdate } from './rules.js';
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateEndpoints,
  validateEvent,
  validateLimitRange,
  validateNamespace,
  validateNamespaceStatusUpdate,
  validateNode,
  validateNodeUpdate,
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
  validatePod,
  validatePodStatusUpdate,
  validatePodTemplate,
  validatePodUpdate,
  validateReplicasStatus,
  validateReplicationController,
  validateResourceQuota,
  validateResourceQuotaUpdate,
  validateSecret,
  validateSecretUpdate,
  validateService,
  validateServiceUpdate,
} from './validation.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const msgs = (errs: FieldError[]): string[] => errs.map(fieldErrorMessage);
const fields = (errs: FieldError[]): string[] => errs.map((e) => e.field);

const LABEL_RE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_RE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

function pod(spec: Any = {}, meta: Any = {}): Any {
  const p: Any = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...meta }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }], ...spec } };
  defaultPod(p);
  return p;
}

// ---- Pod ----------------------------------------------------------------------------------------

test('a defaulted minimal pod is valid', () => {
  assert.deepEqual(validatePod(pod()), []);
  assert.deepEqual(
    validatePod(
      pod({
        volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg' } }],
        containers: [
          {
            name: 'c',
            image: 'nginx:1.27',
            ports: [{ name: 'http', containerPort: 80 }],
            env: [{ name: 'A', value: '1' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'cfg', mountPath: '/etc/cfg', readOnly: true }],
            resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
            livenessProbe: { httpGet: { port: 'http' } },
          },
        ],
        tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
      }),
    ),
    [],
  );
});

test('containers: required, names, image', () => {
  assert.deepEqual(msgs(validatePod(pod({ containers: [] }))), ['spec.containers: Required value']);
  const p = pod({ containers: [{ name: 'c', image: '' }] });
  assert.deepEqual(msgs(validatePod(p)), ['spec.containers[0].image: Required value']);
  assert.deepEqual(msgs(validatePod(pod({ containers: [{ name: 'Bad_Name', image: 'x' }] }))), [`spec.containers[0].name: Invalid value: "Bad_Name": ${LABEL_RE}`]);
  assert.deepEqual(msgs(validatePod(pod({ containers: [{ image: 'x' }] }))), ['spec.containers[0].name: Required value']);
  assert.deepEqual(
    msgs(validatePod(pod({ containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] }))),
    ['spec.containers[1].name: Duplicate value: "a"'],
  );
  assert.deepEqual(
    msgs(validatePod(pod({ initContainers: [{ name: 'c', image: 'x' }] }))),
    ['spec.initContainers[0].name: Duplicate value: "c"'],
  );
});

test('ports', () => {
  const errs = validatePod(
    pod({
      containers: [
        {
          name: 'c',
          image: 'x',
          ports: [
            { name: 'http', containerPort: 80 },
            { name: 'http', containerPort: 81 },
            { containerPort: 70000 },
            { containerPort: 82, protocol: 'ICMP' },
            { name: 'Bad', containerPort: 83 },
          ],
        },
      ],
    }),
  );
  assert.deepEqual(msgs(errs), [
    'spec.containers[0].ports[1].name: Duplicate value: "http"',
    'spec.containers[0].ports[2].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[3].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    'spec.containers[0].ports[4].name: Invalid value: "Bad": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
  ]);
  const hp = validatePod(
    pod({
      containers: [
        { name: 'a', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }] },
        { name: 'b', image: 'x', ports: [{ containerPort: 81, hostPort: 8080 }] },
      ],
    }),
  );
  assert.deepEqual(msgs(hp), ['spec.containers[1].ports[0].hostPort: Duplicate value: "/TCP/8080"']);
  const hn = validatePod(pod({ hostNetwork: true, containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80, hostPort: 81 }] }] }));
  assert.deepEqual(msgs(hn), ['spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true']);
});

test('env', () => {
  const errs = validatePod(
    pod({
      containers: [
        {
          name: 'c',
          image: 'x',
          env: [
            { name: '' },
            { name: 'A=B' },
            { name: 'X', value: 'v', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'Y', valueFrom: {} },
            { name: 'Z', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } },
            { name: 'W', valueFrom: { configMapKeyRef: { name: 'cm', key: 'bad/key' } } },
            { name: 'V', valueFrom: { fieldRef: { fieldPath: 'status.phase' } } },
          ],
        },
      ],
    }),
  );
  assert.deepEqual(msgs(errs), [
    'spec.containers[0].env[0].name: Required value',
    'spec.containers[0].env[0].name: Invalid value: "": environment variable name must be non-empty',
    "spec.containers[0].env[1].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
    'spec.containers[0].env[2].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    'spec.containers[0].env[3].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
    'spec.containers[0].env[4].valueFrom.fieldRef.fieldPath: Invalid value: "spec.bogus": error converting fieldPath: field label not supported: spec.bogus',
    "spec.containers[0].env[5].valueFrom.configMapKeyRef.key: Invalid value: \"bad/key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    'spec.containers[0].env[6].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
  ]);
  assert.deepEqual(validatePod(pod({ containers: [{ name: 'c', image: 'x', env: [{ name: 'L', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } }] }] })), []);
});

test('volumes and mounts', () => {
  const errs = validatePod(
    pod({
      volumes: [
        { name: 'a', emptyDir: {} },
        { name: 'a', emptyDir: {} },
        { name: 'b', emptyDir: {}, hostPath: { path: '/x' } },
        { name: 'Bad_Vol', emptyDir: {} },
        { name: 's', secret: { secretName: 'x', defaultMode: 1000 } },
      ],
      containers: [
        {
          name: 'c',
          image: 'x',
          volumeMounts: [
            { name: 'a', mountPath: '/a' },
            { name: 'missing', mountPath: '/m' },
            { name: 'a', mountPath: '/a' },
            { name: 'a', mountPath: '/sub', subPath: '../x' },
          ],
        },
      ],
    }),
  );
  assert.deepEqual(msgs(errs), [
    'spec.volumes[1].name: Duplicate value: "a"',
    'spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type',
    `spec.volumes[3].name: Invalid value: "Bad_Vol": ${LABEL_RE}`,
    'spec.volumes[4].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive',
    'spec.containers[0].volumeMounts[1].name: Not found: "missing"',
    'spec.containers[0].volumeMounts[2].mountPath: Invalid value: "/a": must be unique',
    'spec.containers[0].volumeMounts.subPath: Invalid value: "../x": must not contain \'..\'',
  ]);
  // A volume without a source defaults to emptyDir; undefaulted, it has no type.
  assert.deepEqual(validatePod(pod({ volumes: [{ name: 'x', emptyDir: null }] })), []);
  const raw = pod();
  raw.spec.volumes = [{ name: 'x' }];
  assert.deepEqual(msgs(validatePod(raw)), ['spec.volumes[0]: Required value: must specify a volume type']);
});

test('restartPolicy, dnsPolicy, grace period, activeDeadlineSeconds', () => {
  assert.deepEqual(msgs(validatePod(pod({ restartPolicy: 'Sometimes' }))), [
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ]);
  assert.deepEqual(msgs(validatePod(pod({ dnsPolicy: 'Custom' }))), [
    'spec.dnsPolicy: Unsupported value: "Custom": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
  ]);
  assert.deepEqual(msgs(validatePod(pod({ dnsPolicy: 'None' }))), ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']);
  const p = pod();
  delete p.spec.terminationGracePeriodSeconds;
  assert.deepEqual(msgs(validatePod(p)), ['spec.terminationGracePeriodSeconds: Required value']);
  assert.deepEqual(msgs(validatePod(pod({ activeDeadlineSeconds: 0 }))), ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive']);
});

test('resources', () => {
  const errs = validatePod(
    pod({
      containers: [
        {
          name: 'c',
          image: 'x',
          resources: { requests: { cpu: '2', memory: '1Gi', 'example.com/gpu': '1' }, limits: { cpu: '1', memory: '-1', 'example.com/gpu': '2' } },
        },
      ],
    }),
  );
  assert.deepEqual(msgs(errs), [
    'spec.containers[0].resources.limits[memory]: Invalid value: "-1": must be greater than or equal to 0',
    'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    'spec.containers[0].resources.requests: Invalid value: "1Gi": must be less than or equal to memory limit of -1',
    'spec.containers[0].resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2',
  ]);
  assert.deepEqual(msgs(validatePod(pod({ containers: [{ name: 'c', image: 'x', resources: { limits: { cpus: '1' } } }] }))), [
    'spec.containers[0].resources.limits[cpus]: Invalid value: "cpus": must be a standard resource type or fully qualified',
    'spec.containers[0].resources.limits[cpus]: Invalid value: "cpus": must be a standard resource for containers',
    // Pod defaulting copied the limit into requests.
    'spec.containers[0].resources.requests[cpus]: Invalid value: "cpus": must be a standard resource type or fully qualified',
    'spec.containers[0].resources.requests[cpus]: Invalid value: "cpus": must be a standard resource for containers',
  ]);
  assert.deepEqual(msgs(validatePod(pod({ containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: 'lots' } } }] }))), [
    "spec.containers[0].resources.requests[cpu]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  ]);
});

test('probes', () => {
  const errs = validatePod(
    pod({
      containers: [
        {
          name: 'c',
          image: 'x',
          livenessProbe: { httpGet: { port: 80 }, exec: { command: ['true'] }, successThreshold: 2 },
          readinessProbe: {},
          startupProbe: { tcpSocket: { port: 0 } },
        },
      ],
    }),
  );
  assert.deepEqual(msgs(errs), [
    'spec.containers[0].livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type',
    'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    'spec.containers[0].readinessProbe: Required value: must specify a handler type',
    'spec.containers[0].startupProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive',
  ]);
  assert.deepEqual(msgs(validatePod(pod({ initContainers: [{ name: 'i', image: 'x', readinessProbe: { exec: { command: ['x'] } } }] }))), [
    'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers',
  ]);
  // Sidecar (restartable) init containers may have probes.
  assert.deepEqual(validatePod(pod({ initContainers: [{ name: 'i', image: 'x', restartPolicy: 'Always', readinessProbe: { exec: { command: ['x'] } } }] })), []);
});

test('nodeSelector, tolerations, affinity', () => {
  assert.deepEqual(fields(validatePod(pod({ nodeSelector: { 'bad key': 'v' } }))), ['spec.nodeSelector']);
  assert.deepEqual(msgs(validatePod(pod({ tolerations: [{ operator: 'Equal', value: 'v' }, { key: 'k', operator: 'Exists', value: 'v' }, { key: 'k', effect: 'NoSchedule', tolerationSeconds: 5 }, { key: 'k', effect: 'Never' }] }))), [
    'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
    'spec.tolerations[1].operator: Invalid value: {"key":"k","operator":"Exists","value":"v"}: value must be empty when `operator` is \'Exists\'',
    "spec.tolerations[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
    'spec.tolerations[3].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  ]);
  assert.deepEqual(
    msgs(
      validatePod(
        pod({
          affinity: {
            nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' }] }] } },
            podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: { labelSelector: { matchLabels: { a: 'b' } } } }] },
          },
        }),
      ),
    ),
    [
      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100',
      'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: Required value: can not be empty',
      "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: Invalid value: \"\": name part must be non-empty",
      "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ],
  );
});

test('projected service account token needs a service account', () => {
  const p = pod({ volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } }] });
  assert.deepEqual(msgs(validatePod(p)), ['spec.volumes[0].projected.sources[0].serviceAccountToken: Forbidden: must not be specified when serviceAccountName is not set']);
  p.spec.serviceAccountName = 'default';
  assert.deepEqual(validatePod(p), []);
});

test('pod update: only images, deadline, tolerations, grace period', () => {
  const old = pod({ tolerations: [{ key: 'a', operator: 'Exists' }] });
  old.metadata.resourceVersion = '1';
  const n = structuredClone(old);
  n.spec.containers[0].image = 'nginx:1.28';
  n.spec.activeDeadlineSeconds = 30;
  n.spec.tolerations.push({ key: 'b', operator: 'Exists' });
  assert.deepEqual(validatePodUpdate(n, old), []);

  const bad = structuredClone(old);
  bad.spec.containers[0].ports = [{ containerPort: 80, protocol: 'TCP' }];
  const errs = validatePodUpdate(bad, old);
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.field, 'spec');
  assert.equal(errs[0]!.type, 'FieldValueForbidden');
  assert.ok(
    fieldErrorMessage(errs[0]!).startsWith(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n',
    ),
  );

  const more = structuredClone(old);
  more.spec.containers.push({ name: 'd', image: 'x' });
  assert.deepEqual(msgs(validatePodUpdate(more, old)), ['spec.containers: Forbidden: pod updates may not add or remove containers']);

  const tol = structuredClone(old);
  tol.spec.tolerations = [];
  assert.deepEqual(msgs(validatePodUpdate(tol, old)), ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']);

  const withDeadline = structuredClone(old);
  withDeadline.spec.activeDeadlineSeconds = 10;
  const longer = structuredClone(withDeadline);
  longer.spec.activeDeadlineSeconds = 20;
  assert.deepEqual(msgs(validatePodUpdate(longer, withDeadline)), ['spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value']);
});

test('pod status update', () => {
  const old = pod({ nodeName: 'n1' });
  const n = structuredClone(old);
  n.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }, { type: 'bad type', status: 'True' }], podIPs: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] };
  assert.deepEqual(fields(validatePodStatusUpdate(n, old)), ['metadata.conditions[1].Type', 'status.podIPs']);
  const moved = structuredClone(old);
  moved.spec.nodeName = 'n2';
  assert.deepEqual(msgs(validatePodStatusUpdate(moved, old)), ['status.nodeName: Forbidden: may not be changed directly']);
  const never = pod({ restartPolicy: 'Never' });
  never.status = { containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 0 } } }] };
  const back = structuredClone(never);
  back.status.containerStatuses[0].state = { running: {} };
  assert.deepEqual(msgs(validatePodStatusUpdate(back, never)), ['status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state']);
});

test('QoS class and create preparation', () => {
  assert.equal(podQOSClass(pod()), 'BestEffort');
  assert.equal(podQOSClass(pod({ containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] })), 'Guaranteed');
  assert.equal(podQOSClass(pod({ containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '1' } } }] })), 'Burstable');
  const p = pod({ schedulingGates: [{ name: 'example.com/gate' }] });
  p.status = { phase: 'Running' };
  preparePodForCreate(p);
  assert.equal(p.status.phase, 'Pending');
  assert.equal(p.status.qosClass, 'BestEffort');
  assert.equal(p.status.conditions[0].reason, 'SchedulingGated');
});

// ---- ReplicationController, PodTemplate ----------------------------------------------------------

function rc(extra: Any = {}): Any {
  const o: Any = {
    metadata: { name: 'rc', namespace: 'default' },
    spec: { replicas: 2, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } }, ...extra },
  };
  defaultReplicationController(o);
  return o;
}

test('replication controllers', () => {
  assert.deepEqual(validateReplicationController(rc()), []);
  assert.deepEqual(msgs(validateReplicationController(rc({ selector: { app: 'other' } }))), [
    'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
  ]);
  assert.deepEqual(msgs(validateReplicationController(rc({ replicas: -1 }))), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
  const noTpl: Any = { metadata: { name: 'x' }, spec: { selector: { a: 'b' } } };
  assert.deepEqual(msgs(validateReplicationController(noTpl)), ['spec.template: Required value']);
  const never = rc();
  never.spec.template.spec.restartPolicy = 'Never';
  assert.deepEqual(msgs(validateReplicationController(never)), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
  const badLabel = rc();
  badLabel.spec.template.metadata.labels['bad key'] = 'x';
  assert.ok(fields(validateReplicationController(badLabel)).includes('spec.template.labels'));
  assert.deepEqual(msgs(validateReplicasStatus({ replicas: 1, readyReplicas: 2, availableReplicas: 0 })), [
    'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
  ]);
});

test('pod templates', () => {
  const pt: Any = { metadata: { name: 'pt' }, template: { metadata: {}, spec: { containers: [{ name: 'c', image: '' }] } } };
  coreV1Rules.podtemplates!.defaults!(pt);
  assert.deepEqual(msgs(validatePodTemplate(pt)), ['template.spec.containers[0].image: Required value']);
});

// ---- Service ------------------------------------------------------------------------------------

function svc(spec: Any = {}): Any {
  const o: Any = { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }], ...spec } };
  defaultService(o);
  return o;
}

test('services', () => {
  assert.deepEqual(validateService(svc()), []);
  assert.deepEqual(validateService(svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })), []);
  assert.deepEqual(validateService(svc({ clusterIP: 'None', ports: [] })), []);
  assert.deepEqual(msgs(validateService(svc({ ports: [] }))), ['spec.ports: Required value']);
  assert.deepEqual(msgs(validateService(svc({ ports: [{ port: 80 }, { port: 81 }] }))), [
    'spec.ports[0].name: Required value',
    'spec.ports[1].name: Required value',
  ]);
  assert.deepEqual(msgs(validateService(svc({ ports: [{ name: 'a', port: 80 }, { name: 'a', port: 80 }] }))), [
    'spec.ports[1].name: Duplicate value: "a"',
    'spec.ports[1]: Duplicate value: {"port":80,"protocol":"TCP"}',
  ]);
  assert.deepEqual(msgs(validateService(svc({ ports: [{ port: 0, protocol: 'ICMP' }] }))), [
    'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
  ]);
  assert.deepEqual(msgs(validateService(svc({ type: 'Fancy' }))), [
    'spec.type: Unsupported value: "Fancy": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
  ]);
  assert.deepEqual(msgs(validateService(svc({ ports: [{ port: 80, nodePort: 30000 }] }))), [
    "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
  ]);
  assert.deepEqual(msgs(validateService(svc({ type: 'NodePort', clusterIP: 'None' }))), [
    "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services",
  ]);
  assert.deepEqual(msgs(validateService(svc({ clusterIP: '10.0.0.300' }))), [
    'spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ]);
  assert.deepEqual(msgs(validateService(svc({ externalIPs: ['127.0.0.1'] }))), [
    'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
  ]);
  assert.deepEqual(fields(validateService(svc({ selector: { 'bad key': 'x' } }))), ['spec.selector']);
});

test('ExternalName services', () => {
  const en: Any = { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'db.example.com.' } };
  defaultService(en);
  assert.deepEqual(validateService(en), []);
  const missing: Any = { metadata: { name: 'ext' }, spec: { type: 'ExternalName' } };
  defaultService(missing);
  assert.deepEqual(msgs(validateService(missing)), ['spec.externalName: Required value']);
  const bad: Any = { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'Not_A_Name' } };
  defaultService(bad);
  assert.deepEqual(msgs(validateService(bad)), [`spec.externalName: Invalid value: "Not_A_Name": ${SUBDOMAIN_RE}`]);
});

test('service update: clusterIP immutable except to/from ExternalName', () => {
  const old = svc({ clusterIP: '10.96.0.10' });
  const same = svc({ clusterIP: '10.96.0.10' });
  assert.deepEqual(validateServiceUpdate(same, old), []);
  const changed = svc({ clusterIP: '10.96.0.11' });
  assert.deepEqual(msgs(validateServiceUpdate(changed, old)), ['spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set']);
  const toExt: Any = { metadata: { name: 'web' }, spec: { type: 'ExternalName', externalName: 'example.com' } };
  defaultService(toExt);
  assert.deepEqual(validateServiceUpdate(toExt, old), []);
  // A client that omits the allocated values keeps them.
  const omitted = svc();
  prepareServiceForUpdate(omitted, old);
  assert.equal(omitted.spec.clusterIP, '10.96.0.10');
  assert.deepEqual(omitted.spec.clusterIPs, ['10.96.0.10']);
  assert.deepEqual([...validateService(omitted), ...validateServiceUpdate(omitted, old)], []);
  // Switching NodePort -> ClusterIP drops the unchanged node ports.
  const np = svc({ type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ port: 80, nodePort: 30080 }] });
  const back = structuredClone(np);
  back.spec.type = 'ClusterIP';
  prepareServiceForUpdate(back, np);
  assert.equal(back.spec.ports[0].nodePort, undefined);
  assert.equal(back.spec.externalTrafficPolicy, undefined);
  assert.deepEqual(validateService(back), []);
});

// ---- ConfigMap, Secret --------------------------------------------------------------------------

test('config maps', () => {
  assert.deepEqual(validateConfigMap({ data: { 'app.properties': 'a=b' }, binaryData: { 'b.bin': 'AAE=' } }), []);
  assert.deepEqual(msgs(validateConfigMap({ data: { 'a/b': 'x', dup: 'y' }, binaryData: { dup: 'AA==' } })), [
    "data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    'data[dup]: Invalid value: "dup": duplicate of key present in binaryData',
  ]);
  assert.deepEqual(msgs(validateConfigMap({ data: { big: 'x'.repeat(1024 * 1024 + 1) } })), [': Too long: must have at most 1048576 bytes']);
  const old = { immutable: true, data: { a: '1' } };
  assert.deepEqual(validateConfigMapUpdate({ immutable: true, data: { a: '1' } }, old), []);
  assert.deepEqual(msgs(validateConfigMapUpdate({ data: { a: '2' } }, old)), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.deepEqual(validateConfigMapUpdate({ immutable: true, data: { a: '2' } }, { data: { a: '1' } }), []);
});

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('secrets', () => {
  const s: Any = { metadata: { name: 's' }, data: { key: b64('v') } };
  defaultSecret(s);
  assert.deepEqual(validateSecret(s), []);
  assert.deepEqual(msgs(validateSecret({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('x') } })), ['data[tls.key]: Required value']);
  assert.deepEqual(msgs(validateSecret({ type: 'kubernetes.io/service-account-token' })), ['metadata.annotations[kubernetes.io/service-account.name]: Required value']);
  assert.deepEqual(msgs(validateSecret({ type: 'kubernetes.io/dockerconfigjson', data: {} })), ['data[.dockerconfigjson]: Required value']);
  assert.deepEqual(msgs(validateSecret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('xyz') } })), [
    "data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character 'x' looking for beginning of value",
  ]);
  assert.deepEqual(msgs(validateSecret({ type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('[]') } })), [
    'data[.dockercfg]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}',
  ]);
  assert.deepEqual(validateSecret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{"auths":{}}') } }), []);
  assert.deepEqual(msgs(validateSecret({ type: 'kubernetes.io/basic-auth', data: {} })), ['data[username]: Required value', 'data[password]: Required value']);
  assert.deepEqual(validateSecret({ type: 'kubernetes.io/basic-auth', data: { password: '' } }), []);
  assert.deepEqual(msgs(validateSecret({ type: 'kubernetes.io/ssh-auth', data: {} })), ['data[ssh-privatekey]: Required value']);
  assert.deepEqual(msgs(validateSecret({ data: { a: 'not base64!' } })), ['data[a]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3']);
  assert.deepEqual(msgs(validateSecret({ data: { a: 'abc' } })), ['data[a]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 0']);
  assert.deepEqual(validateSecret({ data: { a: 'YQ==', b: 'YWI=', c: 'YWJj', d: '' } }), []);
  assert.deepEqual(msgs(validateSecret({ data: { big: Buffer.alloc(1024 * 1024 + 1).toString('base64') } })), ['data: Too long: must have at most 1048576 bytes']);
  assert.deepEqual(msgs(validateSecretUpdate({ type: 'kubernetes.io/tls' }, { type: 'Opaque' })), ['type: Invalid value: "kubernetes.io/tls": field is immutable']);
  assert.deepEqual(msgs(validateSecretUpdate({ type: 'Opaque', immutable: true, data: { a: b64('2') } }, { type: 'Opaque', immutable: true, data: { a: b64('1') } })), [
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
});

// ---- Namespace, Event, Endpoints, Node ----------------------------------------------------------

test('namespaces', () => {
  const ns: Any = { metadata: { name: 'team' } };
  defaultNamespace(ns);
  assert.deepEqual(validateNamespace(ns), []);
  assert.deepEqual(coreV1Rules.namespaces!.nameFn!('my.ns', false), ['must not contain dots']);
  assert.deepEqual(coreV1Rules.services!.nameFn!('1svc', false).length, 1);
  assert.deepEqual(msgs(validateNamespace({ spec: { finalizers: ['custom'] } })), [
    'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
  ]);
  assert.deepEqual(validateNamespace({ spec: { finalizers: ['kubernetes', 'example.com/x'] } }), []);
  assert.deepEqual(msgs(validateNamespaceStatusUpdate({ metadata: {}, status: { phase: 'Terminating' } })), [
    "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty",
  ]);
  assert.deepEqual(validateNamespaceStatusUpdate({ metadata: { deletionTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Terminating' } }), []);
});

test('events', () => {
  const ev: Any = { metadata: { name: 'p.1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'Started' };
  assert.deepEqual(validateEvent(ev), []);
  assert.deepEqual(msgs(validateEvent({ ...ev, involvedObject: { kind: 'Pod', namespace: 'other' } })), [
    'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
  ]);
  assert.deepEqual(validateEvent({ metadata: { name: 'n.1', namespace: 'default' }, involvedObject: { kind: 'Node', name: 'n' } }), []);
  const series: Any = { metadata: { name: 'e', namespace: 'default' }, involvedObject: { namespace: 'default' }, eventTime: '2024-01-01T00:00:00.000000Z' };
  assert.deepEqual(fields(validateEvent(series)), ['source', 'source', 'source', 'reportingInstance', 'action', 'reason']);
});

test('endpoints', () => {
  const ep: Any = { subsets: [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 80, protocol: 'TCP' }] }] };
  assert.deepEqual(validateEndpoints(ep), []);
  assert.deepEqual(msgs(validateEndpoints({ subsets: [{ ports: [{ port: 80, protocol: 'TCP' }] }] })), [
    'subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`',
  ]);
  assert.deepEqual(msgs(validateEndpoints({ subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 80, protocol: 'TCP' }, { port: 81, protocol: 'TCP' }] }] })), [
    'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'subsets[0].ports[0].name: Required value',
    'subsets[0].ports[1].name: Required value',
  ]);
});

test('nodes', () => {
  assert.deepEqual(validateNode({ spec: { podCIDRs: ['10.244.1.0/24', 'fd00:1::/64'] }, status: { capacity: { cpu: '4', pods: '110' } } }), []);
  assert.deepEqual(msgs(validateNode({ spec: { podCIDR: '10.244.1.0' } })), [
    'spec.podCIDRs[0]: Invalid value: "10.244.1.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  ]);
  assert.deepEqual(msgs(validateNode({ spec: { taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', effect: 'NoSchedule' }] } })), [
    'metadata.taints[1]: Duplicate value: {"key":"k","effect":"NoSchedule"}: taints must be unique by key and effect pair',
  ]);
  assert.deepEqual(msgs(validateNode({ spec: { taints: [{ key: 'k' }] } })), ['metadata.taints[0].effect: Required value']);
  assert.deepEqual(msgs(validateNode({ status: { capacity: { pods: '1.5' } } })), ['status.capacity.pods: Invalid value: "1500m": must be an integer']);
  assert.deepEqual(validateNodeUpdate({ spec: { podCIDR: '10.244.1.0/24' } }, { spec: {} }), []);
  assert.deepEqual(msgs(validateNodeUpdate({ spec: { podCIDRs: ['10.244.2.0/24'] } }, { spec: { podCIDRs: ['10.244.1.0/24'] } })), [
    'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
  ]);
});

// ---- PV, PVC, LimitRange, ResourceQuota ---------------------------------------------------------

test('persistent volumes', () => {
  const pv: Any = { metadata: { name: 'pv' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } };
  coreV1Rules.persistentvolumes!.defaults!(pv);
  assert.deepEqual(validatePersistentVolume(pv), []);
  assert.deepEqual(msgs(validatePersistentVolume({ spec: { hostPath: { path: '/d' } } })), [
    'spec.accessModes: Required value',
    'spec.capacity: Required value',
    'spec.capacity: Unsupported value: {}: supported values: "storage"',
  ]);
  assert.deepEqual(msgs(validatePersistentVolume({ spec: { capacity: { storage: '0' }, accessModes: ['ReadWriteOncePod', 'ReadWriteOnce'] } })), [
    'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
    'spec.capacity[storage]: Invalid value: "0": must be greater than zero',
    'spec: Required value: must specify a volume type',
  ]);
  assert.deepEqual(msgs(validatePersistentVolume({ spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], local: { path: '/mnt' } } })), [
    'spec.nodeAffinity: Required value: Local volume requires node affinity',
  ]);
});

test('persistent volume claims', () => {
  const pvc: Any = { metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
  coreV1Rules.persistentvolumeclaims!.defaults!(pvc);
  assert.deepEqual(validatePersistentVolumeClaim(pvc), []);
  assert.deepEqual(msgs(validatePersistentVolumeClaim({ spec: {} })), [
    'spec.accessModes: Required value: at least 1 access mode is required',
    'spec.resources[storage]: Required value',
  ]);
  assert.deepEqual(msgs(validatePersistentVolumeClaim({ spec: { accessModes: ['ReadWriteSome'], resources: { requests: { storage: '1Gi' } } } })), [
    'spec.accessModes: Unsupported value: "ReadWriteSome": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
  ]);
  // Growth is allowed for bound claims; anything else in spec is immutable.
  const bound = structuredClone(pvc);
  bound.spec.volumeName = 'pv-1';
  bound.status = { phase: 'Bound' };
  const grown = structuredClone(bound);
  grown.spec.resources.requests.storage = '2Gi';
  assert.deepEqual(validatePersistentVolumeClaimUpdate(grown, bound), []);
  const shrunk = structuredClone(bound);
  shrunk.spec.resources.requests.storage = '500Mi';
  assert.deepEqual(msgs(validatePersistentVolumeClaimUpdate(shrunk, bound)), ['spec.resources.requests.storage: Forbidden: field can not be less than previous value']);
  const modes = structuredClone(bound);
  modes.spec.accessModes = ['ReadWriteMany'];
  const errs = validatePersistentVolumeClaimUpdate(modes, bound);
  assert.equal(errs.length, 1);
  assert.ok(fieldErrorMessage(errs[0]!).startsWith('spec: Forbidden: spec is immutable after creation except resources.requests for bound claims\n'));
  // The binder may set volumeName once.
  const binding = structuredClone(pvc);
  binding.spec.volumeName = 'pv-1';
  assert.deepEqual(validatePersistentVolumeClaimUpdate(binding, pvc), []);
});

test('limit ranges', () => {
  const lr: Any = { spec: { limits: [{ type: 'Container', max: { cpu: '1' }, min: { cpu: '2' } }] } };
  coreV1Rules.limitranges!.defaults!(lr);
  assert.ok(msgs(validateLimitRange(lr)).includes('spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1'));
  assert.deepEqual(msgs(validateLimitRange({ spec: { limits: [{ type: 'Pod', default: { cpu: '1' } }] } })), [
    "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'",
  ]);
  assert.deepEqual(validateLimitRange({ spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '250m' } }] } }), []);
});

test('resource quotas', () => {
  assert.deepEqual(validateResourceQuota({ spec: { hard: { pods: '10', 'requests.cpu': '4', 'count/deployments.apps': '5' } } }), []);
  assert.deepEqual(msgs(validateResourceQuota({ spec: { hard: { widgets: '1', pods: '1.5' } } })), [
    'spec.hard[widgets]: Invalid value: "widgets": must be a standard resource type or fully qualified',
    'spec.hard[widgets]: Invalid value: "widgets": must be a standard resource for quota',
    'spec.hard[pods]: Invalid value: "1500m": must be an integer',
  ]);
  assert.deepEqual(msgs(validateResourceQuota({ spec: { hard: { pods: '1' }, scopes: ['BestEffort', 'NotBestEffort'] } })), [
    'spec.scopes: Invalid value: ["BestEffort","NotBestEffort"]: conflicting scopes',
  ]);
  assert.deepEqual(msgs(validateResourceQuotaUpdate({ spec: { scopes: ['Terminating'] } }, { spec: {} })), ['spec.scopes: Invalid value: ["Terminating"]: field is immutable']);
});

test('every served core resource has rules', () => {
  for (const r of [
    'namespaces',
    'pods',
    'services',
    'endpoints',
    'replicationcontrollers',
    'nodes',
    'events',
    'configmaps',
    'secrets',
    'serviceaccounts',
    'persistentvolumes',
    'persistentvolumeclaims',
    'podtemplates',
    'limitranges',
    'resourcequotas',
  ]) {
    assert.ok(coreV1Rules[r], r);
  }
});
