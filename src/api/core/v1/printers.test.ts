import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  ConfigMap,
  ContainerStatus,
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
import type { KubeObject, Printer } from '../../types.js';
import {
  CREATION_TIMESTAMP_DESCRIPTION,
  NAME_DESCRIPTION,
  configMapPrinter,
  endpointsPrinter,
  eventPrinter,
  formatLabelSelector,
  formatLabels,
  labelSelectorString,
  namespacePrinter,
  nodePrinter,
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  podPrinter,
  podTemplatePrinter,
  replicationControllerPrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
  servicePrinter,
  timestampSince,
} from './printers.js';

const NOW = new Date('2024-05-01T12:00:00Z');
/** RFC 3339 time `ms` milliseconds before NOW. */
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString().replace('.000Z', 'Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function cells<T>(p: Printer, obj: T): unknown[] {
  const out = p.cells(obj as unknown as KubeObject, NOW);
  assert.equal(out.length, p.columns.length, 'one cell per column');
  return out;
}
const names = (p: Printer) => p.columns.map((c) => c.name);
const wide = (p: Printer) => p.columns.filter((c) => c.priority === 1).map((c) => c.name);

const meta = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  namespace: 'default',
  creationTimestamp: ago(5 * MIN),
  ...extra,
});

describe('shared helpers', () => {
  it('timestampSince prints human durations and <unknown> for unset times', () => {
    assert.equal(timestampSince(ago(5 * MIN), NOW), '5m');
    assert.equal(timestampSince(ago(30 * 1000), NOW), '30s');
    assert.equal(timestampSince(ago(3 * DAY), NOW), '3d');
    assert.equal(timestampSince(undefined, NOW), '<unknown>');
    assert.equal(timestampSince(null, NOW), '<unknown>');
    assert.equal(timestampSince('', NOW), '<unknown>');
  });

  it('timestampSince accepts MicroTime', () => {
    assert.equal(timestampSince(new Date(NOW.getTime() - 90_000).toISOString().replace('Z', '123Z'), NOW), '90s');
  });

  it('formatLabels sorts and prints <none> for empty', () => {
    assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
    assert.equal(formatLabels({}), '<none>');
    assert.equal(formatLabels(undefined), '<none>');
  });

  it('label selectors print like metav1.FormatLabelSelector', () => {
    assert.equal(formatLabelSelector({ matchLabels: { app: 'web', tier: 'fe' } }), 'app=web,tier=fe');
    assert.equal(
      formatLabelSelector({
        matchLabels: { z: '1' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'dev'] },
          { key: 'gone', operator: 'DoesNotExist' },
          { key: 'has', operator: 'Exists' },
          { key: 'not', operator: 'NotIn', values: ['x'] },
        ],
      }),
      'env in (dev,prod),!gone,has,not notin (x),z=1',
    );
    assert.equal(formatLabelSelector({}), '<none>');
    assert.equal(formatLabelSelector(undefined), '<none>');
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }), '<error>');
    assert.equal(labelSelectorString(undefined), '');
    assert.equal(labelSelectorString({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), undefined);
  });
});

