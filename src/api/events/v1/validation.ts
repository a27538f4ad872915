/**
 * Event validation, as upstream's pkg/apis/core/validation/events.go. Upstream validates the core
 * (storage) shape for both APIs, so field paths use core names (`involvedObject.namespace`,
 * `message`) even for events.k8s.io requests; the request version decides how strict it is:
 * core/v1 gets the legacy checks only, events.k8s.io/v1 also the new-API rules. Pure.
 */
import type { FieldError } from '../../../machinery/fielderrors.js';
import { immutable, invalid, required } from '../../../machinery/fielderrors.js';
import { isDNS1123Subdomain, isQualifiedName } from '../../../machinery/validation.js';
import type { KubeObject } from '../../types.js';
import { isSet, objOf, semanticEqual } from '../../apps/v1/helpers.js';

export type EventRequestVersion = 'v1' | 'events.k8s.io/v1';

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const timeSet = (v: unknown): boolean => isSet(v) && v !== '';

/** Upstream's legacyValidateEvent on a core-shaped event. */
function legacyValidateEvent(ev: KubeObject, requestVersion: EventRequestVersion): FieldError[] {
  const errs: FieldError[] = [];
  const rcField = requestVersion === 'v1' ? 'reportingComponent' : 'reportingController';
  const ns = ev.metadata?.namespace ?? '';
  const involvedNs = str(objOf(ev['involvedObject'])?.['namespace']);
  if (!timeSet(ev['eventTime'])) {
    if (involvedNs === '') {
      if (ns !== '' && ns !== 'default') errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    } else if (ns !== involvedNs) {
      errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
  } else {
    if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system') {
      errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
    const rc = str(ev['reportingComponent']);
    if (rc === '') errs.push(required(rcField));
    for (const msg of isQualifiedName(rc)) errs.push(invalid(rcField, rc, msg));
    const ri = str(ev['reportingInstance']);
    if (ri === '') errs.push(required('reportingInstance'));
    if (ri.length > REPORTING_INSTANCE_LIMIT) {
      errs.push(invalid('reportingInstance', '', `can have at most ${REPORTING_INSTANCE_LIMIT} characters`));
    }
    const action = str(ev['action']);
    if (action === '') errs.push(required('action'));
    if (action.length > ACTION_LIMIT) errs.push(invalid('action', '', `can have at most ${ACTION_LIMIT} characters`));
    const reason = str(ev['reason']);
    if (reason === '') errs.push(required('reason'));
    if (reason.length > REASON_LIMIT) errs.push(invalid('reason', '', `can have at most ${REASON_LIMIT} characters`));
    if (str(ev['message']).length > NOTE_LIMIT) errs.push(invalid('message', '', `can have at most ${NOTE_LIMIT} characters`));
  }
  for (const msg of isDNS1123Subdomain(ns)) errs.push(invalid('namespace', ns, msg));
  return errs;
}

function validateV1EventSeries(ev: KubeObject): FieldError[] {
  const series = objOf(ev['series']);
  if (!series) return [];
  const errs: FieldError[] = [];
  const count = typeof series['count'] === 'number' ? series['count'] : 0;
  if (count < 2) errs.push(invalid('series.count', '', 'should be at least 2'));
  if (!timeSet(series['lastObservedTime'])) errs.push(required('series.lastObservedTime'));
  return errs;
}

/** Upstream's ValidateEventCreate for a core-shaped event. */
export function validateCoreEventCreate(ev: KubeObject, requestVersion: EventRequestVersion): FieldError[] {
  const errs = legacyValidateEvent(ev, requestVersion);
  if (requestVersion === 'v1') return errs;
  errs.push(...validateV1EventSeries(ev));
  if (!timeSet(ev['eventTime'])) errs.push(required('eventTime'));
  const type = str(ev['type']);
  if (type !== 'Normal' && type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${type}`));
  if (timeSet(ev['firstTimestamp'])) errs.push(invalid('deprecatedFirstTimestamp', '', 'needs to be unset'));
  if (timeSet(ev['lastTimestamp'])) errs.push(invalid('deprecatedLastTimestamp', '', 'needs to be unset'));
  if (typeof ev['count'] === 'number' && ev['count'] !== 0) errs.push(invalid('deprecatedCount', '', 'needs to be unset'));
  const source = objOf(ev['source']) ?? {};
  if (str(source['component']) !== '' || str(source['host']) !== '') errs.push(invalid('deprecatedSource', '', 'needs to be unset'));
  return errs;
}

const IMMUTABLE_ON_UPDATE = [
  'involvedObject',
  'reason',
  'message',
  'source',
  'firstTimestamp',
  'lastTimestamp',
  'count',
  'reason',
  'type',
  'eventTime',
  'action',
  'related',
  'reportingComponent',
  'reportingInstance',
];

/** The fields an events.k8s.io update may not change (paths as upstream reports them). */
export function validateEventImmutableFields(ev: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of IMMUTABLE_ON_UPDATE) {
    const path = f === 'reportingComponent' ? 'reportingController' : f;
    if (!semanticEqual(ev[f], old[f])) errs.push(immutable(path, ev[f] ?? null));
  }
  return errs;
}

/** Upstream's ValidateEventUpdate for core-shaped events. */
export function validateCoreEventUpdate(ev: KubeObject, old: KubeObject, requestVersion: EventRequestVersion): FieldError[] {
  const errs = legacyValidateEvent(ev, requestVersion);
  if (requestVersion === 'v1') return errs;
  errs.push(...validateV1EventSeries(ev));
  errs.push(...validateEventImmutableFields(ev, old));
  return errs;
}
