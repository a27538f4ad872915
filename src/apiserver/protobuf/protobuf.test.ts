import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { ApiError } from '../../machinery/errors.js';
import { CAPTURED } from './captured.testdata.js';
import { decodeMessage, decodeProtobufObject, formatTime } from './decode.js';
import { encodeMessage, encodeProtobufObject } from './encode.js';
import { KINDS, MESSAGES, SCALAR_KINDS, messageForKind } from './schemas.js';
import { WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, WireReader, WireWriter } from './wire.js';

const MAGIC = Buffer.from('k8s\0', 'latin1');

/** A framed body whose envelope carries `raw` verbatim. */
function frame(apiVersion: string, kind: string, raw: Uint8Array, extra?: (w: WireWriter) => void): Buffer {
  const tm = new WireWriter().tag(1, WIRE_LEN).bytes(Buffer.from(apiVersion)).tag(2, WIRE_LEN).bytes(Buffer.from(kind)).finish();
  const w = new WireWriter().tag(1, WIRE_LEN).bytes(tm).tag(2, WIRE_LEN).bytes(raw);
  extra?.(w);
  return Buffer.concat([MAGIC, w.finish()]);
}

function isStatus(code: number, reason?: string): (e: unknown) => boolean {
  return (e: unknown) => e instanceof ApiError && e.code === code && (reason === undefined || e.reason === reason);
}

function roundTrip(obj: Record<string, unknown>): Record<string, unknown> {
  const decoded = decodeProtobufObject(encodeProtobufObject(obj));
  assert.equal(decoded.apiVersion, obj.apiVersion);
  assert.equal(decoded.kind, obj.kind);
  return decoded.object;
}

describe('wire', () => {
  it('reads varints of every length, including 64-bit two\'s complement', () => {
    for (const v of [0n, 1n, 127n, 128n, 300n, 2n ** 28n - 1n, 2n ** 28n, 2n ** 35n + 5n, 2n ** 63n, 2n ** 64n - 1n]) {
      const b = new WireWriter().varint(v).finish();
      assert.equal(new WireReader(b).varint(), v);
    }
    const neg = new WireWriter().varint(-2).finish();
    assert.equal(neg.length, 10);
    assert.equal(BigInt.asIntN(64, new WireReader(neg).varint()), -2n);
  });

  it('rejects truncated and overlong varints, lengths past the end, groups and bad wire types', () => {
    assert.throws(() => new WireReader(Buffer.from([0x80, 0x80])).varint(), /unexpected EOF/);
    assert.throws(() => new WireReader(Buffer.alloc(11, 0xff)).varint(), /integer overflow/);
    assert.throws(() => new WireReader(Buffer.from([0x05, 0x61])).bytes(), /unexpected EOF/);
    assert.throws(() => new WireReader(Buffer.from([0x0b])).tag(), /group/);
    assert.throws(() => new WireReader(Buffer.from([0x0e])).tag(), /illegal wireType 6/);
    assert.throws(() => new WireReader(Buffer.from([0x00])).tag(), /illegal tag 0/);
    assert.throws(() => new WireReader(Buffer.from([0x01, 0x02])).fixed64(), /unexpected EOF/);
  });

  it('skips every wire type', () => {
    const b = new WireWriter()
      .tag(1, WIRE_VARINT)
      .varint(99999)
      .tag(2, WIRE_FIXED64)
      .double(1.5)
      .tag(3, WIRE_LEN)
      .bytes(Buffer.from('abc'))
      .tag(4, WIRE_FIXED32)
      .raw(Buffer.alloc(4))
      .finish();
    const r = new WireReader(b);
    while (!r.done) r.skip(r.tag().wire);
    assert.ok(r.done);
  });
});

