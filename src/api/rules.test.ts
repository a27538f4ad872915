/** Tests for rulesFor/conversion and the small groups (discovery, coordination, policy, storage). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldErrorMessage } from '../machinery/fielderrors.js';
import type { FieldError } from '../machinery/fielderrors.js';
import { convertFromStorage, convertToStorage, storageVersionOf } from './conversion.js';
import { coordinationV1Rules } from './coordination/v1/rules.js';
import { discoveryV1Rules } from './discovery/v1/rules.js';
import { policyV1Rules } from './policy/v1/rules.js';
import { rulesFor } from './rules.js';
import { storageV1Rules } from './storage/v1/rules.js';
import type { KubeObject } from './types.js';

const msgs = (errs: FieldError[] | undefined): string[] => (errs ?? []).map(fieldErrorMessage);

describe('discovery.k8s.io/v1 EndpointSlice', () => {
  const rules = discoveryV1Rules['endpointslices']!;
  const slice = (extra: Record<string, unknown>): KubeObject => {
    const o: KubeObject = { metadata: { name: 's', namespace: 'default' }, addressType: 'IPv4', ...extra };
    rules.defaults!(o);
    return o;
  };

  it('defaults port name and protocol', () => {
    const s = slice({ endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }] });
    assert.deepEqual(s['ports'], [{ port: 80, name: '', protocol: 'TCP' }]);
    assert.deepEqual(rules.validate!(s), []);
  });

  it('checks address types and addresses', () => {
    assert.deepEqual(msgs(rules.validate!(slice({ addressType: 'IPv5' }))), [
      'addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"',
    ]);
    const s = slice({ endpoints: [{ addresses: ['fe80::1', '127.0.0.1', 'x'] }, { addresses: [] }] });
    assert.deepEqual(msgs(rules.validate!(s)), [
      'endpoints[0].addresses[0]: Invalid value: "fe80::1": must be a valid IPv4 address',
      'endpoints[0].addresses[0]: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      'endpoints[0].addresses[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'endpoints[0].addresses[2]: Invalid value: "x": must be a valid IPv4 address',
      'endpoints[0].addresses[2]: Invalid value: "x": must be a valid IP address',
      'endpoints[1].addresses: Required value: must contain at least 1 address',
    ]);
    const fqdn = slice({ addressType: 'FQDN', endpoints: [{ addresses: ['example.com.', 'localhost'] }] });
    assert.deepEqual(msgs(rules.validate!(fqdn)), [
      'endpoints[0].addresses[1]: Invalid value: "localhost": should be a domain with at least two segments separated by dots',
    ]);
  });

  it('limits endpoints to 1000 and checks ports', () => {
    const many = slice({ endpoints: Array.from({ length: 1001 }, () => ({ addresses: ['10.0.0.1'] })) });
    assert.deepEqual(
      rules.validate!(many).map((e) => [e.type, e.field, e.badValue, e.detail]),
      [['FieldValueTooMany', 'endpoints', 1001, 'must have at most 1000 items']],
    );
    const ports = slice({ ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81, protocol: 'ICMP' }, { name: 'Bad_Name' }] });
    const errs = msgs(rules.validate!(ports));
    assert.equal(errs[0], 'ports[1].name: Duplicate value: "http"');
    assert.equal(errs[1], 'ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"');
    assert.match(errs[2]!, /^ports\[2\]\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label/);
  });

  it('keeps addressType immutable', () => {
    const old = slice({});
    const upd = slice({ addressType: 'IPv6' });
    assert.deepEqual(msgs(rules.validateUpdate!(upd, old)), ['addressType: Invalid value: "IPv6": field is immutable']);
  });
});

describe('coordination.k8s.io/v1 Lease', () => {
  const rules = coordinationV1Rules['leases']!;
  it('checks durations, transitions and strategy', () => {
    const ok: KubeObject = { metadata: { name: 'l' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 } };
    assert.deepEqual(rules.validate!(ok), []);
    const bad: KubeObject = { metadata: { name: 'l' }, spec: { leaseDurationSeconds: 0, leaseTransitions: -1, preferredHolder: 'b' } };
    assert.deepEqual(msgs(rules.validate!(bad)), [
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
      'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
      'spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined',
    ]);
    const strat: KubeObject = { metadata: { name: 'l' }, spec: { strategy: 'Newest' } };
    assert.deepEqual(msgs(rules.validate!(strat)), [
      'spec.strategy.strategy: Unsupported value: "Newest": supported values: "OldestEmulationVersion"',
    ]);
  });
});

describe('policy/v1 PodDisruptionBudget', () => {
  const rules = policyV1Rules['poddisruptionbudgets']!;
  it('makes minAvailable and maxUnavailable exclusive and checks values', () => {
    const ok: KubeObject = { metadata: { name: 'p' }, spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } } };
    assert.deepEqual(rules.validate!(ok), []);
    const both: KubeObject = { metadata: { name: 'p' }, spec: { minAvailable: 1, maxUnavailable: '120%' } };
    const errs = rules.validate!(both);
    assert.deepEqual(
      errs.map((e) => `${e.field}: ${e.detail}`),
      ['spec: minAvailable and maxUnavailable cannot be both set', 'spec.maxUnavailable: must not be greater than 100%'],
    );
    const neg: KubeObject = { metadata: { name: 'p' }, spec: { maxUnavailable: -1, unhealthyPodEvictionPolicy: 'Never' } };
    assert.deepEqual(msgs(rules.validate!(neg)), [
      'spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0',
      'spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"',
    ]);
  });

  it('validates status conditions and counters', () => {
    const p: KubeObject = {
      metadata: { name: 'p' },
      spec: {},
      status: {
        disruptionsAllowed: -1,
        conditions: [{ type: 'DisruptionAllowed', status: 'Maybe', reason: 'bad reason', lastTransitionTime: '2024-01-01T00:00:00Z' }],
      },
    };
    const errs = rules.validateStatusUpdate!(p, p);
    assert.deepEqual(
      errs.map((e) => e.field),
      ['status.conditions[0].status', 'status.conditions[0].reason', 'status.disruptionsAllowed'],
    );
  });
});

describe('storage.k8s.io/v1 StorageClass', () => {
  const rules = storageV1Rules['storageclasses']!;
  it('defaults and validates', () => {
    const sc: KubeObject = { metadata: { name: 'fast' }, provisioner: 'k8ts.io/local' };
    rules.defaults!(sc);
    assert.equal(sc['reclaimPolicy'], 'Delete');
    assert.equal(sc['volumeBindingMode'], 'Immediate');
    assert.deepEqual(rules.validate!(sc), []);
    const bad: KubeObject = { metadata: { name: 'x' }, reclaimPolicy: 'Recycle', volumeBindingMode: 'Later' };
    assert.deepEqual(msgs(rules.validate!(bad)), [
      'provisioner: Required value',
      'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
      'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
    ]);
  });

  it('forbids changing provisioner, parameters and reclaimPolicy', () => {
    const old: KubeObject = { metadata: { name: 'x' }, provisioner: 'a.io/x', parameters: { t: '1' }, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' };
    const upd: KubeObject = { ...old, provisioner: 'b.io/x', parameters: { t: '2' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' };
    assert.deepEqual(msgs(rules.validateUpdate!(upd, old)), [
      'parameters: Forbidden: updates to parameters are forbidden.',
      'provisioner: Forbidden: updates to provisioner are forbidden.',
      'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
      'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
    ]);
  });
});

describe('rulesFor and conversion', () => {
  it('finds the rules of every non-core group', () => {
    for (const [g, v, r] of [
      ['apps', 'v1', 'deployments'],
      ['apps', 'v1', 'controllerrevisions'],
      ['batch', 'v1', 'jobs'],
      ['batch', 'v1', 'cronjobs'],
      ['autoscaling', 'v1', 'horizontalpodautoscalers'],
      ['autoscaling', 'v2', 'horizontalpodautoscalers'],
      ['policy', 'v1', 'poddisruptionbudgets'],
      ['storage.k8s.io', 'v1', 'storageclasses'],
      ['discovery.k8s.io', 'v1', 'endpointslices'],
      ['coordination.k8s.io', 'v1', 'leases'],
      ['events.k8s.io', 'v1', 'events'],
    ] as const) {
      assert.ok(rulesFor(g, v, r), `${g}/${v} ${r}`);
    }
    assert.equal(rulesFor('apps', 'v1', 'toString'), undefined);
    assert.equal(rulesFor('nope', 'v1', 'things'), undefined);
  });

  it('knows the storage versions', () => {
    assert.deepEqual(storageVersionOf('autoscaling', 'horizontalpodautoscalers'), { group: 'autoscaling', version: 'v2' });
    assert.deepEqual(storageVersionOf('events.k8s.io', 'events'), { group: '', version: 'v1' });
    assert.deepEqual(storageVersionOf('', 'events'), { group: '', version: 'v1' });
    assert.deepEqual(storageVersionOf('apps', 'deployments'), { group: 'apps', version: 'v1' });
  });

  it('converts only the multi-version resources', () => {
    const d: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } };
    assert.equal(convertToStorage('apps', 'v1', 'deployments', d), d);
    assert.equal(convertFromStorage('apps', 'v1', 'deployments', d), d);
    const h: KubeObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'x' }, spec: {} };
    assert.equal(convertFromStorage('autoscaling', 'v2', 'horizontalpodautoscalers', h), h);
    assert.equal(convertFromStorage('autoscaling', 'v1', 'horizontalpodautoscalers', h).apiVersion, 'autoscaling/v1');
    const e: KubeObject = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' } };
    assert.equal(convertFromStorage('', 'v1', 'events', e), e);
    assert.equal(convertFromStorage('events.k8s.io', 'v1', 'events', e).apiVersion, 'events.k8s.io/v1');
    assert.equal(convertToStorage('events.k8s.io', 'v1', 'events', { metadata: { name: 'e' } }).apiVersion, 'v1');
  });
});
