import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LimitRange, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, ReplicationController, Secret, Service } from 'kubernetes-types/core/v1.js';
import {
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultPod,
  defaultPodTemplateSpec,
  defaultReplicationController,
  defaultResourceList,
  defaultSecret,
  defaultService,
  imageTag,
  prepareNamespaceForCreate,
} from './defaults.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

test('pod defaults match upstream', () => {
  const pod: Pod = {
    metadata: { name: 'p' },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'nginx',
          ports: [{ containerPort: 80 }],
          resources: { limits: { cpu: '500m', memory: '128Mi' } },
          env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          livenessProbe: { httpGet: { port: 80 } },
          readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
        },
      ],
      volumes: [{ name: 'v' }, { name: 's', secret: { secretName: 'x' } }, { name: 'cm', configMap: { name: 'y' } }],
    },
  };
  defaultPod(pod);
  const s = pod.spec!;
  assert.equal(s.restartPolicy, 'Always');
  assert.equal(s.dnsPolicy, 'ClusterFirst');
  assert.equal(s.schedulerName, 'default-scheduler');
  assert.equal(s.terminationGracePeriodSeconds, 30);
  assert.deepEqual(s.securityContext, {});
  assert.equal(s.enableServiceLinks, true);
  const c = s.containers[0]!;
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
  assert.equal(c.imagePullPolicy, 'Always');
  assert.equal(c.ports![0]!.protocol, 'TCP');
  assert.deepEqual(c.resources!.requests, { cpu: '500m', memory: '128Mi' });
  assert.equal(c.env![0]!.valueFrom!.fieldRef!.apiVersion, 'v1');
  assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.equal(c.readinessProbe!.periodSeconds, 5);
  assert.deepEqual(s.volumes![0], { name: 'v', emptyDir: {} });
  assert.equal(s.volumes![1]!.secret!.defaultMode, 420);
  assert.equal(s.volumes![2]!.configMap!.defaultMode, 420);
  // Idempotent.
  const once = JSON.stringify(pod);
  defaultPod(pod);
  assert.equal(JSON.stringify(pod), once);
});

test('image pull policy follows the tag', () => {
  const policy = (image: string): string => {
    const pod: Pod = { spec: { containers: [{ name: 'c', image }] } };
    defaultPod(pod);
    return pod.spec!.containers[0]!.imagePullPolicy!;
  };
  assert.equal(policy('nginx'), 'Always');
  assert.equal(policy('nginx:latest'), 'Always');
  assert.equal(policy('nginx:1.27'), 'IfNotPresent');
  assert.equal(policy('registry.local:5000/team/app'), 'Always');
  assert.equal(policy('registry.local:5000/team/app:v2'), 'IfNotPresent');
  assert.equal(policy(`busybox@sha256:${'a'.repeat(64)}`), 'IfNotPresent');
  assert.equal(policy('Bad/Name'), 'IfNotPresent');
  assert.equal(imageTag('localhost/img'), 'latest');
  const explicit: Pod = { spec: { containers: [{ name: 'c', image: 'nginx', imagePullPolicy: 'Never' }] } };
  defaultPod(explicit);
  assert.equal(explicit.spec!.containers[0]!.imagePullPolicy, 'Never');
});

test('pod templates get spec defaults but not the pod-only ones', () => {
  const tpl: any = { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: '1' } } }] } };
  defaultPodTemplateSpec(tpl);
  assert.equal(tpl.spec.restartPolicy, 'Always');
  assert.equal(tpl.spec.enableServiceLinks, undefined);
  assert.equal(tpl.spec.containers[0].resources.requests, undefined);
});

test('hostNetwork pods default hostPort to containerPort', () => {
  const pod: Pod = { spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 8080 }] }] } };
  defaultPod(pod);
  assert.equal(pod.spec!.containers[0]!.ports![0]!.hostPort, 8080);
});

test('pod status podIP/podIPs kept consistent', () => {
  const pod: any = { spec: { containers: [] }, status: { podIP: '10.0.0.5' } };
  defaultPod(pod);
  assert.deepEqual(pod.status.podIPs, [{ ip: '10.0.0.5' }]);
  const pod2: any = { spec: { containers: [] }, status: { hostIPs: [{ ip: '192.168.1.2' }] } };
  defaultPod(pod2);
  assert.equal(pod2.status.hostIP, '192.168.1.2');
});

test('projected and downward API volumes', () => {
  const pod: any = {
    spec: {
      containers: [],
      volumes: [
        {
          name: 'kube-api-access',
          projected: {
            sources: [{ serviceAccountToken: { path: 'token' } }, { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } }],
          },
        },
        { name: 'h', hostPath: { path: '/tmp' } },
      ],
    },
  };
  defaultPod(pod);
  const proj = pod.spec.volumes[0].projected;
  assert.equal(proj.defaultMode, 420);
  assert.equal(proj.sources[0].serviceAccountToken.expirationSeconds, 3600);
  assert.equal(proj.sources[1].downwardAPI.items[0].fieldRef.apiVersion, 'v1');
  assert.equal(pod.spec.volumes[1].hostPath.type, '');
});