describe('captured bodies from kubectl and helm', () => {
  for (const c of CAPTURED) {
    it(`${c.name}: ${c.command}`, () => {
      const got = decodeProtobufObject(Buffer.from(c.hex, 'hex'));
      assert.deepEqual(got.object, c.want);
      assert.equal(got.apiVersion, c.want.apiVersion);
      assert.equal(got.kind, c.want.kind);
    });
  }

  it('the helm release secret carries the gzip release record', () => {
    const c = CAPTURED.find((x) => x.name === 'helm install (release secret create)')!;
    const obj = decodeProtobufObject(Buffer.from(c.hex, 'hex')).object as { data: { release: string }; metadata: { labels: Record<string, string> } };
    assert.equal(obj.metadata.labels.owner, 'helm');
    assert.equal(obj.metadata.labels.status, 'pending-install');
    // data values are base64 of the stored bytes; helm stores base64(gzip(json)).
    const stored = Buffer.from(obj.data.release, 'base64').toString('latin1');
    const release = JSON.parse(gunzipSync(Buffer.from(stored, 'base64')).toString('utf8')) as { name: string; version: number };
    assert.equal(release.name, 'rel');
    assert.equal(release.version, 1);
  });

  it('re-encoding the decoded captures decodes to the same objects', () => {
    for (const c of CAPTURED) assert.deepEqual(roundTrip(c.want), c.want, c.name);
  });
});

