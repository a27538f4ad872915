import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Strategy } from '../strategy.js';
import { daemonSetStrategy, TEMPLATE_GENERATION_ANNOTATION as A } from './daemonsets.js';

const base = { prepareForCreate() {}, prepareForUpdate() {} } as unknown as Strategy;
const ds = (image: string, gen?: string) => ({
  metadata: { name: 'd', annotations: gen ? { [A]: gen } : undefined },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image }] } } },
});

test('daemonset template generation starts at 1 and follows template changes only', () => {
  const s = daemonSetStrategy(base);
  const created = ds('a');
  s.prepareForCreate(created);
  assert.equal(created.metadata.annotations?.[A], '1');
  const same = ds('a');
  (same.spec as { minReadySeconds?: number }).minReadySeconds = 5;
  s.prepareForUpdate(same, created);
  assert.equal(same.metadata.annotations?.[A], '1', 'a spec change outside the template keeps it');
  const changed = ds('b', '1');
  s.prepareForUpdate(changed, same);
  assert.equal(changed.metadata.annotations?.[A], '2');
  const forged = ds('b', '9');
  s.prepareForUpdate(forged, changed);
  assert.equal(forged.metadata.annotations?.[A], '2', 'clients cannot set it');
});
