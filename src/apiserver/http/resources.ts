/**
 * REST handlers for resource requests: every verb on every served resource and its
 * subresources (status, scale, binding, eviction, finalize). Handlers decode and check the
 * request, convert between the request version and the storage version, call the registry and
 * encode the answer in the negotiated representation. Errors are thrown as ApiError.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringify as toYaml } from 'yaml';
import type { KubeObject } from '../../api/types.js';
import { apiVersionOf, type ResourceInfo } from '../../api/resources.js';
import { fieldsOf, supportsField } from '../../api/fields.js';
import * as errors from '../../machinery/errors.js';
import { parseSelector, labelSelectorToSelector, formatLabels, type Selector } from '../../machinery/labels.js';
import { parseFieldSelector, type FieldSelector } from '../../machinery/fields.js';
import { invalid as fieldInvalid } from '../../machinery/fielderrors.js';
import type { Registries } from '../registries.js';
import type { RegistryStore, DeleteOptions } from '../registry/store.js';
import type { CachedObject, WatchEventType } from '../registry/cacher.js';
import { buildTable, partialMetadata } from '../table.js';
import { negotiate, parseBody, bodyKind, type Representation } from './negotiation.js';
import { parseQuery, type RequestQuery } from './query.js';
import type { ResourceVerb } from './requestinfo.js';
import type { SubresourceInfo } from '../../api/resources.js';
import { applyPatch } from './patch.js';
import { watchStream } from './watch.js';
import { duplicateFields } from './duplicatefields.js';

const isJsonBody = (r: ResourceRequest): boolean => {
  const t = (r.req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return t === '' || t === 'application/json';
};
import { bindPod } from '../registry/core/pods.js';
import type { ServiceAccountTokenApi } from '../serviceaccount/index.js';
import { KUBELET_SUBRESOURCES, type KubeletProxy } from '../proxy/index.js';

export interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  info: ResourceInfo;
  verb: ResourceVerb;
  namespace?: string;
  name?: string;
  subresource?: SubresourceInfo;
  body?: Buffer;
  signal: AbortSignal;
}

interface Reply {
  code: number;
  body: unknown;
  /** Pre-serialized JSON (fast path for lists and gets from the cache). */
  raw?: string;
  /** Pre-serialized JSON in parts, written as they come (large lists never become one string). */
  rawParts?: () => Iterable<string>;
  warnings?: string[];
}

export class ResourceHandlers {
  constructor(
    private readonly registries: Registries,
    private readonly saTokens?: Pick<ServiceAccountTokenApi, 'tokenRequest'>,
    private readonly kubelets?: Pick<KubeletProxy, 'serve'>,
  ) {}

  async handle(r: ResourceRequest): Promise<void> {
    if (this.kubelets && r.subresource && KUBELET_SUBRESOURCES.has(r.subresource.name)) return this.kubelets.serve(r);
    const q = parseQuery(r.url.searchParams);
    const rep = negotiate(r.req.headers.accept);
    const reg = this.registries.forResource(r.info);
    if (r.verb === 'watch') return this.watch(r, q, rep, reg);
    const reply = await this.dispatch(r, q, rep, reg);
    this.send(r, reply, rep, q);
  }

  private send(r: ResourceRequest, reply: Reply, rep: Representation, q: RequestQuery): void {
    const headers: Record<string, string | string[]> = {};
    if (reply.warnings?.length) headers.warning = reply.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    if (rep.format === 'yaml' && rep.as === 'Object') {
      const raw = reply.raw ?? (reply.rawParts ? [...reply.rawParts()].join('') : undefined);
      const body = toYaml(raw !== undefined ? JSON.parse(raw) : reply.body);
      r.res.writeHead(reply.code, { ...headers, 'content-type': 'application/yaml' });
      r.res.end(body);
      return;
    }
    r.res.writeHead(reply.code, { ...headers, 'content-type': 'application/json' });
    if (reply.rawParts && !q.pretty) {
      let batch = '';
      for (const part of reply.rawParts()) {
        batch += part;
        if (batch.length >= 256 * 1024) {
          r.res.write(batch);
          batch = '';
        }
      }
      r.res.end(batch);
      return;
    }
    const json =
      reply.raw ??
      (reply.rawParts ? [...reply.rawParts()].join('') : undefined) ??
      (q.pretty ? JSON.stringify(reply.body, null, 2) : JSON.stringify(reply.body));
    r.res.end(q.pretty && reply.body === undefined ? JSON.stringify(JSON.parse(json), null, 2) : json);
  }