describe('round trips', () => {
  it('Secret with full ObjectMeta (owner references, managed fields, timestamps)', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 's',
        namespace: 'ns',
        uid: '6b3c2a1e-0000-4000-8000-000000000001',
        resourceVersion: '42',
        generation: 3,
        creationTimestamp: '2024-05-06T07:08:09Z',
        deletionTimestamp: '2024-05-06T07:09:09Z',
        deletionGracePeriodSeconds: 0,
        labels: { a: 'b', empty: '' },
        annotations: { 'x/y': 'z' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'u1', controller: true, blockOwnerDeletion: false }],
        finalizers: ['example.com/f'],
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Update',
            apiVersion: 'v1',
            time: '2024-05-06T07:08:09Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } },
            subresource: 'status',
          },
        ],
      },
      data: { a: Buffer.from([0, 1, 2, 255]).toString('base64'), empty: '' },
      stringData: { plain: 'text' },
      type: 'Opaque',
      immutable: false,
    };
    assert.deepEqual(roundTrip(secret), secret);
  });

  it('ConfigMap with data and binaryData', () => {
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: 'default' },
      data: { 'app.properties': 'a=1\nb=2\n', unicode: 'héllo wörld ✓' },
      binaryData: { blob: Buffer.from('\x00\x01binary', 'latin1').toString('base64') },
      immutable: true,
    };
    assert.deepEqual(roundTrip(cm), cm);
  });

  it('DeleteOptions under any group version, keeping zero grace period and false orphanDependents', () => {
    for (const apiVersion of ['v1', 'meta.k8s.io/v1', 'apps/v1', 'coordination.k8s.io/v1']) {
      const opts = {
        apiVersion,
        kind: 'DeleteOptions',
        gracePeriodSeconds: 0,
        preconditions: { uid: 'u-1', resourceVersion: '' },
        orphanDependents: false,
        propagationPolicy: 'Foreground',
        dryRun: ['All'],
        ignoreStoreReadErrorWithClusterBreakingPotential: false,
      };
      assert.deepEqual(roundTrip(opts), opts);
    }
    assert.deepEqual(roundTrip({ apiVersion: 'v1', kind: 'DeleteOptions' }), { apiVersion: 'v1', kind: 'DeleteOptions' });
  });

  it('Lease with MicroTime acquire and renew times', () => {
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'kube-controller-manager', namespace: 'kube-system' },
      spec: {
        holderIdentity: 'node-a_0d2c',
        leaseDurationSeconds: 15,
        acquireTime: '2024-01-02T03:04:05.123456Z',
        renewTime: '2024-01-02T03:04:20.000001Z',
        leaseTransitions: 0,
        strategy: 'OldestEmulationVersion',
        preferredHolder: '',
      },
    };
    assert.deepEqual(roundTrip(lease), lease);
  });

  it('core/v1 Event and events.k8s.io/v1 Event', () => {
    const ev = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'p.17a', namespace: 'default' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'p', uid: 'u', apiVersion: 'v1', resourceVersion: '7', fieldPath: 'spec.containers{c}' },
      reason: 'Pulled',
      message: 'Container image "nginx" already present on machine',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: '2024-01-02T03:04:05Z',
      lastTimestamp: '2024-01-02T03:05:05Z',
      count: 2,
      type: 'Normal',
      eventTime: '2024-01-02T03:04:05.000100Z',
      series: { count: 3, lastObservedTime: '2024-01-02T03:06:05.500000Z' },
      action: 'Pulling',
      related: { kind: 'Node', name: 'node-1' },
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
    };
    assert.deepEqual(roundTrip(ev), ev);
    const ev2 = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default' },
      eventTime: '2024-01-02T03:04:05.999999Z',
      series: { count: 0, lastObservedTime: '2024-01-02T03:04:06.000000Z' },
      reportingController: 'example.com/ctrl',
      reportingInstance: 'ctrl-0',
      action: 'Reconcile',
      reason: 'Synced',
      regarding: { kind: 'Deployment', name: 'd', namespace: 'default', apiVersion: 'apps/v1' },
      note: 'ok',
      type: 'Normal',
      deprecatedSource: { component: 'x' },
      deprecatedFirstTimestamp: '2024-01-02T03:04:05Z',
      deprecatedCount: 1,
    };
    assert.deepEqual(roundTrip(ev2), ev2);
  });

  it('Namespace, ServiceAccount, Binding, Endpoints', () => {
    const objs = [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'n' },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Terminating', conditions: [{ type: 'NamespaceDeletionContentFailure', status: 'False', lastTransitionTime: '2024-01-01T00:00:00Z', reason: 'R', message: 'm' }] },
      },
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'sa', namespace: 'default' },
        secrets: [{ name: 'sa-token' }],
        imagePullSecrets: [{ name: 'reg' }],
        automountServiceAccountToken: false,
      },
      { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p', namespace: 'default' }, target: { kind: 'Node', apiVersion: 'v1', name: 'node-1' } },
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'svc', namespace: 'default' },
        subsets: [
          {
            addresses: [{ ip: '10.0.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', name: 'p', namespace: 'default' } }],
            notReadyAddresses: [{ ip: '10.0.0.2', hostname: 'h' }],
            ports: [{ name: 'http', port: 80, protocol: 'TCP', appProtocol: 'http' }],
          },
        ],
      },
    ];
    for (const o of objs) assert.deepEqual(roundTrip(o), o);
  });

  it('Pod with inline volume sources, probe handlers and pointer zeros', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: {
        volumes: [
          { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'k', path: 'p', mode: 0 }], defaultMode: 420, optional: false } },
          { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
          { name: 'proj', projected: { sources: [{ serviceAccountToken: { audience: 'api', expirationSeconds: 3600, path: 'token' } }, { secret: { name: 's', optional: true } }] } },
        ],
        containers: [
          {
            name: 'c',
            image: 'nginx',
            command: ['sh', '-c'],
            args: ['exec nginx'],
            ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
            env: [
              { name: 'A', value: '1' },
              { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: false } } },
              { name: 'C', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
              { name: 'D', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
            ],
            envFrom: [{ prefix: 'X_', configMapRef: { name: 'cm' } }],
            resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '0' } },
            volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true, mountPropagation: 'None' }],
            livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X', value: 'y' }] }, initialDelaySeconds: 3, periodSeconds: 10 },
            readinessProbe: { tcpSocket: { port: 80 }, timeoutSeconds: 1, terminationGracePeriodSeconds: 0 },
            startupProbe: { exec: { command: ['true'] }, failureThreshold: 30 },
            lifecycle: { preStop: { sleep: { seconds: 5 } } },
            securityContext: { runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
            imagePullPolicy: 'IfNotPresent',
            stdin: true,
          },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 0,
        dnsPolicy: 'ClusterFirst',
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        serviceAccountName: 'default',
        automountServiceAccountToken: false,
        securityContext: { fsGroup: 2000, supplementalGroups: [1, 2] },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['v'] }] }] },
          },
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'a' } } } }],
          },
        },
        tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }],
        priority: 0,
        enableServiceLinks: false,
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', minDomains: 2 }],
        ephemeralContainers: [{ name: 'dbg', image: 'busybox', targetContainerName: 'c', stdin: true, tty: true }],
      },
      status: { phase: 'Pending', startTime: '2024-01-01T00:00:00Z', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'nginx', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] },
    };
    const want = structuredClone(pod) as typeof pod;
    // imageID is a non-pointer string with omitempty semantics: "" means unset.
    delete (want.status.containerStatuses[0] as { imageID?: string }).imageID;
    assert.deepEqual(roundTrip(pod), want);
  });

  it('Deployment, StatefulSet, DaemonSet, Job and CronJob specs', () => {
    const template = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const objs: Record<string, unknown>[] = [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: 'a' } },
          template,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
          revisionHistoryLimit: 0,
          paused: true,
          progressDeadlineSeconds: 600,
        },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'ss' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'a' } },
          template,
          serviceName: 'ss',
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: '' } }],
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
          ordinals: { start: 5 },
        },
      },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { selector: { matchLabels: { app: 'a' } }, template, updateStrategy: { type: 'OnDelete' } } },
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'j' },
        spec: {
          parallelism: 0,
          completions: 1,
          backoffLimit: 0,
          suspend: false,
          template,
          podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1, 42] } }] },
        },
      },
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'cj' },
        spec: { schedule: '@hourly', timeZone: 'Etc/UTC', suspend: false, successfulJobsHistoryLimit: 0, jobTemplate: { spec: { template } } },
      },
    ];
    for (const o of objs) assert.deepEqual(roundTrip(o), o);
  });

  it('HorizontalPodAutoscaler v2 and CertificateSigningRequest', () => {
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' },
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
          { type: 'Pods', pods: { metric: { name: 'qps', selector: { matchLabels: { a: 'b' } } }, target: { type: 'AverageValue', averageValue: '100m' } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
      },
    };
    assert.deepEqual(roundTrip(hpa), hpa);
    const csr = {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name: 'c' },
      spec: { request: Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\n').toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], username: 'u', extra: { k: ['v'] }, expirationSeconds: 600 },
      status: { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'ok', lastUpdateTime: '2024-01-01T00:00:00Z' }] },
    };
    assert.deepEqual(roundTrip(csr), csr);
  });

  it('Ingress rule values are inline in the JSON', () => {
    const ing = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'i' },
      spec: { rules: [{ host: 'a.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }] } }] },
    };
    assert.deepEqual(roundTrip(ing), ing);
  });

  it('TokenRequest bound object uid uses the JSON name', () => {
    const tr = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: { audiences: ['a'], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u' }, expirationSeconds: 600 },
    };
    assert.deepEqual(roundTrip(tr), tr);
  });

  it('SubjectAccessReview extra values are arrays', () => {
    const sar = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: { user: 'alice', groups: ['g'], extra: { scopes: ['a', 'b'], none: [] }, resourceAttributes: { verb: 'get', resource: 'pods' } },
      status: { allowed: false },
    };
    assert.deepEqual(roundTrip(sar), sar);
  });
});

