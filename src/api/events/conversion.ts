/**
 * core/v1 Event ⇄ events.k8s.io/v1 Event, as upstream's pkg/apis/events/v1/conversion.go. The
 * core/v1 shape is the storage shape. Field mapping: involvedObject ↔ regarding, message ↔ note,
 * source ↔ deprecatedSource, firstTimestamp/lastTimestamp/count ↔ deprecatedFirstTimestamp/
 * deprecatedLastTimestamp/deprecatedCount, reportingComponent ↔ reportingController; eventTime,
 * series, related, action, reason, type and reportingInstance keep their names. Output follows Go's
 * JSON encoding of each version (non-omitempty fields present, unset times as null). Both
 * functions return new objects and never mutate their input.
 */
import type { KubeObject } from '../types.js';
import type { Obj } from '../apps/v1/helpers.js';
import { clone, isSet } from '../apps/v1/helpers.js';

/** Builds an object from entries, leaving out undefined values. */
function o(entries: [string, unknown][]): Obj {
  const out: Obj = {};
  for (const [k, v] of entries) if (v !== undefined) out[k] = v;
  return out;
}

/** omitempty for strings and numbers: undefined when empty/zero. */
const nonEmpty = (v: unknown): unknown => (v === '' || v === 0 || v === null || v === undefined ? undefined : v);
const timeOrNull = (v: unknown): unknown => (isSet(v) && v !== '' ? v : null);
const objOrEmpty = (v: unknown): unknown => (isSet(v) ? clone(v) : {});
const copyOpt = (v: unknown): unknown => (isSet(v) ? clone(v) : undefined);

/** events.k8s.io/v1 → core/v1 (storage). */
export function eventsV1ToCore(ev: KubeObject): KubeObject {
  const out = o([
    ['apiVersion', 'v1'],
    ['kind', 'Event'],
    ['metadata', clone(ev.metadata ?? {})],
    ['involvedObject', objOrEmpty(ev['regarding'])],
    ['reason', nonEmpty(ev['reason'])],
    ['message', nonEmpty(ev['note'])],
    ['source', objOrEmpty(ev['deprecatedSource'])],
    ['firstTimestamp', timeOrNull(ev['deprecatedFirstTimestamp'])],
    ['lastTimestamp', timeOrNull(ev['deprecatedLastTimestamp'])],
    ['count', nonEmpty(ev['deprecatedCount'])],
    ['type', nonEmpty(ev['type'])],
    ['eventTime', timeOrNull(ev['eventTime'])],
    ['series', copyOpt(ev['series'])],
    ['action', nonEmpty(ev['action'])],
    ['related', copyOpt(ev['related'])],
    ['reportingComponent', ev['reportingController'] ?? ''],
    ['reportingInstance', ev['reportingInstance'] ?? ''],
  ]);
  return out as KubeObject;
}

/** core/v1 (storage) → events.k8s.io/v1. */
export function coreToEventsV1(ev: KubeObject): KubeObject {
  const out = o([
    ['apiVersion', 'events.k8s.io/v1'],
    ['kind', 'Event'],
    ['metadata', clone(ev.metadata ?? {})],
    ['eventTime', timeOrNull(ev['eventTime'])],
    ['series', copyOpt(ev['series'])],
    ['reportingController', nonEmpty(ev['reportingComponent'])],
    ['reportingInstance', nonEmpty(ev['reportingInstance'])],
    ['action', nonEmpty(ev['action'])],
    ['reason', nonEmpty(ev['reason'])],
    ['regarding', objOrEmpty(ev['involvedObject'])],
    ['related', copyOpt(ev['related'])],
    ['note', nonEmpty(ev['message'])],
    ['type', nonEmpty(ev['type'])],
    ['deprecatedSource', objOrEmpty(ev['source'])],
    ['deprecatedFirstTimestamp', timeOrNull(ev['firstTimestamp'])],
    ['deprecatedLastTimestamp', timeOrNull(ev['lastTimestamp'])],
    ['deprecatedCount', nonEmpty(ev['count'])],
  ]);
  return out as KubeObject;
}
