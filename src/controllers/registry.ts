/** The controllers `k8ts server` runs, in start order. One line each. */
import type { ControllerDescriptor } from './manager.js';

export const CONTROLLERS: ControllerDescriptor[] = [
];