describe('JSON mapping', () => {
  const metaOf = (raw: Buffer): unknown => decodeMessage('meta.v1.ObjectMeta', raw);

  it('omits zero values of plain fields and keeps them for pointer fields', () => {
    const raw = new WireWriter()
      .tag(1, WIRE_LEN)
      .bytes(Buffer.from('n'))
      .tag(2, WIRE_LEN)
      .bytes(Buffer.alloc(0))
      .tag(7, WIRE_VARINT)
      .varint(0)
      .tag(8, WIRE_LEN)
      .bytes(Buffer.alloc(0))
      .tag(10, WIRE_VARINT)
      .varint(0)
      .finish();
    assert.deepEqual(metaOf(raw), { name: 'n', deletionGracePeriodSeconds: 0 });
  });

  it('Time: an empty message is unset, zero seconds is the Unix epoch', () => {
    const epoch = new WireWriter().tag(1, WIRE_VARINT).varint(0).tag(2, WIRE_VARINT).varint(0).finish();
    const raw = new WireWriter().tag(8, WIRE_LEN).bytes(epoch).tag(9, WIRE_LEN).bytes(Buffer.alloc(0)).finish();
    assert.deepEqual(metaOf(raw), { creationTimestamp: '1970-01-01T00:00:00Z' });
  });

  it('formats times like Go: UTC, seconds for Time, microseconds for MicroTime, normalized nanos', () => {
    assert.equal(formatTime(1700000000, 999_999_999, false), '2023-11-14T22:13:20Z');
    assert.equal(formatTime(1700000000, 123_456_789, true), '2023-11-14T22:13:20.123456Z');
    assert.equal(formatTime(1700000000, -1, true), '2023-11-14T22:13:19.999999Z');
    assert.equal(formatTime(-62167219200, 0, false), '0000-01-01T00:00:00Z');
    assert.equal(formatTime(253402300799, 0, false), '9999-12-31T23:59:59Z');
    assert.throws(() => formatTime(253402300800, 0, false), /year outside of range/);
  });

  it('negative int32 and int64 values (10-byte varints)', () => {
    const raw = new WireWriter().tag(10, WIRE_VARINT).varint(-30).finish();
    assert.deepEqual(metaOf(raw), { deletionGracePeriodSeconds: -30 });
    const ev = encodeMessage('core.v1.Event', { count: -5 });
    assert.deepEqual(decodeMessage('core.v1.Event', ev), { count: -5 });
  });

  it('accepts packed repeated scalars', () => {
    const packed = new WireWriter().varint(1).varint(300).varint(-1).finish();
    const raw = new WireWriter().tag(3, WIRE_LEN).bytes(packed).tag(3, WIRE_VARINT).varint(7).finish();
    assert.deepEqual(decodeMessage('batch.v1.PodFailurePolicyOnExitCodesRequirement', raw), { values: [1, 300, -1, 7] });
  });

  it('IntOrString and Quantity', () => {
    const rollingUpdate = encodeMessage('apps.v1.RollingUpdateDeployment', { maxUnavailable: 1, maxSurge: '25%' });
    assert.deepEqual(decodeMessage('apps.v1.RollingUpdateDeployment', rollingUpdate), { maxUnavailable: 1, maxSurge: '25%' });
    const q = encodeMessage('core.v1.ResourceQuotaSpec', { hard: { cpu: '1', 'requests.memory': '1Gi' } });
    assert.deepEqual(decodeMessage('core.v1.ResourceQuotaSpec', q), { hard: { cpu: '1', 'requests.memory': '1Gi' } });
    // A non-pointer zero IntOrString is unset (defaulting treats it so).
    const port = encodeMessage('core.v1.ServicePort', { port: 80, targetPort: 0 });
    assert.deepEqual(decodeMessage('core.v1.ServicePort', port), { port: 80 });
  });

  it('map entries with missing key or value decode to zero values; __proto__ keys stay data', () => {
    const entry = new WireWriter().tag(1, WIRE_LEN).bytes(Buffer.from('__proto__')).finish();
    const noKey = new WireWriter().tag(2, WIRE_LEN).bytes(Buffer.from('v')).finish();
    const raw = new WireWriter().tag(11, WIRE_LEN).bytes(entry).tag(11, WIRE_LEN).bytes(noKey).finish();
    const meta = metaOf(raw) as { labels: Record<string, string> };
    assert.deepEqual(Object.keys(meta.labels), ['__proto__', '']);
    assert.equal(meta.labels[''], 'v');
    assert.equal(Object.getPrototypeOf(meta.labels), Object.prototype);
  });

  it('skips unknown fields of every wire type', () => {
    const inner = encodeMessage('core.v1.ConfigMap', { metadata: { name: 'x' }, data: { a: 'b' } });
    const raw = Buffer.concat([
      new WireWriter().tag(99, WIRE_VARINT).varint(2n ** 60n).tag(98, WIRE_FIXED32).raw(Buffer.alloc(4)).tag(97, WIRE_FIXED64).raw(Buffer.alloc(8)).tag(96, WIRE_LEN).bytes(Buffer.from('junk')).finish(),
      inner,
    ]);
    assert.deepEqual(decodeProtobufObject(frame('v1', 'ConfigMap', raw)).object, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } });
  });

  it('merges repeated occurrences of a singular message field', () => {
    const a = encodeMessage('core.v1.ConfigMap', { metadata: { name: 'x' } });
    const b = encodeMessage('core.v1.ConfigMap', { metadata: { namespace: 'ns' } });
    assert.deepEqual(decodeMessage('core.v1.ConfigMap', Buffer.concat([a, b])), { metadata: { name: 'x', namespace: 'ns' } });
  });

  it('embedded raw JSON (RawExtension)', () => {
    const cr = encodeProtobufObject({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, data: { spec: { x: [1, 'two'] } }, revision: 2 });
    assert.deepEqual(decodeProtobufObject(cr).object, { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, data: { spec: { x: [1, 'two'] } }, revision: 2 });
  });
});

