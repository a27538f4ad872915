/** Kubelet pod sources other than the API (file dir, URL, manifest endpoint) and mirror pods. */
export { startFileSource, readManifestDir, DEFAULT_SOURCE_PERIOD_MS, type FileSourceOptions } from './file.js';
export { startHttpSource, type HttpSourceOptions } from './http.js';
export { ManifestEndpoint, type ManifestEndpointOptions } from './endpoint.js';
export { MirrorPods, mirrorPodFor, type MirrorPodsOptions, type MirrorSyncOptions } from './mirror.js';
export { PodSet, type SourceUpdate } from './podset.js';
export {
  ManifestError,
  MAX_MANIFEST_BYTES,
  decodeManifests,
  isMirrorPod,
  isMirrorPodOf,
  isStaticPod,
  podKey,
  staticPodFromManifest,
  staticPodsFromText,
} from './staticpod.js';