describe('pods', () => {
  const pod = (p: Partial<Pod> & { status?: Pod['status'] }): Pod => ({
    metadata: meta('web-0'),
    spec: { containers: [{ name: 'app', image: 'nginx' }, { name: 'side', image: 'busybox' }] },
    ...p,
  });
  const running = (name: string, ready: boolean, restartCount = 0, extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
    name,
    image: 'x',
    imageID: '',
    ready,
    restartCount,
    state: { running: { startedAt: ago(10 * MIN) } },
    ...extra,
  });

  it('has upstream columns', () => {
    assert.deepEqual(names(podPrinter), [
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
      'IP',
      'Node',
      'Nominated Node',
      'Readiness Gates',
    ]);
    assert.deepEqual(wide(podPrinter), ['IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    assert.deepEqual(podPrinter.columns[0], {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: NAME_DESCRIPTION,
      priority: 0,
    });
    assert.deepEqual(podPrinter.columns[3], {
      name: 'Restarts',
      type: 'string',
      description:
        'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      priority: 0,
    });
    assert.deepEqual(podPrinter.columns[4], {
      name: 'Age',
      type: 'string',
      description: CREATION_TIMESTAMP_DESCRIPTION,
      priority: 0,
    });
  });

  it('prints a running pod with one ready container', () => {
    const p = pod({
      spec: { containers: [{ name: 'app', image: 'nginx' }, { name: 'side', image: 'busybox' }], nodeName: 'n1' },
      status: {
        phase: 'Running',
        podIP: '10.0.0.5',
        podIPs: [{ ip: '10.0.0.5' }],
        containerStatuses: [running('app', true), running('side', false)],
      },
    });
    assert.deepEqual(cells(podPrinter, p), ['web-0', '1/2', 'Running', '0', '5m', '10.0.0.5', 'n1', '<none>', '<none>']);
  });

  it('prints <none> for missing IP, node and nominated node', () => {
    const c = cells(podPrinter, pod({ status: { phase: 'Pending' } }));
    assert.deepEqual(c.slice(1), ['0/2', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
  });

  it('uses status.podIPs[0], not podIP', () => {
    const c = cells(podPrinter, pod({ status: { phase: 'Running', podIP: '10.0.0.9' } }));
    assert.equal(c[5], '<none>');
  });

  it('prints the waiting reason (ContainerCreating)', () => {
    const c = cells(
      podPrinter,
      pod({
        status: {
          phase: 'Pending',
          containerStatuses: [
            { name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
          ],
        },
      }),
    );
    assert.equal(c[2], 'ContainerCreating');
  });

  it('prints CrashLoopBackOff with restarts and the last restart time', () => {
    const c = cells(
      podPrinter,
      pod({
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'app',
              image: 'x',
              imageID: '',
              ready: false,
              restartCount: 3,
              state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
              lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(5 * MIN) } },
            },
            running('side', true, 2, {
              lastState: { terminated: { exitCode: 137, finishedAt: ago(2 * HOUR) } },
            }),
          ],
        },
      }),
    );
    assert.deepEqual(c.slice(1, 4), ['1/2', 'CrashLoopBackOff', '5 (5m ago)']);
  });

  it('prints a bare restart count when no termination time is known', () => {
    const c = cells(podPrinter, pod({ status: { phase: 'Running', containerStatuses: [running('app', true, 4)] } }));
    assert.equal(c[3], '4');
  });

  it('prints Completed for a succeeded pod', () => {
    const c = cells(
      podPrinter,
      pod({
        spec: { containers: [{ name: 'app' }] },
        status: {
          phase: 'Succeeded',
          containerStatuses: [
            { name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          ],
        },
      }),
    );
    assert.deepEqual(c.slice(1, 4), ['0/1', 'Completed', '0']);
  });

  it('prints Running / NotReady when a container completed but another still runs', () => {
    const statuses: ContainerStatus[] = [
      running('side', true),
      { name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
    ];
    const ready = cells(
      podPrinter,
      pod({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: statuses } }),
    );
    assert.equal(ready[2], 'Running');
    const notReady = cells(podPrinter, pod({ status: { phase: 'Running', containerStatuses: statuses } }));
    assert.equal(notReady[2], 'NotReady');
  });

  it('prints ExitCode and Signal for terminated containers without a reason', () => {
    const term = (t: { exitCode: number; signal?: number }) =>
      cells(
        podPrinter,
        pod({
          status: {
            phase: 'Failed',
            containerStatuses: [{ name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: t } }],
          },
        }),
      )[2];
    assert.equal(term({ exitCode: 2 }), 'ExitCode:2');
    assert.equal(term({ exitCode: 137, signal: 9 }), 'Signal:9');
  });

  describe('init containers', () => {
    const withInit = (initStatuses: ContainerStatus[], initCount = 2, extra: Partial<NonNullable<Pod['status']>> = {}) =>
      pod({
        spec: {
          initContainers: Array.from({ length: initCount }, (_, i) => ({ name: `init${i}`, image: 'busybox' })),
          containers: [{ name: 'app', image: 'nginx' }],
        },
        status: {
          phase: 'Pending',
          initContainerStatuses: initStatuses,
          containerStatuses: [
            { name: 'app', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
          ],
          ...extra,
        },
      });
    const initStatus = (name: string, state: ContainerStatus['state'], restartCount = 0): ContainerStatus => ({
      name,
      image: 'busybox',
      imageID: '',
      ready: false,
      restartCount,
      state,
    });

    it('prints Init:i/n while an init container runs or waits to initialize', () => {
      const c = cells(
        podPrinter,
        withInit([initStatus('init0', { running: { startedAt: ago(MIN) } }), initStatus('init1', { waiting: { reason: 'PodInitializing' } })]),
      );
      assert.deepEqual(c.slice(1, 4), ['0/1', 'Init:0/2', '0']);
      const second = cells(
        podPrinter,
        withInit([initStatus('init0', { terminated: { exitCode: 0, reason: 'Completed' } }), initStatus('init1', { waiting: { reason: 'PodInitializing' } })]),
      );
      assert.equal(second[2], 'Init:1/2');
    });

    it('prints Init:<reason> for a waiting or failed init container', () => {
      assert.equal(cells(podPrinter, withInit([initStatus('init0', { waiting: { reason: 'ImagePullBackOff' } })]))[2], 'Init:ImagePullBackOff');
      assert.equal(cells(podPrinter, withInit([initStatus('init0', { terminated: { exitCode: 1, reason: 'Error' } }, 2)]))[2], 'Init:Error');
      assert.equal(cells(podPrinter, withInit([initStatus('init0', { terminated: { exitCode: 3 } })]))[2], 'Init:ExitCode:3');
      assert.equal(cells(podPrinter, withInit([initStatus('init0', { terminated: { exitCode: 3, signal: 15 } })]))[2], 'Init:Signal:15');
    });

    it('counts init container restarts while initializing', () => {
      const c = cells(
        podPrinter,
        withInit([
          {
            ...initStatus('init0', { waiting: { reason: 'CrashLoopBackOff' } }, 4),
            lastState: { terminated: { exitCode: 1, finishedAt: ago(2 * MIN) } },
          },
        ]),
      );
      assert.deepEqual(c.slice(2, 4), ['Init:CrashLoopBackOff', '4 (2m ago)']);
    });

    it('prints container states once the Initialized condition is true', () => {
      const c = cells(
        podPrinter,
        withInit([initStatus('init0', { waiting: { reason: 'ImagePullBackOff' } })], 1, {
          conditions: [{ type: 'Initialized', status: 'True' }],
        }),
      );
      assert.equal(c[2], 'PodInitializing');
    });

    it('counts restartable (sidecar) init containers in READY and RESTARTS', () => {
      const p = pod({
        spec: {
          initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }],
          containers: [{ name: 'app', image: 'nginx' }],
        },
        status: {
          phase: 'Running',
          initContainerStatuses: [
            {
              ...initStatus('proxy', { running: { startedAt: ago(MIN) } }, 1),
              started: true,
              ready: true,
              lastState: { terminated: { exitCode: 1, finishedAt: ago(3 * MIN) } },
            },
          ],
          containerStatuses: [running('app', true)],
        },
      });
      assert.deepEqual(cells(podPrinter, p).slice(1, 4), ['2/2', 'Running', '1 (3m ago)']);
    });
  });

  it('prints Terminating when a deletion timestamp is set', () => {
    const c = cells(
      podPrinter,
      pod({ metadata: meta('web-0', { deletionTimestamp: ago(MIN) }), status: { phase: 'Running', containerStatuses: [running('app', true)] } }),
    );
    assert.equal(c[2], 'Terminating');
  });

  it('keeps the terminal reason of a deleted pod that already finished', () => {
    const c = cells(
      podPrinter,
      pod({ metadata: meta('web-0', { deletionTimestamp: ago(MIN) }), status: { phase: 'Failed', reason: 'Evicted' } }),
    );
    assert.equal(c[2], 'Evicted');
  });

  it('prints Unknown for a deleted pod on a lost node', () => {
    const c = cells(
      podPrinter,
      pod({
        metadata: meta('web-0', { deletionTimestamp: ago(MIN) }),
        status: { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('app', true)] },
      }),
    );
    assert.equal(c[2], 'Unknown');
  });

  it('prints the pod status reason (NodeLost) when not deleted', () => {
    const c = cells(podPrinter, pod({ status: { phase: 'Running', reason: 'NodeLost' } }));
    assert.equal(c[2], 'NodeLost');
  });

  it('prints SchedulingGated', () => {
    const c = cells(
      podPrinter,
      pod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } }),
    );
    assert.equal(c[2], 'SchedulingGated');
  });

  it('prints readiness gates as true/total', () => {
    const c = cells(
      podPrinter,
      pod({
        spec: {
          containers: [{ name: 'app' }],
          readinessGates: [{ conditionType: 'example.com/a' }, { conditionType: 'example.com/b' }],
        },
        status: {
          phase: 'Running',
          nominatedNodeName: 'n2',
          conditions: [
            { type: 'example.com/a', status: 'True' },
            { type: 'example.com/b', status: 'False' },
          ],
        },
      }),
    );
    assert.deepEqual(c.slice(7), ['n2', '1/2']);
  });

  it('prints <unknown> age without a creation timestamp', () => {
    const c = cells(podPrinter, { metadata: { name: 'x' } });
    assert.deepEqual(c, ['x', '0/0', '', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>']);
  });
});