describe('errors', () => {
  it('a kind without a schema is 415 UnsupportedMediaType', () => {
    assert.throws(() => decodeProtobufObject(frame('example.com/v1', 'Widget', Buffer.alloc(0))), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 415);
      assert.equal(e.reason, 'UnsupportedMediaType');
      assert.match(e.message, /protobuf is not supported for example\.com\/v1, Kind=Widget/);
      return true;
    });
    assert.throws(() => decodeProtobufObject(frame('v1', 'Node', Buffer.alloc(0))), isStatus(415));
  });

  it('a body without the magic is 400', () => {
    assert.throws(() => decodeProtobufObject(Buffer.from('{"kind":"Secret"}')), isStatus(400, 'BadRequest'));
    assert.throws(() => decodeProtobufObject(Buffer.alloc(0)), /expected prefix \[107 56 115 0\]/);
  });

  it('envelope problems are 400', () => {
    assert.throws(() => decodeProtobufObject(frame('v1', '', Buffer.alloc(0))), (e: unknown) => isStatus(400)(e) && /Kind' is missing/.test((e as Error).message));
    assert.throws(() => decodeProtobufObject(frame('v1', 'Secret', Buffer.alloc(0), (w) => w.tag(3, WIRE_LEN).bytes(Buffer.from('gzip')))), isStatus(400));
    assert.throws(() => decodeProtobufObject(frame('v1', 'Secret', Buffer.alloc(0), (w) => w.tag(4, WIRE_LEN).bytes(Buffer.from('application/json')))), isStatus(400));
    assert.throws(() => decodeProtobufObject(Buffer.concat([MAGIC, Buffer.from([0x10, 0x01])])), isStatus(400));
  });

  it('malformed messages are 400, never another error', () => {
    const cases: Buffer[] = [
      Buffer.concat([MAGIC, Buffer.from([0x0a])]), // truncated length
      Buffer.concat([MAGIC, Buffer.from([0x0a, 0x7f, 0x00])]), // length past the end
      Buffer.concat([MAGIC, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])]), // huge length
      Buffer.concat([MAGIC, Buffer.alloc(12, 0xff)]), // overlong varint tag
      frame('v1', 'Secret', Buffer.from([0x0a, 0x05, 0x0a])), // metadata longer than raw
      frame('v1', 'Secret', Buffer.from([0x08, 0x01])), // metadata with a varint wire type
      frame('v1', 'Secret', Buffer.from([0x0a, 0x02, 0x38, 0x80])), // truncated generation varint
      frame('v1', 'Secret', Buffer.from([0x13])), // group start
      frame('v1', 'Secret', Buffer.from([0x0f])), // wire type 7
      frame('v1', 'Secret', Buffer.from([0x12, 0x02, 0x0a, 0x05])), // map entry key past the end
    ];
    // A Time past year 9999.
    const farTime = new WireWriter().tag(1, WIRE_VARINT).varint(2n ** 40n).finish();
    cases.push(frame('v1', 'Secret', new WireWriter().tag(1, WIRE_LEN).bytes(new WireWriter().tag(8, WIRE_LEN).bytes(farTime).finish()).finish()));
    // fieldsV1 that is not JSON.
    const mf = new WireWriter().tag(7, WIRE_LEN).bytes(new WireWriter().tag(1, WIRE_LEN).bytes(Buffer.from('{not json')).finish()).finish();
    cases.push(frame('v1', 'Secret', new WireWriter().tag(1, WIRE_LEN).bytes(new WireWriter().tag(17, WIRE_LEN).bytes(mf).finish()).finish()));
    for (const [i, c] of cases.entries()) assert.throws(() => decodeProtobufObject(c), isStatus(400, 'BadRequest'), `case ${i}`);
    const lastYear = frame('v1', 'Secret', encodeMessage('core.v1.Secret', { metadata: { creationTimestamp: '9999-12-31T23:59:59Z' } }));
    assert.equal((decodeProtobufObject(lastYear).object.metadata as { creationTimestamp: string }).creationTimestamp, '9999-12-31T23:59:59Z');
  });

  it('deeply nested unknown fields are skipped without recursion', () => {
    let nested: Buffer = Buffer.alloc(0);
    for (let i = 0; i < 5000; i++) nested = new WireWriter().tag(50, WIRE_LEN).bytes(nested).finish();
    const raw = Buffer.concat([nested, encodeMessage('core.v1.Secret', { type: 'Opaque' })]);
    assert.deepEqual(decodeProtobufObject(frame('v1', 'Secret', raw)).object, { apiVersion: 'v1', kind: 'Secret', type: 'Opaque' });
  });

  it('truncated and corrupted captures are decoded or rejected with 400, nothing else', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (const c of CAPTURED) {
      const body = Buffer.from(c.hex, 'hex');
      for (let cut = 4; cut < body.length; cut += Math.max(1, Math.floor(body.length / 40))) {
        try {
          decodeProtobufObject(body.subarray(0, cut));
        } catch (e) {
          assert.ok(e instanceof ApiError && e.code === 400, `${c.name} cut at ${cut}: ${String(e)}`);
        }
      }
      for (let n = 0; n < 60; n++) {
        const bad = Buffer.from(body);
        for (let k = 0; k < 3; k++) bad[4 + rand(bad.length - 4)] = rand(256);
        try {
          decodeProtobufObject(bad);
        } catch (e) {
          assert.ok(e instanceof ApiError && (e.code === 400 || e.code === 415), `${c.name} corrupted: ${String(e)}`);
        }
      }
    }
  });
});

