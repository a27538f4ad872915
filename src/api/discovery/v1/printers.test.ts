import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../../types.js';
import { endpointSlicePrinter } from './printers.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const created = new Date(NOW.getTime() - 5 * 60_000).toISOString();

describe('endpointslices', () => {
  const cells = (s: EndpointSlice) => endpointSlicePrinter.cells(s as unknown as KubeObject, NOW);

  it('has upstream columns', () => {
    assert.deepEqual(endpointSlicePrinter.columns.map((c) => c.name), ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
  });

  it('prints ports and endpoints with a remainder', () => {
    const s: EndpointSlice = {
      metadata: { name: 'web-abcde', creationTimestamp: created },
      addressType: 'IPv4',
      ports: [{ port: 80, name: 'http' }, { name: 'metrics' }, {}, { port: 9000 }],
      endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4', '10.0.0.5'] }],
    };
    assert.deepEqual(cells(s), ['web-abcde', 'IPv4', '80,metrics,* + 1 more...', '10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...', '5m']);
  });

  it('prints <unset> for empty ports and endpoints', () => {
    assert.deepEqual(cells({ metadata: { name: 'e', creationTimestamp: created }, addressType: 'IPv6', endpoints: [] }), [
      'e',
      'IPv6',
      '<unset>',
      '<unset>',
      '5m',
    ]);
  });
});
