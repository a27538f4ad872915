/**
 * Static pods: decoding manifests and the defaults the kubelet applies to pods that come from a
 * file or HTTP source (upstream pkg/kubelet/config/common.go applyDefaults + tryDecode*), and the
 * annotations that tell static and mirror pods apart (pkg/kubelet/types).
 */
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { defaultPod } from '../../api/core/v1/defaults.js';
import { validatePod } from '../../api/core/v1/validation.js';
import { fieldErrorMessage, type FieldError } from '../../machinery/fielderrors.js';
import { validateObjectMeta } from '../../machinery/objectmeta.js';
import { CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION, CONFIG_SOURCE_ANNOTATION, type Pod } from '../types.js';

/** Upstream's maxConfigLength: manifests (a file, an HTTP body) larger than this are refused. */
export const MAX_MANIFEST_BYTES = 10 << 20;

/** A manifest that cannot become a static pod; `invalid` marks validation (not decoding) failures. */
export class ManifestError extends Error {
  constructor(
    message: string,
    readonly invalid = false,
  ) {
    super(message);
    this.name = 'ManifestError';
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;
const isObj = (v: unknown): v is Record<string, Any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON with object keys sorted, so equal objects give equal text whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  if (isObj(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * Splits manifest text (JSON, or YAML with one or more `---` documents) into pod objects: each
 * document is a Pod, or a v1 PodList / List whose items are pods (items without kind/apiVersion get
 * `Pod`/`v1`). Empty documents are skipped. Throws ManifestError on a syntax error or any document
 * that is not a pod or pod list; a caller treats the whole text as bad then.
 */
export function decodeManifests(text: string): unknown[] {
  let docs: unknown[] | undefined;
  if (text.trimStart().startsWith('{')) {
    try {
      docs = [JSON.parse(text)];
    } catch {
      docs = undefined; // maybe YAML with flow mappings or several documents
    }
  }
  if (!docs) {
    docs = [];
    for (const d of parseAllDocuments(text)) {
      if (d.errors.length > 0) throw new ManifestError(`invalid YAML: ${d.errors[0]!.message}`);
      docs.push(d.toJS({ maxAliasCount: 100 }));
    }
  }
  const out: unknown[] = [];
  docs.forEach((doc, i) => {
    if (doc === null || doc === undefined) return;
    const where = docs.length > 1 ? ` (document ${i + 1})` : '';
    if (!isObj(doc)) throw new ManifestError(`expected an object${where}`);
    const kind = doc.kind;
    if (kind === 'PodList' || kind === 'List') {
      if (doc.apiVersion !== 'v1') throw new ManifestError(`unsupported apiVersion ${JSON.stringify(doc.apiVersion ?? '')} for ${kind}${where}`);
      if (doc.items !== undefined && doc.items !== null && !Array.isArray(doc.items)) throw new ManifestError(`${kind}.items must be a list${where}`);
      for (const item of (doc.items ?? []) as unknown[]) {
        if (!isObj(item)) throw new ManifestError(`${kind} item is not an object${where}`);
        const pod = { ...item };
        pod.kind ??= 'Pod';
        pod.apiVersion ??= 'v1';
        out.push(pod);
      }
      return;
    }
    out.push(doc);
  });
  return out;
}

/** How a static pod's uid is derived, as upstream: content hash, then node and origin (file path or URL). */
function generatedUid(pod: unknown, source: 'file' | 'http', nodeName: string, origin: string): string {
  const h = createHash('md5');
  h.update(canonicalJson(pod));
  if (source === 'file') {
    h.update(`host:${nodeName}`);
    h.update(`file:${origin}`);
  } else {
    h.update(`url:${origin}`);
  }
  return h.digest('hex');
}

function addNoExecuteToleration(spec: Record<string, Any>): void {
  const tolerations: Any[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  const want = { operator: 'Exists', effect: 'NoExecute' };
  const same = (t: Any) => isObj(t) && !t.key && t.operator === 'Exists' && t.effect === 'NoExecute' && !t.value && t.tolerationSeconds === undefined;
  if (!tolerations.some(same)) tolerations.push(want);
  spec.tolerations = tolerations;
}

/**
 * Turns one decoded manifest into the pod the kubelet runs, as upstream's applyDefaults plus the
 * API server's defaulting and create validation:
 * - kind Pod / apiVersion v1 and metadata.name are required;
 * - the API server's pod defaults (restartPolicy, dnsPolicy, grace period, pull policy, ...);
 * - metadata.uid, unless set, is the md5 of the defaulted manifest plus `host:<node>file:<origin>`
 *   (file) or `url:<origin>` (http), so editing a manifest gives a new pod;
 * - name `<name>-<lower-cased node name>`, namespace `default` unless set, spec.nodeName;
 * - annotations `kubernetes.io/config.hash` (= uid) and `kubernetes.io/config.source`; the
 *   sources add `kubernetes.io/config.seen` (first time the uid was seen);
 * - file pods tolerate every NoExecute taint (upstream adds it for files only);
 * - status.phase Pending.
 * Throws ManifestError (invalid=true for validation failures). Never mutates `obj`.
 */
export function staticPodFromManifest(obj: unknown, source: 'file' | 'http', nodeName: string, origin = ''): Pod {
  if (!isObj(obj)) throw new ManifestError('manifest is not an object');
  if (obj.kind !== 'Pod') throw new ManifestError(`expected kind Pod, got ${JSON.stringify(obj.kind ?? '')}`);
  if (obj.apiVersion !== 'v1') throw new ManifestError(`unsupported apiVersion ${JSON.stringify(obj.apiVersion ?? '')} for Pod`);
  const pod = structuredClone(obj) as Any;
  if (!isObj(pod.metadata)) pod.metadata = {};
  const meta = pod.metadata as Record<string, Any>;
  if (typeof meta.name !== 'string' || meta.name === '') throw new ManifestError('invalid pod: name is needed for the pod', true);
  if (!isObj(pod.spec)) pod.spec = {};
  defaultPod(pod);
  // Fields the API server owns never come from a manifest.
  for (const k of ['resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'managedFields', 'selfLink']) delete meta[k];
  delete pod.status;
  if (!meta.uid) meta.uid = generatedUid(pod, source, nodeName, origin);
  meta.name = `${meta.name}-${nodeName.toLowerCase()}`;
  if (!meta.namespace) meta.namespace = 'default';
  pod.spec.nodeName = nodeName;
  const annotations: Record<string, string> = isObj(meta.annotations) ? meta.annotations : {};
  annotations[CONFIG_HASH_ANNOTATION] = String(meta.uid);
  annotations[CONFIG_SOURCE_ANNOTATION] = source;
  meta.annotations = annotations;
  if (source === 'file') addNoExecuteToleration(pod.spec);
  pod.status = { phase: 'Pending' };

  const errs: FieldError[] = [...validateObjectMeta(meta, { namespaced: true }), ...validatePod(pod)];
  if (Array.isArray(pod.spec.resourceClaims) && pod.spec.resourceClaims.length > 0) {
    errs.push({ type: 'FieldValueForbidden', field: 'spec.resourceClaims', badValue: '', detail: 'static pods cannot reference ResourceClaims' });
  }
  if (errs.length > 0) throw new ManifestError(`invalid pod: [${errs.map(fieldErrorMessage).join(', ')}]`, true);
  return pod as Pod;
}

/** Decodes manifest text and applies staticPodFromManifest to every pod in it; all or nothing. */
export function staticPodsFromText(text: string, source: 'file' | 'http', nodeName: string, origin = ''): Pod[] {
  return decodeManifests(text).map((o) => staticPodFromManifest(o, source, nodeName, origin));
}

/** A pod in the API that reflects a static pod (upstream IsMirrorPod). */
export function isMirrorPod(p: Pod): boolean {
  const a = p.metadata?.annotations;
  return !!a && Object.prototype.hasOwnProperty.call(a, CONFIG_MIRROR_ANNOTATION);
}

/** A pod from a file or HTTP source (config.source set and not `api`; upstream IsStaticPod). */
export function isStaticPod(p: Pod): boolean {
  const s = p.metadata?.annotations?.[CONFIG_SOURCE_ANNOTATION];
  return !!s && s !== 'api';
}

/** `namespace/name`: how static and mirror pods are paired (upstream's pod full name). */
export function podKey(p: Pod): string {
  return `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
}

/** Upstream IsMirrorPodOf: same name and namespace and the mirror's hash equals the static pod's. */
export function isMirrorPodOf(mirror: Pod, staticPod: Pod): boolean {
  const h = mirror.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION];
  return h !== undefined && h === staticPod.metadata?.annotations?.[CONFIG_HASH_ANNOTATION] && podKey(mirror) === podKey(staticPod);
}