describe('schemas', () => {
  it('every referenced message exists and every kind maps to a message', () => {
    for (const [name, schema] of Object.entries(MESSAGES)) {
      for (const [n, fs] of Object.entries(schema.fields)) {
        const refs = fs.map ? [fs.map.value] : [fs.kind];
        for (const r of refs) assert.ok(SCALAR_KINDS.has(r) || MESSAGES[r], `${name}.${fs.name} (${n}) refers to ${r}`);
        if (fs.map) assert.equal(fs.kind, 'map');
      }
    }
    for (const [k, m] of Object.entries(KINDS)) assert.ok(MESSAGES[m], k);
    assert.equal(messageForKind('v1', 'DeleteOptions'), 'meta.v1.DeleteOptions');
    assert.equal(messageForKind('v1', 'toString'), undefined);
  });

  it('match upstream descriptors (dist/protobuf/descriptors.json, extracted from the kubectl and helm binaries)', (t) => {
    const file = findDescriptors();
    if (!file) {
      t.skip('dist/protobuf/descriptors.json not built');
      return;
    }
    const d = JSON.parse(readFileSync(file, 'utf8')) as {
      messages: Record<string, { mapEntry: boolean; fields: { name: string; number: number; type: string; typeName?: string; repeated: boolean }[] }>;
    };
    // JSON names that differ from the proto field names.
    const renamed: Record<string, string> = {
      'authentication.v1.BoundObjectReference.uID': 'uid',
      'networking.v1.IngressClassParametersReference.aPIGroup': 'apiGroup',
    };
    const full = (short: string): string => {
      if (short.startsWith('meta.v1.')) return `.k8s.io.apimachinery.pkg.apis.${short}`;
      if (short.startsWith('runtime.')) return `.k8s.io.apimachinery.pkg.${short}`;
      if (short.startsWith('resource.')) return `.k8s.io.apimachinery.pkg.api.${short}`;
      if (short.startsWith('intstr.')) return `.k8s.io.apimachinery.pkg.util.${short}`;
      return `.k8s.io.api.${short}`;
    };
    const kindOf = (f: { type: string; typeName?: string }): string => (f.type === 'message' ? f.typeName! : f.type);
    for (const [name, schema] of Object.entries(MESSAGES)) {
      const desc = d.messages[full(name)];
      assert.ok(desc, `no upstream message ${full(name)}`);
      const numbers = new Set(desc.fields.map((f) => f.number));
      for (const n of Object.keys(schema.fields)) assert.ok(numbers.has(Number(n)), `${name}: field ${n} is not upstream`);
      for (const f of desc.fields) {
        const fs = schema.fields[f.number];
        assert.ok(fs, `${name}: upstream field ${f.number} (${f.name}) missing`);
        if (!fs.inline) assert.equal(fs.name, renamed[`${name}.${f.name}`] ?? f.name, `${name}.${f.number}`);
        const entry = f.typeName ? d.messages[f.typeName] : undefined;
        if (entry?.mapEntry) {
          const [k, v] = [entry.fields.find((x) => x.number === 1)!, entry.fields.find((x) => x.number === 2)!];
          assert.ok(fs.map, `${name}.${fs.name} is a map upstream`);
          assert.equal(fs.map.key, k.type, `${name}.${fs.name} key`);
          assert.equal(SCALAR_KINDS.has(fs.map.value) ? fs.map.value : full(fs.map.value), kindOf(v), `${name}.${fs.name} value`);
          continue;
        }
        assert.equal(fs.map, undefined, `${name}.${fs.name} is not a map upstream`);
        assert.equal(Boolean(fs.repeated), f.repeated, `${name}.${fs.name} repeated`);
        assert.equal(SCALAR_KINDS.has(fs.kind) ? fs.kind : full(fs.kind), kindOf(f), `${name}.${fs.name} kind`);
      }
    }
  });
});

function findDescriptors(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '../../../protobuf/descriptors.json')];
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    candidates.push(join(dir, 'dist/protobuf/descriptors.json'));
    if (dirname(dir) === dir) break;
  }
  return candidates.find((c) => existsSync(c));
}
