/**
 * The ServiceAccounts controller (pkg/controller/serviceaccount/serviceaccounts_controller.go).
 *
 * Contracts:
 * - Keys are namespace names. A namespace is queued when it is added or updated, and when one of
 *   the ensured ServiceAccounts in it is deleted.
 * - `sync(ns)` creates each ensured ServiceAccount (`default`) missing from the cache, only in
 *   namespaces whose phase is Active. AlreadyExists and "namespace is terminating" answers are
 *   success; anything else is thrown (the key is retried).
 */
import type { Namespace, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/types.js';
import type { SharedInformer } from '../../client/informer.js';
import { isAlreadyExists, isNotFound, type RestClient } from '../../client/rest.js';
import type { WorkQueue } from '../../client/workqueue.js';
import type { Logger } from '../../util/logger.js';
import { SERVICEACCOUNTS } from '../resources.js';

export type NamespaceObj = Namespace & KubeObject;
export type ServiceAccountObj = ServiceAccount & KubeObject;

export const SERVICE_ACCOUNTS_TO_ENSURE = ['default'];

export interface ServiceAccountsOptions {
  client: Pick<RestClient, 'create'>;
  namespaces: Pick<SharedInformer<NamespaceObj>, 'lister' | 'addEventHandler'>;
  serviceAccounts: Pick<SharedInformer<ServiceAccountObj>, 'lister' | 'addEventHandler'>;
  queue: WorkQueue<string>;
  log: Logger;
  signal?: AbortSignal;
}

function isNamespaceTerminating(err: unknown): boolean {
  const st = (err as { status?: { details?: { causes?: Array<{ reason?: string }> } } }).status;
  return st?.details?.causes?.some((c) => c.reason === 'NamespaceTerminating') ?? false;
}

export class ServiceAccountsController {
  constructor(private readonly o: ServiceAccountsOptions) {}

  register(): void {
    this.o.namespaces.addEventHandler({
      onAdd: (ns) => this.o.queue.add(ns.metadata!.name!),
      onUpdate: (_old, ns) => this.o.queue.add(ns.metadata!.name!),
    });
    this.o.serviceAccounts.addEventHandler({
      onDelete: (d) => {
        const sa = d.lastKnown;
        if (SERVICE_ACCOUNTS_TO_ENSURE.includes(sa.metadata?.name ?? '') && sa.metadata?.namespace) this.o.queue.add(sa.metadata.namespace);
      },
    });
  }

  async sync(namespace: string): Promise<void> {
    const ns = this.o.namespaces.lister.get(undefined, namespace);
    if (!ns || ns.status?.phase !== 'Active') return;
    for (const name of SERVICE_ACCOUNTS_TO_ENSURE) {
      if (this.o.serviceAccounts.lister.get(namespace, name)) continue;
      try {
        await this.o.client.create<ServiceAccountObj>(SERVICEACCOUNTS, namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } }, { signal: this.o.signal });
        this.o.log.info({ namespace, name }, 'created ServiceAccount');
      } catch (err) {
        if (isAlreadyExists(err) || isNamespaceTerminating(err) || isNotFound(err)) continue;
        throw err;
      }
    }
  }
}