  private async dispatch(r: ResourceRequest, q: RequestQuery, rep: Representation, reg: RegistryStore): Promise<Reply> {
    const sub = r.subresource?.name;
    switch (sub) {
      case undefined:
        break;
      case 'status':
        if (r.verb === 'get') return this.get(r, rep, reg);
        if (r.verb === 'update') return this.update(r, q, reg, 'status');
        if (r.verb === 'patch') return this.patch(r, q, reg, 'status');
        break;
      case 'scale':
        return this.scale(r, q, reg);
      case 'binding':
        return this.binding(r, q, reg, r.name!);
      case 'eviction':
        return this.eviction(r, q, reg);
      case 'finalize':
        return this.finalize(r, q, reg);
      case 'ephemeralcontainers':
        if (r.verb === 'get') return this.get(r, rep, reg);
        return this.ephemeralContainers(r, q, reg);
      case 'token':
        if (!this.saTokens) throw errors.methodNotAllowed(r.verb, reg.gr);
        return { code: 201, body: await this.saTokens.tokenRequest(r.namespace!, r.name!, this.decodeObject(r, 'TokenRequest', 'authentication.k8s.io/v1')) };
    }
    if (sub) throw errors.methodNotAllowed(r.verb, reg.gr);
    if (r.info.resource === 'bindings' && r.verb === 'create') return this.binding(r, q, this.registries.byName('', 'pods'), undefined);
    switch (r.verb) {
      case 'get':
        return this.get(r, rep, reg);
      case 'list':
        return this.list(r, q, rep, reg);
      case 'create':
        return this.create(r, q, reg);
      case 'update':
        return this.update(r, q, reg, undefined);
      case 'patch':
        return this.patch(r, q, reg, undefined);
      case 'delete':
        return this.delete(r, q, reg);
      case 'deletecollection':
        return this.deleteCollection(r, q, rep, reg);
      default:
        throw errors.methodNotAllowed(r.verb, reg.gr);
    }
  }

  // ---- conversion between request version and storage version ----

  private out(r: ResourceRequest, obj: KubeObject): KubeObject {
    return this.registries.fromStorage(r.info, obj);
  }

  private outJson(r: ResourceRequest, o: CachedObject): string {
    return this.registries.needsConversion(r.info) ? JSON.stringify(this.out(r, o.obj)) : o.json();
  }

  // ---- reads ----

  private get(r: ResourceRequest, rep: Representation, reg: RegistryStore): Reply {
    const o = reg.get(r.namespace, r.name!);
    if (rep.as === 'Table') {
      return { code: 200, body: buildTable([o.obj], this.registries.printer(r.info), { version: rep.version, include: 'Metadata', resourceVersion: undefined }) };
    }
    if (rep.as === 'PartialObjectMetadata') return { code: 200, body: partialMetadata(o.obj, rep.version) };
    return { code: 200, body: undefined, raw: this.outJson(r, o) };
  }

  private selectors(r: ResourceRequest, q: RequestQuery): { matches: (o: CachedObject) => boolean; filtered: boolean } {
    let ls: Selector | undefined;
    let fs: FieldSelector | undefined;
    if (q.labelSelector) {
      try {
        ls = parseSelector(q.labelSelector);
      } catch (err) {
        throw errors.badRequest((err as Error).message);
      }
      if (ls.empty()) ls = undefined;
    }
    if (q.fieldSelector) {
      try {
        fs = parseFieldSelector(q.fieldSelector);
      } catch (err) {
        throw errors.badRequest((err as Error).message);
      }
      for (const req of fs.requirements()) {
        if (!supportsField(r.info.group, r.info.resource, req.field)) {
          throw errors.badRequest(`field label not supported: ${req.field}`);
        }
      }
      if (fs.empty()) fs = undefined;
    }
    const { group, resource } = this.registries.storageOf(r.info);
    const matches = (o: CachedObject): boolean => {
      if (ls && !ls.matches(o.labels)) return false;
      if (fs && !fs.matches(this.fieldsOf(r, group, resource, o))) return false;
      return true;
    };
    return { matches, filtered: !!(ls || fs) };
  }

