/**
 * The root CA certificate publisher (pkg/controller/certificates/rootcacertpublisher/publisher.go):
 * ConfigMap `kube-root-ca.crt` with the cluster CA bundle under `ca.crt` in every namespace.
 *
 * Contracts:
 * - Keys are namespace names. A namespace is queued when added, and when updated while Active;
 *   a namespace's key is queued again when its `kube-root-ca.crt` is changed or deleted.
 * - `sync(ns)` creates the ConfigMap when missing from the cache, and replaces its data (exactly
 *   `{ca.crt}`) and the `kubernetes.io/description` annotation when either differs; it keeps every
 *   other field. Create answers NotFound or NamespaceTerminating are success (the namespace is
 *   going); any other failure is thrown so the key is retried.
 */
import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import type { SharedInformer } from '../../client/informer.js';
import { isAlreadyExists, isNotFound, type RestClient } from '../../client/rest.js';
import type { WorkQueue } from '../../client/workqueue.js';
import type { Logger } from '../../util/logger.js';
import { CONFIGMAPS } from '../resources.js';

export type NamespaceObj = Namespace & KubeObject;
export type ConfigMapObj = ConfigMap & KubeObject;

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface RootCaPublisherOptions {
  client: Pick<RestClient, 'create' | 'update'>;
  namespaces: Pick<SharedInformer<NamespaceObj>, 'lister' | 'addEventHandler'>;
  /** ConfigMaps named kube-root-ca.crt (an informer with that field selector is enough). */
  configMaps: Pick<SharedInformer<ConfigMapObj>, 'lister' | 'addEventHandler'>;
  queue: Pick<WorkQueue<string>, 'add'>;
  /** The CA bundle (PEM). */
  rootCa: string;
  log: Logger;
  signal?: AbortSignal;
}

function isNamespaceTerminating(err: unknown): boolean {
  const st = (err as { status?: { details?: { causes?: Array<{ reason?: string }> } } }).status;
  return st?.details?.causes?.some((c) => c.reason === 'NamespaceTerminating') ?? false;
}

export class RootCaPublisher {
  constructor(private readonly o: RootCaPublisherOptions) {}

  register(): void {
    this.o.namespaces.addEventHandler({
      onAdd: (ns) => this.o.queue.add(ns.metadata!.name!),
      onUpdate: (_old, ns) => {
        if (ns.status?.phase === 'Active') this.o.queue.add(ns.metadata!.name!);
      },
    });
    const onConfigMap = (cm: ConfigMapObj) => {
      if (cm.metadata?.name === ROOT_CA_CONFIGMAP && cm.metadata.namespace) this.o.queue.add(cm.metadata.namespace);
    };
    this.o.configMaps.addEventHandler({
      onUpdate: (_old, cm) => onConfigMap(cm),
      onDelete: (d) => onConfigMap(d.lastKnown),
    });
  }

  async sync(namespace: string): Promise<void> {
    const data = { 'ca.crt': this.o.rootCa };
    const cm = this.o.configMaps.lister.get(namespace, ROOT_CA_CONFIGMAP);
    if (!cm) {
      try {
        await this.o.client.create<ConfigMapObj>(
          CONFIGMAPS,
          namespace,
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data },
          { signal: this.o.signal },
        );
        this.o.log.info({ namespace, name: ROOT_CA_CONFIGMAP }, 'created root CA ConfigMap');
      } catch (err) {
        // AlreadyExists: the cache is behind; the add event brings the object and the next sync checks it.
        if (isNotFound(err) || isNamespaceTerminating(err) || isAlreadyExists(err)) return;
        throw err;
      }
      return;
    }
    if (sameData(cm.data, data) && cm.metadata?.annotations?.[DESCRIPTION_ANNOTATION]) return;
    const next: ConfigMapObj = structuredClone(cm);
    next.data = data;
    next.metadata = { ...next.metadata, annotations: { ...next.metadata?.annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION } };
    await this.o.client.update<ConfigMapObj>(CONFIGMAPS, next, { signal: this.o.signal });
    this.o.log.info({ namespace, name: ROOT_CA_CONFIGMAP }, 'repaired root CA ConfigMap');
  }
}

function sameData(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b).length && ka.every((k) => a![k] === b[k]);
}
