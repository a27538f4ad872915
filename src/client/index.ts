/** The client library: the only way controllers, scheduler, kubelet, proxy, dns and CLI reach the cluster. */
export * from './kubeconfig.js';
export * from './rest.js';
export * from './ratelimit.js';
export * from './informer.js';
export * from './workqueue.js';
export * from './leaderelection.js';
export * from './events.js';
