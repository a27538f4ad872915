import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldErrorMessage } from '../../machinery/fielderrors.js';
import type { FieldError } from '../../machinery/fielderrors.js';
import type { KubeObject } from '../types.js';
import { coreToEventsV1, eventsV1ToCore } from './conversion.js';
import { eventsV1Rules } from './v1/rules.js';
import { validateCoreEventCreate } from './v1/validation.js';

const msgs = (errs: FieldError[] | undefined): string[] => (errs ?? []).map(fieldErrorMessage);
const rules = eventsV1Rules['events']!;

const newEvent = (): KubeObject => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'web.1', namespace: 'default' },
  eventTime: '2024-05-01T10:00:00.000000Z',
  reportingController: 'k8ts.io/scheduler',
  reportingInstance: 'sched-1',
  action: 'Binding',
  reason: 'Scheduled',
  regarding: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u1', apiVersion: 'v1' },
  note: 'Successfully assigned default/web to node1',
  type: 'Normal',
});

describe('Event conversion', () => {
  it('maps events.k8s.io/v1 fields to core/v1 and back', () => {
    const ev = newEvent();
    ev['series'] = { count: 2, lastObservedTime: '2024-05-01T10:01:00.000000Z' };
    ev['related'] = { kind: 'Node', name: 'node1' };
    const core = eventsV1ToCore(ev);
    assert.deepEqual(core, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.1', namespace: 'default' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u1', apiVersion: 'v1' },
      reason: 'Scheduled',
      message: 'Successfully assigned default/web to node1',
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      type: 'Normal',
      eventTime: '2024-05-01T10:00:00.000000Z',
      series: { count: 2, lastObservedTime: '2024-05-01T10:01:00.000000Z' },
      action: 'Binding',
      related: { kind: 'Node', name: 'node1' },
      reportingComponent: 'k8ts.io/scheduler',
      reportingInstance: 'sched-1',
    });
    const back = coreToEventsV1(core);
    assert.deepEqual(back, {
      ...ev,
      deprecatedSource: {},
      deprecatedFirstTimestamp: null,
      deprecatedLastTimestamp: null,
    });
  });

  it('maps legacy core events to the deprecated fields', () => {
    const core: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'x', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
      reason: 'Pulled',
      message: 'pulled',
      source: { component: 'kubelet', host: 'node1' },
      firstTimestamp: '2024-05-01T10:00:00Z',
      lastTimestamp: '2024-05-01T10:05:00Z',
      count: 3,
      type: 'Normal',
      reportingComponent: '',
      reportingInstance: '',
    };
    const ev = coreToEventsV1(core);
    assert.deepEqual(ev, {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'x', namespace: 'default' },
      eventTime: null,
      reason: 'Pulled',
      regarding: { kind: 'Pod', name: 'web', namespace: 'default' },
      note: 'pulled',
      type: 'Normal',
      deprecatedSource: { component: 'kubelet', host: 'node1' },
      deprecatedFirstTimestamp: '2024-05-01T10:00:00Z',
      deprecatedLastTimestamp: '2024-05-01T10:05:00Z',
      deprecatedCount: 3,
    });
    assert.deepEqual(eventsV1ToCore(ev), { ...core, eventTime: null });
  });
});

describe('events.k8s.io/v1 validation', () => {
  it('accepts a well-formed event', () => {
    assert.deepEqual(rules.validate!(newEvent()), []);
  });

  it('requires the new-API fields', () => {
    const ev = newEvent();
    delete ev['reportingController'];
    delete ev['action'];
    ev['type'] = 'Odd';
    ev['deprecatedCount'] = 4;
    ev['series'] = { count: 1 };
    assert.deepEqual(msgs(rules.validate!(ev)), [
      'reportingController: Required value',
      'reportingController: Invalid value: "": name part must be non-empty',
      "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      'action: Required value',
      'series.count: Invalid value: "": should be at least 2',
      'series.lastObservedTime: Required value',
      'type: Invalid value: "": has invalid value: Odd',
      'deprecatedCount: Invalid value: "": needs to be unset',
    ]);
  });

  it('requires eventTime and a matching namespace', () => {
    const ev = newEvent();
    delete ev['eventTime'];
    ev['regarding'] = { kind: 'Pod', name: 'web', namespace: 'other' };
    assert.deepEqual(msgs(rules.validate!(ev)), [
      'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
      'eventTime: Required value',
    ]);
  });

  it('uses reportingComponent for core/v1 requests and only the legacy checks', () => {
    const core = eventsV1ToCore(newEvent());
    core['reportingComponent'] = '';
    core['count'] = 5;
    assert.deepEqual(
      validateCoreEventCreate(core, 'v1').map((e) => e.field),
      ['reportingComponent', 'reportingComponent', 'reportingComponent'],
    );
  });

  it('keeps event fields immutable on update', () => {
    const old = newEvent();
    const upd = { ...newEvent(), note: 'changed', series: { count: 2, lastObservedTime: '2024-05-01T10:02:00.000000Z' } };
    assert.deepEqual(msgs(rules.validateUpdate!(upd, old)), ['message: Invalid value: "changed": field is immutable']);
  });
});
