import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event } from 'kubernetes-types/events/v1.js';
import { eventPrinter as coreEventPrinter } from '../core/v1/printers.js';
import type { KubeObject } from '../types.js';
import { eventPrinter, toCoreEvent } from './printers.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();

describe('events.k8s.io events', () => {
  it('uses the core event columns', () => {
    assert.deepEqual(eventPrinter.columns, coreEventPrinter.columns);
  });

  it('maps the events/v1 fields onto the core columns', () => {
    const ev: Event = {
      metadata: { name: 'web-0.1', namespace: 'default', creationTimestamp: ago(300_000) },
      eventTime: ago(300_000).replace('Z', '000Z'),
      regarding: { kind: 'Pod', name: 'web-0', fieldPath: 'spec.containers{app}' },
      note: 'Started container app ',
      reason: 'Started',
      type: 'Normal',
      action: 'Start',
      reportingController: 'kubelet',
      reportingInstance: 'n1',
      series: { count: 4, lastObservedTime: ago(30_000) },
    };
    assert.deepEqual(eventPrinter.cells(ev as unknown as KubeObject, NOW), [
      '30s',
      'Normal',
      'Started',
      'pod/web-0',
      'spec.containers{app}',
      'kubelet, n1',
      'Started container app',
      '5m',
      4,
      'web-0.1',
    ]);
  });

  it('prefers the deprecated core fields when set', () => {
    const ev: Event = {
      metadata: { name: 'e' },
      eventTime: ago(600_000),
      regarding: { kind: 'Node', name: 'n1' },
      deprecatedSource: { component: 'kubelet' },
      deprecatedFirstTimestamp: ago(3_600_000),
      deprecatedLastTimestamp: ago(120_000),
      deprecatedCount: 9,
      reportingController: 'ignored',
    };
    const core = toCoreEvent(ev);
    assert.equal(core.reportingComponent, 'ignored');
    assert.deepEqual(eventPrinter.cells(ev as unknown as KubeObject, NOW), ['2m', '', '', 'node/n1', '', 'kubelet', '', '60m', 9, 'e']);
  });
});