  /** Field-selector values of a cached object, computed once per object and served version. */
  private fieldsOf(r: ResourceRequest, group: string, resource: string, o: CachedObject): Record<string, string> {
    const k = `fields:${apiVersionOf(r.info)}`;
    const memo = (o.memo ??= new Map());
    let f = memo.get(k) as Record<string, string> | undefined;
    if (!f) {
      f = fieldsOf(group, resource, this.registries.needsConversion(r.info) ? this.out(r, o.obj) : o.obj);
      memo.set(k, f);
    }
    return f;
  }

  private async list(r: ResourceRequest, q: RequestQuery, rep: Representation, reg: RegistryStore): Promise<Reply> {
    const sel = this.selectors(r, q);
    const res = await reg.list(r.namespace, {
      ...sel,
      resourceVersion: q.resourceVersion,
      resourceVersionMatch: q.resourceVersionMatch,
      limit: q.limit,
      continueToken: q.continueToken,
    });
    if (rep.as === 'Table') {
      return {
        code: 200,
        body: buildTable(
          res.items.map((o) => o.obj),
          this.registries.printer(r.info),
          {
            version: rep.version,
            include: q.includeObject ?? 'Metadata',
            resourceVersion: res.resourceVersion,
            continueToken: res.continueToken,
            remainingItemCount: res.remainingItemCount,
          },
        ),
      };
    }
    const meta: Record<string, unknown> = { resourceVersion: res.resourceVersion };
    if (res.continueToken) meta.continue = res.continueToken;
    if (res.remainingItemCount !== undefined) meta.remainingItemCount = res.remainingItemCount;
    if (rep.as === 'PartialObjectMetadata') {
      return {
        code: 200,
        body: {
          kind: 'PartialObjectMetadataList',
          apiVersion: `meta.k8s.io/${rep.version}`,
          metadata: meta,
          items: res.items.map((o) => partialMetadata(o.obj, rep.version)),
        },
      };
    }
    const head = JSON.stringify({ kind: `${r.info.kind}List`, apiVersion: apiVersionOf(r.info), metadata: meta });
    const outJson = (o: CachedObject) => this.outJson(r, o);
    function* parts(): Iterable<string> {
      yield `${head.slice(0, -1)},"items":[`;
      for (let i = 0; i < res.items.length; i++) yield i ? `,${outJson(res.items[i])}` : outJson(res.items[i]);
      yield ']}';
    }
    return { code: 200, body: undefined, rawParts: parts };
  }

  private async watch(r: ResourceRequest, q: RequestQuery, rep: Representation, reg: RegistryStore): Promise<void> {
    const sel = this.selectors(r, q);
    await watchStream({
      req: r.req,
      res: r.res,
      signal: r.signal,
      registry: reg,
      info: r.info,
      namespace: r.namespace,
      name: r.name,
      matches: sel.matches,
      query: q,
      rep,
      encode: (type: WatchEventType, o: CachedObject) => this.encodeWatchObject(r, rep, q, o),
      representationKey: `${apiVersionOf(r.info)}|${r.info.resource}|${rep.as}|${'version' in rep ? rep.version : ''}|${q.includeObject ?? ''}`,
    });
  }

  private encodeWatchObject(r: ResourceRequest, rep: Representation, q: RequestQuery, o: CachedObject): string {
    if (rep.as === 'Table') {
      return JSON.stringify(
        buildTable([o.obj], this.registries.printer(r.info), { version: rep.version, include: q.includeObject ?? 'Metadata', noHeaders: false }),
      );
    }
    if (rep.as === 'PartialObjectMetadata') return JSON.stringify(partialMetadata(o.obj, rep.version));
    return this.outJson(r, o);
  }

  // ---- writes ----

