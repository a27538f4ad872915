import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { KubeObject } from '../../types.js';
import { podDisruptionBudgetPrinter } from './printers.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const created = new Date(NOW.getTime() - 5 * 60_000).toISOString();

describe('poddisruptionbudgets', () => {
  const cells = (pdb: PodDisruptionBudget) => podDisruptionBudgetPrinter.cells(pdb as unknown as KubeObject, NOW);

  it('has upstream columns', () => {
    assert.deepEqual(
      podDisruptionBudgetPrinter.columns.map((c) => [c.name, c.type, c.priority]),
      [
        ['Name', 'string', 0],
        ['Min Available', 'string', 0],
        ['Max Unavailable', 'string', 0],
        ['Allowed Disruptions', 'integer', 0],
        ['Age', 'string', 0],
      ],
    );
  });

  it('prints int, percent and N/A values', () => {
    assert.deepEqual(
      cells({ metadata: { name: 'web', creationTimestamp: created }, spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 } }),
      ['web', '2', 'N/A', 1, '5m'],
    );
    assert.deepEqual(cells({ metadata: { name: 'db', creationTimestamp: created }, spec: { maxUnavailable: '25%' } }), ['db', 'N/A', '25%', 0, '5m']);
  });
});
