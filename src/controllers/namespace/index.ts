/** The `namespace` controller (component `namespace-controller`). */
export { namespaceController } from './controller.js';