  /** Decodes the request body as an object of the request's kind (in the request version). */
  private decodeObject(r: ResourceRequest, expectKind = r.info.kind, expectApiVersion = apiVersionOf(r.info)): KubeObject {
    const body = parseBody(r.body ?? Buffer.alloc(0), bodyKind(r.req.headers['content-type'], false));
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw errors.badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
    }
    const obj = body as KubeObject;
    if (obj.kind === undefined || obj.kind === '') {
      obj.kind = expectKind;
    } else if (typeof obj.kind !== 'string' || obj.kind !== expectKind) {
      throw errors.badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${expectKind})`);
    }
    if (obj.apiVersion === undefined || obj.apiVersion === '') {
      obj.apiVersion = expectApiVersion;
    } else if (obj.apiVersion !== expectApiVersion) {
      throw errors.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expectApiVersion})`);
    }
    if (obj.metadata !== undefined && (obj.metadata === null || typeof obj.metadata !== 'object' || Array.isArray(obj.metadata))) {
      throw errors.badRequest(`${expectKind} in version "${apiVersionOf(r.info)}" cannot be handled as a ${expectKind}: json: cannot unmarshal ${Array.isArray(obj.metadata) ? 'array' : typeof obj.metadata} into Go struct field ${expectKind}.metadata of type v1.ObjectMeta`);
    }
    return obj;
  }

  /**
   * Drops unknown fields; Strict fails on them and on duplicate JSON keys, Warn (the default)
   * reports both as warnings, Ignore says nothing. `raw` is the JSON body when there is one.
   */
  private checkFields(r: ResourceRequest, q: RequestQuery, obj: KubeObject, raw?: Buffer): string[] {
    const mode = q.fieldValidation ?? 'Warn';
    const unknown = this.registries.pruneUnknown(obj, r.info.group, r.info.version, r.info.kind);
    if (mode === 'Ignore') return [];
    const dups = raw && isJsonBody(r) ? duplicateFields(raw.toString('utf8')) : [];
    const problems = [...unknown.map((f) => `unknown field "${f}"`), ...dups.map((f) => `duplicate field "${f}"`)];
    if (!problems.length) return [];
    if (mode === 'Strict') throw errors.badRequest(`strict decoding error: ${problems.join(', ')}`);
    return problems;
  }

  private async create(r: ResourceRequest, q: RequestQuery, reg: RegistryStore): Promise<Reply> {
    const obj = this.decodeObject(r);
    const warnings = this.checkFields(r, q, obj, r.body);
    if (r.info.namespaced && obj.metadata?.namespace && obj.metadata.namespace !== r.namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const created = await reg.create(r.namespace, this.registries.toStorage(r.info, obj), { dryRun: q.dryRun });
    return { code: 201, body: this.out(r, created), warnings };
  }

  private async update(r: ResourceRequest, q: RequestQuery, reg: RegistryStore, subresource: 'status' | undefined): Promise<Reply> {
    const obj = this.decodeObject(r);
    const warnings = this.checkFields(r, q, obj, r.body);
    const res = await reg.update(r.namespace, r.name!, this.registries.toStorage(r.info, obj), { dryRun: q.dryRun, subresource });
    return { code: res.created ? 201 : 200, body: this.out(r, res.obj), warnings };
  }

  private async patch(r: ResourceRequest, q: RequestQuery, reg: RegistryStore, subresource: 'status' | undefined): Promise<Reply> {
    const kind = bodyKind(r.req.headers['content-type'], true);
    if (kind === 'apply-patch') {
      throw new errors.ApiError(415, 'UnsupportedMediaType', 'server-side apply (application/apply-patch+yaml) is not supported by this server yet; use client-side kubectl apply');
    }
    const patch = parseBody(r.body ?? Buffer.alloc(0), kind);
    let warnings: string[] = [];
    let patchedRv: string | undefined;
    const res = await reg.guaranteedUpdate(
      r.namespace,
      r.name!,
      (current) => {
        const versioned = this.out(r, current!);
        const patched = applyPatch(kind, versioned, patch, this.registries.patchMeta(r.info)) as KubeObject;
        if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) {
          throw errors.badRequest('the patched object is not a JSON object');
        }
        if (patched.kind !== r.info.kind || patched.apiVersion !== apiVersionOf(r.info)) {
          throw errors.badRequest(`the patched object must keep kind ${r.info.kind} and apiVersion ${apiVersionOf(r.info)}`);
        }
        warnings = this.checkFields(r, q, patched);
        patchedRv = patched.metadata?.resourceVersion;
        if (patched.metadata?.name !== undefined && patched.metadata.name !== r.name) {
          throw errors.badRequest(`the name of the object (${patched.metadata.name}) does not match the name on the URL (${r.name})`);
        }
        return this.registries.toStorage(r.info, patched);
      },
      { dryRun: q.dryRun, subresource, expectedRv: () => patchedRv },
    );
    return { code: 200, body: this.out(r, res.obj), warnings };
  }

  private deleteOptions(r: ResourceRequest, q: RequestQuery): DeleteOptions {
    const opts: DeleteOptions = {
      gracePeriodSeconds: q.gracePeriodSeconds,
      propagationPolicy: q.propagationPolicy,
      orphanDependents: q.orphanDependents,
      dryRun: q.dryRun,
    };
    if (r.body && r.body.length && r.body.toString('utf8').trim() !== '') {
      const body = parseBody(r.body, bodyKind(r.req.headers['content-type'], false)) as Record<string, any>;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('DeleteOptions must be a JSON object');
      if (body.kind !== undefined && body.kind !== 'DeleteOptions') {
        throw errors.badRequest(`expected DeleteOptions, got ${String(body.kind)}`);
      }
      if (body.gracePeriodSeconds !== undefined) {
        if (!Number.isInteger(body.gracePeriodSeconds)) throw errors.badRequest('gracePeriodSeconds must be an integer');
        opts.gracePeriodSeconds = body.gracePeriodSeconds;
      }
      if (body.propagationPolicy !== undefined) {
        if (!['Orphan', 'Background', 'Foreground'].includes(body.propagationPolicy)) {
          throw errors.invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [
            { type: 'FieldValueNotSupported', field: 'propagationPolicy', badValue: body.propagationPolicy, detail: 'supported values: "Orphan", "Background", "Foreground"' },
          ]);
        }
        opts.propagationPolicy = body.propagationPolicy;
      }
      if (body.orphanDependents !== undefined) opts.orphanDependents = Boolean(body.orphanDependents);
      if (body.preconditions) opts.preconditions = body.preconditions;
      if (Array.isArray(body.dryRun) && body.dryRun.includes('All')) opts.dryRun = true;
    }
    if (opts.orphanDependents !== undefined && opts.propagationPolicy !== undefined) {
      throw errors.invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [
        { type: 'FieldValueInvalid', field: 'propagationPolicy', badValue: opts.propagationPolicy, detail: 'orphanDependents and deletionPropagation cannot be both set' },
      ]);
    }
    return opts;
  }

  private async delete(r: ResourceRequest, q: RequestQuery, reg: RegistryStore): Promise<Reply> {
    const opts = this.deleteOptions(r, q);
    const res = await reg.delete(r.namespace, r.name!, opts);
    return { code: 200, body: this.out(r, res.obj) };
  }

  private async deleteCollection(r: ResourceRequest, q: RequestQuery, rep: Representation, reg: RegistryStore): Promise<Reply> {
    const opts = this.deleteOptions(r, q);
    const sel = this.selectors(r, q);
    const items = await reg.deleteCollection(r.namespace, { ...sel }, opts);
    return {
      code: 200,
      body: { kind: `${r.info.kind}List`, apiVersion: apiVersionOf(r.info), metadata: {}, items: items.map((o) => this.out(r, o)) },
    };
  }

  // ---- subresources ----

  private scaleOf(r: ResourceRequest, obj: KubeObject): Record<string, unknown> {
    const m = obj.metadata ?? {};
    const spec = (obj.spec ?? {}) as { replicas?: number; selector?: any };
    const status = (obj.status ?? {}) as { replicas?: number };
    let selector = '';
    if (r.info.resource === 'replicationcontrollers') selector = formatLabels(spec.selector ?? {});
    else if (spec.selector) selector = labelSelectorToSelector(spec.selector).toString();
    const st: Record<string, unknown> = { replicas: status.replicas ?? 0 };
    if (selector) st.selector = selector;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
      spec: { replicas: spec.replicas ?? 0 },
      status: st,
    };
  }

  private async scale(r: ResourceRequest, q: RequestQuery, reg: RegistryStore): Promise<Reply> {
    if (r.verb === 'get') return { code: 200, body: this.scaleOf(r, reg.get(r.namespace, r.name!).obj) };
    let desired: KubeObject;
    let patchKind: ReturnType<typeof bodyKind> | undefined;
    let patch: unknown;
    if (r.verb === 'update') {
      desired = this.decodeObject(r, 'Scale', 'autoscaling/v1');
    } else {
      patchKind = bodyKind(r.req.headers['content-type'], true);
      if (patchKind === 'apply-patch') throw new errors.ApiError(415, 'UnsupportedMediaType', 'server-side apply is not supported by this server yet');
      patch = parseBody(r.body ?? Buffer.alloc(0), patchKind);
      desired = {};
    }
    let wantRv: string | undefined;
    const res = await reg.guaranteedUpdate(
      r.namespace,
      r.name!,
      (current) => {
        const cur = current!;
        let scale = desired;
        if (patchKind) scale = applyPatch(patchKind, this.scaleOf(r, cur), patch, undefined) as KubeObject;
        if (scale.metadata?.name !== undefined && scale.metadata.name !== r.name) {
          throw errors.badRequest(`the name of the object (${scale.metadata.name}) does not match the name on the URL (${r.name})`);
        }
        wantRv = scale.metadata?.resourceVersion;
        const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
        if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
          throw errors.invalid({ group: 'autoscaling', kind: 'Scale' }, r.name!, [
            fieldInvalid('spec.replicas', replicas ?? null, 'must be greater than or equal to 0'),
          ]);
        }
        (cur.spec as { replicas?: number }).replicas = replicas;
        return cur;
      },
      { dryRun: q.dryRun, expectedRv: () => wantRv },
    );
    return { code: 200, body: this.scaleOf(r, res.obj) };
  }

  private async binding(r: ResourceRequest, q: RequestQuery, pods: RegistryStore, podName: string | undefined): Promise<Reply> {
    const b = this.decodeObject(r, 'Binding', 'v1');
    const name = podName ?? b.metadata?.name;
    if (!name) throw errors.badRequest('name is required in the Binding');
    if (podName && b.metadata?.name && b.metadata.name !== podName) {
      throw errors.badRequest(`the name of the object (${b.metadata.name}) does not match the name on the URL (${podName})`);
    }
    const target = b.target as { kind?: string; name?: string } | undefined;
    if (!target?.name) {
      throw errors.invalid({ group: '', kind: 'Binding' }, name, [{ type: 'FieldValueRequired', field: 'target.name', badValue: '', detail: '' }]);
    }
    if (target.kind && target.kind !== 'Node') {
      throw errors.invalid({ group: '', kind: 'Binding' }, name, [fieldInvalid('target.kind', target.kind, 'must be empty or \'Node\'')]);
    }
    await bindPod(pods, r.namespace, name, target.name, b.metadata?.annotations, { dryRun: q.dryRun });
    return { code: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
  }

  private async eviction(r: ResourceRequest, q: RequestQuery, pods: RegistryStore): Promise<Reply> {
    const ev = this.decodeObject(r, 'Eviction', 'policy/v1');
    if (ev.metadata?.name && ev.metadata.name !== r.name) {
      throw errors.badRequest(`name in URL does not match name in Eviction object`);
    }
    const pod = pods.get(r.namespace, r.name!).obj;
    const pdbs = this.registries.byName('policy', 'poddisruptionbudgets');
    const matching = (await pdbs.list(r.namespace, { matches: () => true, filtered: false })).items.filter((p) => {
      const sel = (p.obj.spec as { selector?: any } | undefined)?.selector;
      return sel && labelSelectorToSelector(sel).matches(pod.metadata?.labels);
    });
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase !== 'Succeeded' && phase !== 'Failed' && phase !== 'Pending') {
      if (matching.length > 1) {
        throw new errors.ApiError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
      }
      for (const p of matching) {
        const allowed = (p.obj.status as { disruptionsAllowed?: number } | undefined)?.disruptionsAllowed ?? 0;
        if (allowed < 1) {
          throw new errors.ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
            causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${p.name} needs ${allowed} healthy pods and has ${allowed} currently` }],
          });
        }
      }
    }
    const delOpts = (ev.deleteOptions ?? {}) as Record<string, any>;
    await pods.delete(r.namespace, r.name!, {
      gracePeriodSeconds: delOpts.gracePeriodSeconds,
      propagationPolicy: delOpts.propagationPolicy,
      preconditions: delOpts.preconditions,
      dryRun: q.dryRun || (Array.isArray(delOpts.dryRun) && delOpts.dryRun.includes('All')),
    });
    return { code: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
  }

  /** PUT/PATCH pods/ephemeralcontainers: only spec.ephemeralContainers changes, and only by additions. */
  private async ephemeralContainers(r: ResourceRequest, q: RequestQuery, pods: RegistryStore): Promise<Reply> {
    let body: KubeObject | undefined;
    let patchKind: ReturnType<typeof bodyKind> | undefined;
    let patch: unknown;
    if (r.verb === 'update') body = this.decodeObject(r);
    else {
      patchKind = bodyKind(r.req.headers['content-type'], true);
      if (patchKind === 'apply-patch') throw new errors.ApiError(415, 'UnsupportedMediaType', 'server-side apply is not supported by this server yet');
      patch = parseBody(r.body ?? Buffer.alloc(0), patchKind);
    }
    let wantRv: string | undefined;
    type C = { name?: string; image?: string };
    const res = await pods.guaranteedUpdate(
      r.namespace,
      r.name!,
      (cur) => {
        const pod = cur!;
        const desired = body ?? (applyPatch(patchKind!, structuredClone(pod), patch, this.registries.patchMeta(r.info)) as KubeObject);
        wantRv = desired.metadata?.resourceVersion;
        const spec = pod.spec as { containers?: C[]; initContainers?: C[]; ephemeralContainers?: C[] };
        const next = ((desired.spec as { ephemeralContainers?: C[] } | undefined)?.ephemeralContainers ?? []) as C[];
        const old = spec.ephemeralContainers ?? [];
        const errs = [];
        for (let i = 0; i < old.length; i++) {
          const same = next.find((c) => c.name === old[i].name);
          if (!same || JSON.stringify(same) !== JSON.stringify(old[i])) {
            errs.push({ type: 'FieldValueForbidden' as const, field: 'spec.ephemeralContainers', badValue: '', detail: 'existing ephemeral containers may not be removed or changed' });
            break;
          }
        }
        const names = new Set([...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => c.name));
        next.forEach((c, i) => {
          if (!c.name) errs.push({ type: 'FieldValueRequired' as const, field: `spec.ephemeralContainers[${i}].name`, badValue: '', detail: '' });
          else if (names.has(c.name)) errs.push({ type: 'FieldValueDuplicate' as const, field: `spec.ephemeralContainers[${i}].name`, badValue: c.name });
          else names.add(c.name);
          if (!c.image) errs.push({ type: 'FieldValueRequired' as const, field: `spec.ephemeralContainers[${i}].image`, badValue: '', detail: '' });
        });
        if (errs.length) throw errors.invalid({ group: '', kind: 'Pod' }, r.name!, errs);
        spec.ephemeralContainers = next.map((c) => ({ terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent', ...c }));
        return pod;
      },
      { dryRun: q.dryRun, raw: true, expectedRv: () => wantRv },
    );
    return { code: 200, body: res.obj };
  }

  private async finalize(r: ResourceRequest, q: RequestQuery, reg: RegistryStore): Promise<Reply> {
    const obj = this.decodeObject(r);
    if (obj.metadata?.name !== r.name) {
      throw errors.badRequest(`the name of the object (${obj.metadata?.name ?? ''}) does not match the name on the URL (${r.name})`);
    }
    const finalizers = (obj.spec as { finalizers?: string[] } | undefined)?.finalizers;
    const res = await reg.guaranteedUpdate(
      undefined,
      r.name!,
      (cur) => {
        const c = cur!;
        c.spec = { ...(c.spec as object), finalizers: finalizers ?? [] };
        if (!finalizers?.length) delete (c.spec as { finalizers?: string[] }).finalizers;
        return c;
      },
      { dryRun: q.dryRun, expectedRv: () => obj.metadata?.resourceVersion },
    );
    return { code: 200, body: this.out(r, res.obj) };
  }
}