test('resource lists round up to milli precision', () => {
  const list: any = { cpu: '0.1m', memory: '1Gi', bad: 'x' };
  defaultResourceList(list);
  assert.deepEqual(list, { cpu: '1m', memory: '1Gi', bad: 'x' });
});

test('service defaults', () => {
  const svc: Service = { spec: { ports: [{ port: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }] } };
  defaultService(svc);
  const s = svc.spec!;
  assert.equal(s.type, 'ClusterIP');
  assert.equal(s.sessionAffinity, 'None');
  assert.equal(s.internalTrafficPolicy, 'Cluster');
  assert.equal(s.externalTrafficPolicy, undefined);
  assert.deepEqual(s.ports![0], { port: 80, protocol: 'TCP', targetPort: 80 });
  assert.equal(s.ports![1]!.targetPort, 'dns');
  assert.equal(s.ipFamilyPolicy, undefined);

  const lb: Service = { spec: { type: 'LoadBalancer', ports: [{ port: 443 }], sessionAffinity: 'ClientIP' } };
  defaultService(lb);
  assert.equal(lb.spec!.externalTrafficPolicy, 'Cluster');
  assert.equal(lb.spec!.allocateLoadBalancerNodePorts, true);
  assert.deepEqual(lb.spec!.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });

  const en: Service = { spec: { type: 'ExternalName', externalName: 'example.com' } };
  defaultService(en);
  assert.equal(en.spec!.internalTrafficPolicy, undefined);

  const fixed: Service = { spec: { clusterIP: '10.96.0.10', ports: [{ port: 53 }] } };
  defaultService(fixed);
  assert.deepEqual(fixed.spec!.clusterIPs, ['10.96.0.10']);
});

test('replication controller defaults from the template', () => {
  const rc: ReplicationController = { metadata: { name: 'rc' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } };
  defaultReplicationController(rc);
  assert.equal(rc.spec!.replicas, 1);
  assert.deepEqual(rc.spec!.selector, { app: 'web' });
  assert.deepEqual(rc.metadata!.labels, { app: 'web' });
  assert.equal(rc.spec!.template!.spec!.dnsPolicy, 'ClusterFirst');
  const rc0: ReplicationController = { spec: { replicas: 0, selector: { x: 'y' }, template: { metadata: { labels: { app: 'web', x: 'y' } } } } };
  defaultReplicationController(rc0);
  assert.equal(rc0.spec!.replicas, 0);
  assert.deepEqual(rc0.spec!.selector, { x: 'y' });
});

test('namespace defaults and create preparation', () => {
  const ns: Namespace = { metadata: { name: 'team-a' } };
  defaultNamespace(ns);
  assert.equal(ns.metadata!.labels!['kubernetes.io/metadata.name'], 'team-a');
  assert.equal(ns.status!.phase, 'Active');
  assert.equal(ns.spec, undefined);
  prepareNamespaceForCreate(ns);
  assert.deepEqual(ns.spec!.finalizers, ['kubernetes']);
  const ns2: Namespace = { metadata: { name: 'b' }, spec: { finalizers: ['example.com/x'] } };
  prepareNamespaceForCreate(ns2);
  assert.deepEqual(ns2.spec!.finalizers, ['example.com/x', 'kubernetes']);
});

test('secret type and stringData', () => {
  const s: Secret = { metadata: { name: 's' }, stringData: { password: 'hunter2' } };
  defaultSecret(s);
  assert.equal(s.type, 'Opaque');
  assert.deepEqual(s.data, { password: Buffer.from('hunter2').toString('base64') });
  assert.equal(s.stringData, undefined);
});

test('persistent volumes and claims', () => {
  const pv: PersistentVolume = { spec: { capacity: { storage: '1Gi' }, hostPath: { path: '/data' } } };
  defaultPersistentVolume(pv);
  assert.equal(pv.spec!.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(pv.spec!.volumeMode, 'Filesystem');
  assert.equal(pv.status!.phase, 'Pending');
  const pvc: PersistentVolumeClaim = { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
  defaultPersistentVolumeClaim(pvc);
  assert.equal(pvc.spec!.volumeMode, 'Filesystem');
  assert.equal(pvc.status!.phase, 'Pending');
});

test('node allocatable and pod CIDRs', () => {
  const node: Node = { spec: { podCIDR: '10.244.1.0/24' }, status: { capacity: { cpu: '4', memory: '8Gi' } } };
  defaultNode(node);
  assert.deepEqual(node.spec!.podCIDRs, ['10.244.1.0/24']);
  assert.deepEqual(node.status!.allocatable, { cpu: '4', memory: '8Gi' });
});

test('limit range container defaults', () => {
  const lr: LimitRange = { spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' }, default: { memory: '256Mi' } }] } };
  defaultLimitRange(lr);
  const item = lr.spec!.limits[0]!;
  assert.deepEqual(item.default, { memory: '256Mi', cpu: '2' });
  assert.deepEqual(item.defaultRequest, { memory: '256Mi', cpu: '2' });
  const pod: LimitRange = { spec: { limits: [{ type: 'Pod', max: { cpu: '2' } }] } };
  defaultLimitRange(pod);
  assert.equal(pod.spec!.limits[0]!.default, undefined);
});
