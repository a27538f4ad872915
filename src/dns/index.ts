export * from './records.js';
export * from './resolver.js';
export * from './server.js';
export * from './informers.js';
export * from './metrics.js';
