import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject, Printer } from '../../types.js';
import {
  appsPrinters,
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from './printers.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();
const MIN = 60_000;

function cells<T>(p: Printer, obj: T): unknown[] {
  const out = p.cells(obj as unknown as KubeObject, NOW);
  assert.equal(out.length, p.columns.length, 'one cell per column');
  return out;
}
const names = (p: Printer) => p.columns.map((c) => c.name);
const wide = (p: Printer) => p.columns.filter((c) => c.priority === 1).map((c) => c.name);
const meta = (name: string) => ({ name, namespace: 'default', creationTimestamp: ago(5 * MIN) });
const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'nginx:1.25' }, { name: 'log', image: 'busybox' }] },
};

describe('apps/v1 printers', () => {
  it('deployments: READY ready/desired, selector string', () => {
    const d: Deployment = {
      metadata: meta('web'),
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] },
        template,
      },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    assert.deepEqual(names(deploymentPrinter), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
    assert.deepEqual(wide(deploymentPrinter), ['Containers', 'Images', 'Selector']);
    assert.equal(deploymentPrinter.columns[1]!.description, 'Number of the pod with ready state');
    assert.deepEqual(cells(deploymentPrinter, d), ['web', '2/3', 3, 2, '5m', 'app,log', 'nginx:1.25,busybox', 'app=web,tier in (be,fe)']);
  });

  it('deployments without status, with an empty or invalid selector', () => {
    const d: Deployment = { metadata: meta('web'), spec: { replicas: 0, selector: {}, template } };
    assert.deepEqual(cells(deploymentPrinter, d).slice(1, 4), ['0/0', 0, 0]);
    assert.equal(cells(deploymentPrinter, d)[7], '');
    const bad: Deployment = { metadata: meta('web'), spec: { selector: { matchExpressions: [{ key: 'a', operator: 'Nope' }] }, template } };
    assert.equal(cells(deploymentPrinter, bad)[7], '<invalid>');
  });

  it('replicasets', () => {
    const rs: ReplicaSet = {
      metadata: meta('web-abc'),
      spec: { replicas: 2, selector: { matchLabels: { app: 'web', 'pod-template-hash': 'abc' } }, template },
      status: { replicas: 2, readyReplicas: 1 },
    };
    assert.deepEqual(names(replicaSetPrinter), ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector']);
    assert.deepEqual(
      replicaSetPrinter.columns.slice(1, 4).map((c) => c.type),
      ['integer', 'integer', 'integer'],
    );
    assert.deepEqual(cells(replicaSetPrinter, rs), ['web-abc', 2, 2, 1, '5m', 'app,log', 'nginx:1.25,busybox', 'app=web,pod-template-hash=abc']);
    const empty: ReplicaSet = { metadata: meta('x'), spec: { replicas: 0, selector: {}, template: {} } };
    assert.deepEqual(cells(replicaSetPrinter, empty), ['x', 0, 0, 0, '5m', '', '', '<none>']);
  });

  it('statefulsets', () => {
    const s: StatefulSet = {
      metadata: meta('db'),
      spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template },
      status: { replicas: 3, readyReplicas: 3 },
    };
    assert.deepEqual(names(statefulSetPrinter), ['Name', 'Ready', 'Age', 'Containers', 'Images']);
    assert.deepEqual(cells(statefulSetPrinter, s), ['db', '3/3', '5m', 'app,log', 'nginx:1.25,busybox']);
  });

  it('daemonsets', () => {
    const ds: DaemonSet = {
      metadata: meta('agent'),
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { ...template, spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } },
      },
      status: {
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        numberReady: 2,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
        numberMisscheduled: 0,
      },
    };
    assert.deepEqual(names(daemonSetPrinter), [
      'Name',
      'Desired',
      'Current',
      'Ready',
      'Up-to-date',
      'Available',
      'Node Selector',
      'Age',
      'Containers',
      'Images',
      'Selector',
    ]);
    assert.deepEqual(cells(daemonSetPrinter, ds), [
      'agent',
      3,
      3,
      2,
      3,
      2,
      'kubernetes.io/os=linux',
      '5m',
      'app,log',
      'nginx:1.25,busybox',
      'app=agent',
    ]);
    const bare: DaemonSet = { metadata: meta('x'), spec: { selector: {}, template: {} } };
    assert.deepEqual(cells(daemonSetPrinter, bare), ['x', 0, 0, 0, 0, 0, '<none>', '5m', '', '', '<none>']);
  });

  it('controllerrevisions print the controller as kind.group/name', () => {
    const cr: ControllerRevision = {
      metadata: {
        ...meta('web-7f9c'),
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Pod', name: 'other', uid: '1' },
          { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: '2', controller: true },
        ],
      },
      revision: 4,
    };
    assert.deepEqual(names(controllerRevisionPrinter), ['Name', 'Controller', 'Revision', 'Age']);
    assert.deepEqual(cells(controllerRevisionPrinter, cr), ['web-7f9c', 'statefulset.apps/web', 4, '5m']);
    const core: ControllerRevision = {
      metadata: { ...meta('x'), ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: '1', controller: true }] },
      revision: 1,
    };
    assert.equal(cells(controllerRevisionPrinter, core)[1], 'pod/p');
    assert.equal(cells(controllerRevisionPrinter, { metadata: meta('y'), revision: 2 })[1], '<none>');
  });

  it('registers every apps printer by resource', () => {
    assert.deepEqual(Object.keys(appsPrinters).sort(), ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets']);
  });
});
