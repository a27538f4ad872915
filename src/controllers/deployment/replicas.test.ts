import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DeploymentObj, ReplicaSetObj } from './types.js';
import { isSaturated, maxSurge, maxUnavailable, newRSNewReplicas, proportion, resolveFenceposts, scaledValue } from './replicas.js';
import {
  CHANGE_CAUSE,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  REVISION,
  REVISION_HISTORY,
  lastRevision,
  maxRevision,
  setDeploymentAnnotationsTo,
  setNewReplicaSetAnnotations,
} from './annotations.js';

function dep(replicas: number, surge: number | string, unavailable: number | string, extra: Partial<DeploymentObj['spec']> = {}): DeploymentObj {
  return {
    metadata: { name: 'd', namespace: 'ns', uid: 'd-uid', generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'a' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
      template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
      ...extra,
    },
  };
}

function rs(name: string, replicas: number, annotations: Record<string, string> = {}, available = replicas): ReplicaSetObj {
  return { metadata: { name, namespace: 'ns', uid: `${name}-uid`, annotations }, spec: { replicas, selector: {} }, status: { replicas, availableReplicas: available } };
}

describe('int-or-percent and fenceposts', () => {
  it('rounds surge up and unavailable down', () => {
    assert.equal(scaledValue('25%', 10, true), 3);
    assert.equal(scaledValue('25%', 10, false), 2);
    assert.equal(scaledValue(3, 10, true), 3);
    assert.equal(scaledValue('0%', 10, true), 0);
    assert.throws(() => scaledValue('25', 10, true), /not a percentage/);
  });

  it('resolves both to at least one moving replica (upstream cases)', () => {
    assert.deepEqual(resolveFenceposts('0%', '1%', 2), [0, 1]);
    assert.deepEqual(resolveFenceposts('1%', '25%', 2), [1, 0]);
    assert.deepEqual(resolveFenceposts('1%', '0%', 1), [1, 0]);
    assert.deepEqual(resolveFenceposts('0%', '0%', 10), [0, 1]);
    assert.deepEqual(resolveFenceposts(1, 1, 4), [1, 1]);
  });

  it('maxUnavailable is capped at replicas and 0 for Recreate or zero replicas', () => {
    assert.equal(maxUnavailable(dep(4, 1, 1)), 1);
    assert.equal(maxUnavailable(dep(2, 0, 5)), 2);
    assert.equal(maxUnavailable(dep(0, 1, 1)), 0);
    const recreate = dep(4, 1, 1, { strategy: { type: 'Recreate' } });
    assert.equal(maxUnavailable(recreate), 0);
    assert.equal(maxSurge(recreate), 0);
    assert.equal(maxSurge(dep(10, '25%', '25%')), 3);
  });
});

describe('new ReplicaSet size and proportions', () => {
  it('newRSNewReplicas respects surge and never exceeds replicas', () => {
    const d = dep(4, 1, 1);
    const oldRS = rs('old', 4);
    const newRS = rs('new', 0);
    assert.equal(newRSNewReplicas(d, [oldRS, newRS], newRS), 1);
    assert.equal(newRSNewReplicas(d, [rs('old', 3), rs('new', 2)], rs('new', 2)), 2);
    assert.equal(newRSNewReplicas(d, [rs('old', 0), rs('new', 3)], rs('new', 3)), 4);
    assert.equal(newRSNewReplicas(dep(4, 1, 1, { strategy: { type: 'Recreate' } }), [newRS], newRS), 4);
  });

  it('proportion follows max-replicas annotations (upstream GetProportion cases)', () => {
    // Deployment scaled from 10 (+3 surge) to 20 (+5 surge): an RS holding 6 of the old 13 gets its share.
    const d = dep(20, '25%', '25%');
    const r = rs('a', 6, { [MAX_REPLICAS]: '13' });
    assert.equal(proportion(r, d, 12, 0), 6);
    assert.equal(proportion(r, d, 12, 10), 2);
    assert.equal(proportion(rs('z', 0), d, 12, 0), 0);
    // Scaling down to 0 removes the whole RS.
    assert.equal(proportion(rs('b', 5, { [MAX_REPLICAS]: '13' }), dep(0, 1, 1), -5, 0), -5);
  });

  it('isSaturated needs size, annotation and availability', () => {
    const d = dep(3, 1, 1);
    assert.equal(isSaturated(d, rs('n', 3, { [DESIRED_REPLICAS]: '3' })), true);
    assert.equal(isSaturated(d, rs('n', 3, { [DESIRED_REPLICAS]: '2' })), false);
    assert.equal(isSaturated(d, rs('n', 3, { [DESIRED_REPLICAS]: '3' }, 2)), false);
    assert.equal(isSaturated(d, rs('n', 3)), false);
  });
});

describe('revision annotations', () => {
  it('max and last revision', () => {
    const rss = [rs('a', 0, { [REVISION]: '3' }), rs('b', 0, { [REVISION]: '7' }), rs('c', 0, { [REVISION]: 'x' }), rs('d', 0)];
    assert.equal(maxRevision(rss), 7);
    assert.equal(lastRevision(rss), 3);
  });

  it('a new ReplicaSet gets the revision, copied annotations and replica annotations', () => {
    const d = dep(4, 1, 1);
    d.metadata!.annotations = { [CHANGE_CAUSE]: 'kubectl set image', [REVISION]: '1', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
    const n = rs('n', 0);
    assert.equal(setNewReplicaSetAnnotations(d, n, '2', false), true);
    assert.deepEqual(n.metadata!.annotations, { [CHANGE_CAUSE]: 'kubectl set image', [REVISION]: '2', [DESIRED_REPLICAS]: '4', [MAX_REPLICAS]: '5' });
    assert.equal(setNewReplicaSetAnnotations(d, n, '2', true), false);
  });

  it('a reused ReplicaSet keeps its former revisions in revision-history', () => {
    const d = dep(4, 1, 1);
    const n = rs('n', 0, { [REVISION]: '1' });
    assert.equal(setNewReplicaSetAnnotations(d, n, '3', true), true);
    assert.equal(n.metadata!.annotations![REVISION], '3');
    assert.equal(n.metadata!.annotations![REVISION_HISTORY], '1');
    setNewReplicaSetAnnotations(d, n, '5', true);
    assert.equal(n.metadata!.annotations![REVISION_HISTORY], '1,3');
    // A lower revision never lowers it.
    assert.equal(setNewReplicaSetAnnotations(d, n, '4', true), false);
    // The history is bounded (oldest dropped).
    const m = rs('m', 0, { [REVISION]: '12', [REVISION_HISTORY]: '10,11' });
    setNewReplicaSetAnnotations(d, m, '13', true, 6);
    assert.equal(m.metadata!.annotations![REVISION_HISTORY], '11,12');
  });

  it('rollback copies the ReplicaSet annotations but keeps the skipped ones', () => {
    const d = dep(4, 1, 1);
    d.metadata!.annotations = { [REVISION]: '2', [CHANGE_CAUSE]: 'v2', other: 'x' };
    setDeploymentAnnotationsTo(d, rs('r', 0, { [REVISION]: '1', [CHANGE_CAUSE]: 'v1', [DESIRED_REPLICAS]: '4' }));
    assert.deepEqual(d.metadata!.annotations, { [REVISION]: '2', [CHANGE_CAUSE]: 'v1' });
  });
});
