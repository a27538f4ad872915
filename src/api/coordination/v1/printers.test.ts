import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { KubeObject } from '../../types.js';
import { leasePrinter } from './printers.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const created = new Date(NOW.getTime() - 20 * 60_000).toISOString();

describe('leases', () => {
  const cells = (l: Lease) => leasePrinter.cells(l as unknown as KubeObject, NOW);

  it('has upstream columns', () => {
    assert.deepEqual(
      leasePrinter.columns.map((c) => [c.name, c.description]),
      [
        ['Name', leasePrinter.columns[0]!.description],
        ['Holder', 'holderIdentity contains the identity of the holder of a current lease.'],
        ['Age', leasePrinter.columns[2]!.description],
      ],
    );
  });

  it('prints the holder or an empty string', () => {
    assert.deepEqual(cells({ metadata: { name: 'n1', creationTimestamp: created }, spec: { holderIdentity: 'n1' } }), ['n1', 'n1', '20m']);
    assert.deepEqual(cells({ metadata: { name: 'x', creationTimestamp: created } }), ['x', '', '20m']);
  });
});
