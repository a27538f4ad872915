/** Pod volumes for the real kubelet (see manager.ts). */
export { VolumeManager, PLUGIN_DIRS, type VolumeHostDeps, type PodVolume, type PodVolumes } from './manager.js';
export { VolumeError } from './errors.js';
