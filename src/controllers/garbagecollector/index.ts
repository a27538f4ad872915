/** The `garbagecollector` controller (component `garbage-collector-controller`). */
export { garbageCollectorController } from './controller.js';