describe('services', () => {
  const svc = (spec: Service['spec'], status?: Service['status']): Service => ({ metadata: meta('web'), spec, status });

  it('has upstream columns', () => {
    assert.deepEqual(names(servicePrinter), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
    assert.deepEqual(wide(servicePrinter), ['Selector']);
  });

  it('prints a ClusterIP service', () => {
    const c = cells(
      servicePrinter,
      svc({
        type: 'ClusterIP',
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        ports: [
          { port: 80, protocol: 'TCP', targetPort: 8080 },
          { port: 53, protocol: 'UDP' },
        ],
        selector: { app: 'web', tier: 'fe' },
      }),
    );
    assert.deepEqual(c, ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP,53/UDP', '5m', 'app=web,tier=fe']);
  });

  it('prints node ports and external IPs', () => {
    const c = cells(
      servicePrinter,
      svc({
        type: 'NodePort',
        clusterIPs: ['10.96.0.11'],
        externalIPs: ['1.2.3.4', '5.6.7.8'],
        ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }],
      }),
    );
    assert.deepEqual(c.slice(1, 5), ['NodePort', '10.96.0.11', '1.2.3.4,5.6.7.8', '80:30080/TCP']);
    assert.equal(c[6], '<none>');
  });

  it('prints <pending> for a LoadBalancer without ingress', () => {
    const c = cells(servicePrinter, svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.12'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] }));
    assert.deepEqual(c.slice(1, 5), ['LoadBalancer', '10.96.0.12', '<pending>', '443:31443/TCP']);
  });

  it('prints LoadBalancer ingress (sorted, unique, unclipped) before external IPs', () => {
    const spec: Service['spec'] = { type: 'LoadBalancer', clusterIPs: ['10.96.0.12'], ports: [{ port: 80, protocol: 'TCP' }] };
    const status: Service['status'] = {
      loadBalancer: { ingress: [{ ip: '192.168.10.20' }, { hostname: 'a-very-long-hostname.example.com' }, { ip: '192.168.10.20' }] },
    };
    assert.equal(cells(servicePrinter, svc(spec, status))[3], '192.168.10.20,a-very-long-hostname.example.com');
    assert.equal(
      cells(servicePrinter, svc({ ...spec, externalIPs: ['9.9.9.9'] }, status))[3],
      '192.168.10.20,a-very-long-hostname.example.com,9.9.9.9',
    );
    assert.equal(cells(servicePrinter, svc({ ...spec, externalIPs: ['9.9.9.9'] }))[3], '9.9.9.9');
  });

  it('prints ExternalName, headless and port-less services', () => {
    const ext = cells(servicePrinter, svc({ type: 'ExternalName', externalName: 'db.example.com' }));
    assert.deepEqual(ext.slice(1, 5), ['ExternalName', '<none>', 'db.example.com', '<none>']);
    const headless = cells(servicePrinter, svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] }));
    assert.deepEqual(headless.slice(1, 5), ['ClusterIP', 'None', '<none>', '<none>']);
    assert.equal(cells(servicePrinter, svc({}))[3], '<unknown>');
  });
});

