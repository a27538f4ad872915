/**
 * Server-side table printing for events.k8s.io/v1 Events. Upstream serves these from the same
 * storage as core/v1 Events and prints them with the core printer, so the columns and cells are the
 * core ones; fields are mapped as upstream's conversion does (regarding → involvedObject,
 * note → message, deprecated* → firstTimestamp/lastTimestamp/count/source, reportingController →
 * reportingComponent).
 */
import type { Event as CoreEvent } from 'kubernetes-types/core/v1.js';
import type { Event } from 'kubernetes-types/events/v1.js';
import { eventPrinter as coreEventPrinter, printer } from '../core/v1/printers.js';
import type { KubeObject, Printer } from '../types.js';

/** The core/v1 view of an events.k8s.io/v1 Event. */
export function toCoreEvent(ev: Event): CoreEvent {
  return {
    metadata: ev.metadata ?? {},
    involvedObject: ev.regarding ?? {},
    related: ev.related,
    message: ev.note,
    reason: ev.reason,
    type: ev.type,
    action: ev.action,
    source: ev.deprecatedSource,
    firstTimestamp: ev.deprecatedFirstTimestamp,
    lastTimestamp: ev.deprecatedLastTimestamp,
    count: ev.deprecatedCount,
    eventTime: ev.eventTime,
    series: ev.series,
    reportingComponent: ev.reportingController,
    reportingInstance: ev.reportingInstance,
  };
}

export const eventPrinter = printer<Event>(coreEventPrinter.columns, (ev, now) =>
  coreEventPrinter.cells(toCoreEvent(ev) as unknown as KubeObject, now),
);

/** events.k8s.io printers by resource. */
export const eventsPrinters: Readonly<Record<string, Printer>> = {
  events: eventPrinter,
};
