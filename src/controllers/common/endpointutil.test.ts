import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Indexer, Lister } from '../../client/informer.js';
import { ServiceSelectorCache, findPort, servicesToUpdateOnPodChange, type ServiceObj } from './endpointutil.js';

const pod = (labels: Record<string, string>, rv: string, ready = true): Pod => ({
  metadata: { name: 'p', namespace: 'ns', labels, resourceVersion: rv },
  spec: {
    containers: [{ name: 'a', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }],
    initContainers: [{ name: 'side', image: 'x', restartPolicy: 'Always', ports: [{ name: 'admin', containerPort: 9000 }] }],
  },
  status: { podIP: '10.42.0.2', podIPs: [{ ip: '10.42.0.2' }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

const service = (name: string, selector?: Record<string, string>): ServiceObj => ({ metadata: { name, namespace: 'ns' }, spec: { selector } });

describe('findPort', () => {
  it('answers numeric targets as is and looks named ones up by name and protocol', () => {
    const p = pod({}, '1');
    assert.equal(findPort(p, { port: 80, targetPort: 8081 }), 8081);
    assert.equal(findPort(p, { port: 80 }), 80);
    assert.equal(findPort(p, { port: 80, targetPort: 'http', protocol: 'TCP' }), 8080);
    assert.equal(findPort(p, { port: 80, targetPort: 'http', protocol: 'UDP' }), undefined);
    assert.equal(findPort(p, { port: 80, targetPort: 'admin' }), 9000, 'sidecar ports count');
    assert.equal(findPort(p, { port: 80, targetPort: 'nope' }), undefined);
  });
});

describe('servicesToUpdateOnPodChange', () => {
  const idx = new Indexer<ServiceObj>();
  for (const s of [service('a', { app: 'a' }), service('b', { app: 'b' }), service('all', {}), service('manual')]) idx.set(`ns/${s.metadata!.name}`, s);
  const lister = new Lister(idx);
  const cache = new ServiceSelectorCache();

  it('ignores resyncs and changes that do not touch endpoints', () => {
    assert.deepEqual([...servicesToUpdateOnPodChange(lister, cache, pod({ app: 'a' }, '1'), pod({ app: 'a' }, '1', false))], []);
    assert.deepEqual([...servicesToUpdateOnPodChange(lister, cache, pod({ app: 'a' }, '1'), pod({ app: 'a' }, '2'))], []);
  });

  it('answers the Services selecting the pod when readiness changes (never selector-less ones)', () => {
    assert.deepEqual([...servicesToUpdateOnPodChange(lister, cache, pod({ app: 'a' }, '1'), pod({ app: 'a' }, '2', false))].sort(), ['ns/a', 'ns/all']);
  });

  it('answers the Services gained or lost when only labels change, all of them when the pod changed too', () => {
    assert.deepEqual([...servicesToUpdateOnPodChange(lister, cache, pod({ app: 'a' }, '1'), pod({ app: 'b' }, '2'))].sort(), ['ns/a', 'ns/b']);
    assert.deepEqual([...servicesToUpdateOnPodChange(lister, cache, pod({ app: 'a' }, '1'), pod({ app: 'b' }, '2', false))].sort(), ['ns/a', 'ns/all', 'ns/b']);
  });
});