describe('endpoints', () => {
  it('prints up to three endpoints and a remainder', () => {
    const ep: Endpoints = {
      metadata: meta('web'),
      subsets: [
        {
          addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }],
          ports: [{ port: 80 }, { port: 443 }],
        },
      ],
    };
    assert.deepEqual(names(endpointsPrinter), ['Name', 'Endpoints', 'Age']);
    assert.deepEqual(cells(endpointsPrinter, ep), ['web', '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...', '5m']);
  });

  it('prints port-less addresses, IPv6 brackets and <none>', () => {
    assert.equal(cells(endpointsPrinter, { metadata: meta('a'), subsets: [{ addresses: [{ ip: '10.0.0.1' }] }] })[1], '10.0.0.1');
    assert.equal(
      cells(endpointsPrinter, { metadata: meta('a'), subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }] })[1],
      '[fd00::1]:80',
    );
    assert.equal(cells(endpointsPrinter, { metadata: meta('a') })[1], '<none>');
    assert.equal(cells(endpointsPrinter, { metadata: meta('a'), subsets: [{ ports: [{ port: 80 }] }] })[1], '');
  });
});

describe('nodes', () => {
  const node = (n: Partial<Node>): Node => ({ metadata: { name: 'n1', creationTimestamp: ago(3 * DAY) }, ...n });

  it('has upstream columns', () => {
    assert.deepEqual(names(nodePrinter), [
      'Name',
      'Status',
      'Roles',
      'Age',
      'Version',
      'Internal-IP',
      'External-IP',
      'OS-Image',
      'Kernel-Version',
      'Container-Runtime',
    ]);
    assert.deepEqual(wide(nodePrinter), ['Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']);
  });

  it('prints a ready control-plane node', () => {
    const c = cells(
      nodePrinter,
      node({
        metadata: {
          name: 'n1',
          creationTimestamp: ago(3 * DAY),
          labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/etcd': 'true', 'kubernetes.io/role': 'master' },
        },
        status: {
          conditions: [
            { type: 'MemoryPressure', status: 'False' },
            { type: 'Ready', status: 'True' },
          ],
          addresses: [
            { type: 'InternalIP', address: '192.168.1.10' },
            { type: 'Hostname', address: 'n1' },
          ],
          nodeInfo: {
            architecture: 'amd64',
            bootID: '',
            containerRuntimeVersion: 'containerd://1.7.0',
            kernelVersion: '6.1.0',
            kubeProxyVersion: '',
            kubeletVersion: 'v1.32.0',
            machineID: '',
            operatingSystem: 'linux',
            osImage: 'Debian GNU/Linux 12 (bookworm)',
            systemUUID: '',
          },
        },
      }),
    );
    assert.deepEqual(c, [
      'n1',
      'Ready',
      'control-plane,etcd,master',
      '3d',
      'v1.32.0',
      '192.168.1.10',
      '<none>',
      'Debian GNU/Linux 12 (bookworm)',
      '6.1.0',
      'containerd://1.7.0',
    ]);
  });

  it('prints NotReady, Unknown and SchedulingDisabled', () => {
    assert.equal(cells(nodePrinter, node({ status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }))[1], 'NotReady');
    const c = cells(nodePrinter, node({ spec: { unschedulable: true } }));
    assert.deepEqual(c.slice(1, 3), ['Unknown,SchedulingDisabled', '<none>']);
    assert.deepEqual(c.slice(4), ['', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  });
});

describe('events', () => {
  it('has upstream columns (Name last, wide)', () => {
    assert.deepEqual(names(eventPrinter), [
      'Last Seen',
      'Type',
      'Reason',
      'Object',
      'Subobject',
      'Source',
      'Message',
      'First Seen',
      'Count',
      'Name',
    ]);
    assert.deepEqual(wide(eventPrinter), ['Subobject', 'Source', 'First Seen', 'Count', 'Name']);
    assert.equal(eventPrinter.columns[9]!.format, 'name');
  });

  it('prints a classic event', () => {
    const ev: Event = {
      metadata: meta('web-0.17a'),
      involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default', fieldPath: 'spec.containers{app}' },
      reason: 'Pulled',
      message: '  Container image "nginx" already present on machine\n',
      type: 'Normal',
      source: { component: 'kubelet', host: 'n1' },
      firstTimestamp: ago(10 * MIN),
      lastTimestamp: ago(2 * MIN),
      count: 3,
    };
    assert.deepEqual(cells(eventPrinter, ev), [
      '2m',
      'Normal',
      'Pulled',
      'pod/web-0',
      'spec.containers{app}',
      'kubelet, n1',
      'Container image "nginx" already present on machine',
      '10m',
      3,
      'web-0.17a',
    ]);
  });

  it('falls back to eventTime, series and reporting fields', () => {
    const ev: Event = {
      metadata: meta('e'),
      involvedObject: { kind: 'Node' },
      eventTime: ago(20 * MIN),
      series: { count: 7, lastObservedTime: ago(MIN) },
      reportingComponent: 'scheduler',
      reportingInstance: 'sched-1',
    };
    const c = cells(eventPrinter, ev);
    assert.deepEqual([c[0], c[3], c[5], c[7], c[8]], ['60s', 'node', 'scheduler, sched-1', '20m', 7]);
  });

  it('prints count 1 for singleton events and <unknown> without times', () => {
    const c = cells(eventPrinter, { metadata: meta('e'), involvedObject: {} });
    assert.deepEqual(c, ['<unknown>', '', '', '', '', '', '', '<unknown>', 1, 'e']);
  });
});

describe('simple core printers', () => {
  it('namespaces', () => {
    const ns: Namespace = { metadata: { name: 'kube-system', creationTimestamp: ago(2 * HOUR) }, status: { phase: 'Active' } };
    assert.deepEqual(names(namespacePrinter), ['Name', 'Status', 'Age']);
    assert.deepEqual(cells(namespacePrinter, ns), ['kube-system', 'Active', '120m']);
  });

  it('configmaps count data and binaryData', () => {
    const cm: ConfigMap = { metadata: meta('cfg'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } };
    assert.deepEqual(names(configMapPrinter), ['Name', 'Data', 'Age']);
    assert.deepEqual(cells(configMapPrinter, cm), ['cfg', 3, '5m']);
    assert.deepEqual(cells(configMapPrinter, { metadata: meta('empty') }), ['empty', 0, '5m']);
  });

  it('secrets', () => {
    const s: Secret = { metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } };
    assert.deepEqual(names(secretPrinter), ['Name', 'Type', 'Data', 'Age']);
    assert.deepEqual(cells(secretPrinter, s), ['tls', 'kubernetes.io/tls', 2, '5m']);
  });

  it('serviceaccounts', () => {
    const sa: ServiceAccount = { metadata: meta('default'), secrets: [{ name: 'a' }] };
    assert.deepEqual(names(serviceAccountPrinter), ['Name', 'Secrets', 'Age']);
    assert.deepEqual(cells(serviceAccountPrinter, sa), ['default', 1, '5m']);
    assert.deepEqual(cells(serviceAccountPrinter, { metadata: meta('x') }), ['x', 0, '5m']);
  });

  it('podtemplates', () => {
    const pt: PodTemplate = {
      metadata: meta('tpl'),
      template: {
        metadata: { labels: { app: 'web', run: 'x' } },
        spec: { containers: [{ name: 'a', image: 'nginx:1' }, { name: 'b', image: 'busybox' }] },
      },
    };
    assert.deepEqual(names(podTemplatePrinter), ['Name', 'Containers', 'Images', 'Pod Labels']);
    assert.deepEqual(cells(podTemplatePrinter, pt), ['tpl', 'a,b', 'nginx:1,busybox', 'app=web,run=x']);
  });

  it('replicationcontrollers', () => {
    const rc: ReplicationController = {
      metadata: meta('rc'),
      spec: {
        replicas: 3,
        selector: { app: 'web' },
        template: { spec: { containers: [{ name: 'app', image: 'nginx' }] } },
      },
      status: { replicas: 3, readyReplicas: 2 },
    };
    assert.deepEqual(names(replicationControllerPrinter), ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector']);
    assert.deepEqual(wide(replicationControllerPrinter), ['Containers', 'Images', 'Selector']);
    assert.deepEqual(cells(replicationControllerPrinter, rc), ['rc', 3, 3, 2, '5m', 'app', 'nginx', 'app=web']);
  });

  it('resourcequotas split requests and limits', () => {
    const rq: ResourceQuota = {
      metadata: meta('q'),
      status: {
        hard: { 'limits.cpu': '2', 'requests.memory': '1Gi', pods: '10', 'limits.memory': '2048Mi' },
        used: { 'limits.cpu': '500m', 'requests.memory': '512Mi', pods: '3' },
      },
    };
    assert.deepEqual(names(resourceQuotaPrinter), ['Name', 'Request', 'Limit', 'Age']);
    assert.deepEqual(cells(resourceQuotaPrinter, rq), [
      'q',
      'pods: 3/10, requests.memory: 512Mi/1Gi',
      'limits.cpu: 500m/2, limits.memory: 0/2Gi',
      '5m',
    ]);
  });
});

describe('persistent volumes', () => {
  it('prints a bound PV', () => {
    const pv: PersistentVolume = {
      metadata: { name: 'pv1', creationTimestamp: ago(HOUR) },
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        claimRef: { namespace: 'default', name: 'data' },
        storageClassName: 'fast',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound' },
    };
    assert.deepEqual(names(persistentVolumePrinter), [
      'Name',
      'Capacity',
      'Access Modes',
      'Reclaim Policy',
      'Status',
      'Claim',
      'StorageClass',
      'VolumeAttributesClass',
      'Reason',
      'Age',
      'VolumeMode',
    ]);
    assert.deepEqual(wide(persistentVolumePrinter), ['VolumeMode']);
    assert.deepEqual(cells(persistentVolumePrinter, pv), [
      'pv1',
      '10Gi',
      'RWO,RWX',
      'Retain',
      'Bound',
      'default/data',
      'fast',
      '<unset>',
      '',
      '60m',
      'Filesystem',
    ]);
  });

  it('prints Terminating, the beta class annotation and defaults', () => {
    const pv: PersistentVolume = {
      metadata: {
        name: 'pv2',
        creationTimestamp: ago(HOUR),
        deletionTimestamp: ago(MIN),
        annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' },
      },
      spec: { storageClassName: 'ignored' },
      status: { phase: 'Released', reason: 'Oops' },
    };
    assert.deepEqual(cells(persistentVolumePrinter, pv), ['pv2', '0', '', '', 'Terminating', '', 'legacy', '<unset>', 'Oops', '60m', '<unset>']);
  });

  it('prints PVC capacity and access modes only once bound', () => {
    const pvc: PersistentVolumeClaim = {
      metadata: meta('data'),
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'fast' },
      status: { phase: 'Pending' },
    };
    assert.deepEqual(names(persistentVolumeClaimPrinter), [
      'Name',
      'Status',
      'Volume',
      'Capacity',
      'Access Modes',
      'StorageClass',
      'VolumeAttributesClass',
      'Age',
      'VolumeMode',
    ]);
    assert.deepEqual(cells(persistentVolumeClaimPrinter, pvc), ['data', 'Pending', '', '', '', 'fast', '<unset>', '5m', '<unset>']);
    const bound: PersistentVolumeClaim = {
      ...pvc,
      spec: { ...pvc.spec, volumeName: 'pv1', volumeMode: 'Block', volumeAttributesClassName: 'gold' },
      status: { phase: 'Bound', accessModes: ['ReadWriteOnce', 'ReadWriteOncePod'], capacity: { storage: '1024Mi' } },
    };
    assert.deepEqual(cells(persistentVolumeClaimPrinter, bound), ['data', 'Bound', 'pv1', '1Gi', 'RWO,RWOP', 'fast', 'gold', '5m', 'Block']);
  });
});
