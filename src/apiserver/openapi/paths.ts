/**
 * The REST operations of the served resources, in a dialect-neutral form that the v2 and v3 builders
 * render: one PathSpec per URL template, with upstream's operationIds (listCoreV1NamespacedPod, ...),
 * x-kubernetes-action values, group-version-kinds and query parameters.
 */
import type { ResourceInfo, SubresourceInfo } from '../../api/resources.js';
import { DEF, definitionName, type Definitions, type GVK } from './definitions.js';

export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
export type Action = 'get' | 'list' | 'put' | 'patch' | 'post' | 'delete' | 'deletecollection' | 'watch' | 'watchlist' | 'connect';

export interface ParamSpec {
  name: string;
  in: 'query' | 'path' | 'body';
  description: string;
  required?: boolean;
  /** Primitive type of a query/path parameter. */
  type?: 'string' | 'boolean' | 'integer';
  uniqueItems?: boolean;
  /** Definition name of a body parameter's schema. */
  schema?: string;
}

export interface ResponseSpec {
  code: string;
  description: string;
  /** Definition name of the response body. */
  schema?: string;
}

export interface OperationSpec {
  method: Method;
  operationId: string;
  description: string;
  action?: Action;
  gvk?: GVK;
  tags: string[];
  params: ParamSpec[];
  consumes: string[];
  produces: string[];
  responses: ResponseSpec[];
}

export interface PathSpec {
  path: string;
  /** The OpenAPI v3 document this path belongs to: 'api/v1', 'apis/apps/v1', 'api', 'apis', 'apis/apps', 'version'. */
  doc: string;
  params: ParamSpec[];
  operations: OperationSpec[];
}

export const PATCH_CONTENT_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];
const PRODUCES = ['application/json', 'application/yaml'];
const PRODUCES_LIST = ['application/json', 'application/yaml', 'application/json;stream=watch'];
const PRODUCES_WATCH = ['application/json', 'application/json;stream=watch'];
const CONSUMES_ANY = ['*/*'];

const P = {
  pretty: q(
    'pretty',
    'string',
    "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).",
  ),
  namespace: { name: 'namespace', in: 'path', required: true, type: 'string', uniqueItems: true, description: 'object name and auth scope, such as for teams and projects' } as ParamSpec,
  dryRun: q(
    'dryRun',
    'string',
    'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed',
  ),
  fieldManager: q(
    'fieldManager',
    'string',
    'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.',
  ),
  fieldManagerApply: q(
    'fieldManager',
    'string',
    'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint. This field is required for apply requests (application/apply-patch) but optional for non-apply patch types (JsonPatch, MergePatch, StrategicMergePatch).',
  ),
  fieldValidation: q(
    'fieldValidation',
    'string',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.',
  ),
  force: q(
    'force',
    'boolean',
    'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
  ),
  allowWatchBookmarks: q(
    'allowWatchBookmarks',
    'boolean',
    'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server\'s discretion. Clients should not assume bookmarks are returned at any specific interval, nor may they assume the server will send any BOOKMARK event during a session. If this is not a watch, this field is ignored.',
  ),
  continue: q(
    'continue',
    'string',
    'The continue option should be set when retrieving more results from the server. Since this value is server defined, clients may only use the continue value from a previous query result with identical query parameters (except for the value of continue) and the server may reject a continue value it does not recognize. If the specified continue value is no longer valid whether due to expiration (generally five to fifteen minutes) or a configuration change on the server, the server will respond with a 410 ResourceExpired error together with a continue token. If the client needs a consistent list, it must restart their list without the continue field. Otherwise, the client may send another list request with the token received with the 410 error, the server will respond with a list starting from the next key, but from the latest snapshot, which is inconsistent from the previous list results - objects that are created, modified, or deleted after the first list request will be included in the response, as long as their keys are after the "next key".\n\nThis field is not supported when watch is true. Clients may start a watch from the last resourceVersion value returned by the server and not miss any modifications.',
  ),
  fieldSelector: q('fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  labelSelector: q('labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  limit: q(
    'limit',
    'integer',
    'limit is a maximum number of responses to return for a list call. If more items exist, the server will set the `continue` field on the list metadata to a value that can be used with the same initial query to retrieve the next set of results. Setting a limit may return fewer than the requested amount of items (up to zero items) in the event all requested objects are filtered out and clients should only use the presence of the continue field to determine whether more results are available. Servers may choose not to support the limit argument and will return all of the available results. If limit is specified and the continue field is empty, clients may assume that no more results are available. This field is not supported if watch is true.\n\nThe server guarantees that the objects returned when using continue will be identical to issuing a single list call without a limit - that is, no objects created, modified, or deleted after the first request is issued will be included in any subsequent continued requests. This is sometimes referred to as a consistent snapshot, and ensures that a client that is using limit to receive smaller chunks of a very large result can ensure they see all possible objects. If objects are updated during a chunked list the version of the object that was present at the time the first list result was calculated is returned.',
  ),
  resourceVersion: q(
    'resourceVersion',
    'string',
    'resourceVersion sets a constraint on what resource versions a request may be served from. See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset',
  ),
  resourceVersionMatch: q(
    'resourceVersionMatch',
    'string',
    'resourceVersionMatch determines how resourceVersion is applied to list calls. It is highly recommended that resourceVersionMatch be set for list calls where resourceVersion is set See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset',
  ),
  sendInitialEvents: q(
    'sendInitialEvents',
    'boolean',
    '`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection. Once all such events have been sent, a synthetic "Bookmark" event  will be sent. The bookmark will report the ResourceVersion (RV) corresponding to the set of objects, and be marked with `"k8s.io/initial-events-end": "true"` annotation. Afterwards, the watch stream will proceed as usual, sending watch events corresponding to changes (subsequent to the RV) to objects watched.\n\nWhen `sendInitialEvents` option is set, we require `resourceVersionMatch` option to also be set. The semantic of the watch request is as following: - `resourceVersionMatch` = NotOlderThan\n  is interpreted as "data at least as new as the provided `resourceVersion`"\n  and the bookmark event is send when the state is synced\n  to a `resourceVersion` at least as fresh as the one provided by the ListOptions.\n  If `resourceVersion` is unset, this is interpreted as "consistent read" and the\n  bookmark event is send when the state is synced at least to the moment\n  when request started being processed.\n- `resourceVersionMatch` set to any other value or unset\n  Invalid error is returned.\n\nDefaults to true if `resourceVersion=""` or `resourceVersion="0"` (for backward compatibility reasons) and to false otherwise.',
  ),
  timeoutSeconds: q(
    'timeoutSeconds',
    'integer',
    'Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity.',
  ),
  watch: q(
    'watch',
    'boolean',
    'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications. Specify resourceVersion.',
  ),
  gracePeriodSeconds: q(
    'gracePeriodSeconds',
    'integer',
    'The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used. Defaults to a per object value if not specified. zero means delete immediately.',
  ),
  ignoreStoreReadError: q(
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    'boolean',
    'if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error. A resource is considered corrupt if it can not be retrieved from the underlying storage successfully because of a) its data can not be transformed e.g. decryption failure, or b) it fails to decode into an object. NOTE: unsafe deletion ignores finalizer constraints, skips precondition checks, and removes the object from the storage. WARNING: This may potentially break the cluster if the workload associated with the resource being unsafe-deleted relies on normal deletion flow. Use only if you REALLY know what you are doing. The default value is false, and the user must opt in to enable it',
  ),
  orphanDependents: q(
    'orphanDependents',
    'boolean',
    'Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the dependent objects be orphaned. If true/false, the "orphan" finalizer will be added to/removed from the object\'s finalizers list. Either this field or PropagationPolicy may be set, but not both.',
  ),
  propagationPolicy: q(
    'propagationPolicy',
    'string',
    "Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set in the metadata.finalizers and the resource-specific default policy. Acceptable values are: 'Orphan' - orphan the dependents; 'Background' - allow the garbage collector to delete the dependents in the background; 'Foreground' - a cascading policy that deletes all dependents in the foreground.",
  ),
};

function q(name: string, type: 'string' | 'boolean' | 'integer', description: string): ParamSpec {
  return { name, in: 'query', type, uniqueItems: true, description };
}

function nameParam(kind: string): ParamSpec {
  return { name: 'name', in: 'path', required: true, type: 'string', uniqueItems: true, description: `name of the ${kind}` };
}

function body(schema: string, required = true): ParamSpec {
  return { name: 'body', in: 'body', required, schema, description: '' };
}

const LIST_PARAMS = [
  P.allowWatchBookmarks,
  P.continue,
  P.fieldSelector,
  P.labelSelector,
  P.limit,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
  P.watch,
];

const unauthorized: ResponseSpec = { code: '401', description: 'Unauthorized' };

/** Upstream's operationId group part: '' → Core, 'apps' → Apps, 'rbac.authorization.k8s.io' → RbacAuthorization. */
export function groupIdent(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map(cap)
    .join('');
}

/** Upstream's operation tag: core_v1, apps_v1, discovery_v1, rbacAuthorization_v1. */
export function groupTag(group: string, version?: string): string {
  const ident = groupIdent(group);
  const base = ident.charAt(0).toLowerCase() + ident.slice(1);
  return version ? `${base}_${version}` : base;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** URL prefix and v3 document key of a group/version. */
export function gvRoot(group: string, version: string): { prefix: string; doc: string } {
  return group === '' ? { prefix: `/api/${version}`, doc: `api/${version}` } : { prefix: `/apis/${group}/${version}`, doc: `apis/${group}/${version}` };
}

/** PathSpecs for every resource (and its subresources) plus the discovery and version endpoints. */
export function buildPathSpecs(resources: readonly ResourceInfo[], defs: Definitions): PathSpec[] {
  const paths = new Map<string, PathSpec>();
  const add = (spec: PathSpec): void => {
    const prev = paths.get(spec.path);
    if (prev) prev.operations.push(...spec.operations);
    else paths.set(spec.path, spec);
  };

  for (const res of resources) for (const p of resourcePaths(res, defs)) add(p);
  for (const p of discoveryPaths(resources)) add(p);

  return [...paths.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function resourcePaths(res: ResourceInfo, defs: Definitions): PathSpec[] {
  const { prefix, doc } = gvRoot(res.group, res.version);
  const gi = `${groupIdent(res.group)}${cap(res.version)}`;
  const tags = [groupTag(res.group, res.version)];
  const gvk: GVK = { group: res.group, version: res.version, kind: res.kind };
  const kindDef = definitionName(res.group, res.version, res.kind);
  const listDef = definitionName(res.group, res.version, `${res.kind}List`);
  const has = (v: string): boolean => res.verbs.includes(v as never);
  const ns = res.namespaced ? 'Namespaced' : '';
  const collection = res.namespaced ? `${prefix}/namespaces/{namespace}/${res.resource}` : `${prefix}/${res.resource}`;
  const item = `${collection}/{name}`;
  const scopeParams = res.namespaced ? [P.namespace] : [];
  const out: PathSpec[] = [];
  const op = (o: Omit<OperationSpec, 'tags' | 'gvk'> & { gvk?: GVK }): OperationSpec => ({ tags, gvk, ...o });

  // Collection: list / create / deletecollection.
  const collOps: OperationSpec[] = [];
  if (has('list')) {
    collOps.push(
      op({
        method: 'get',
        operationId: `list${gi}${ns}${res.kind}`,
        description: `list or watch objects of kind ${res.kind}`,
        action: 'list',
        params: LIST_PARAMS,
        consumes: CONSUMES_ANY,
        produces: PRODUCES_LIST,
        responses: [{ code: '200', description: 'OK', schema: defs[listDef] ? listDef : undefined }, unauthorized],
      }),
    );
  }
  if (has('create')) {
    collOps.push(
      op({
        method: 'post',
        operationId: `create${gi}${ns}${res.kind}`,
        description: `create ${article(res.kind)} ${res.kind}`,
        action: 'post',
        params: [body(kindDef), P.dryRun, P.fieldManager, P.fieldValidation],
        consumes: CONSUMES_ANY,
        produces: PRODUCES,
        responses: [
          { code: '200', description: 'OK', schema: kindDef },
          { code: '201', description: 'Created', schema: kindDef },
          { code: '202', description: 'Accepted', schema: kindDef },
          unauthorized,
        ],
      }),
    );
  }
  if (has('deletecollection')) {
    collOps.push(
      op({
        method: 'delete',
        operationId: `delete${gi}Collection${ns}${res.kind}`,
        description: `delete collection of ${res.kind}`,
        action: 'deletecollection',
        params: [
          body(DEF.deleteOptions, false),
          P.continue,
          P.dryRun,
          P.fieldSelector,
          P.gracePeriodSeconds,
          P.ignoreStoreReadError,
          P.labelSelector,
          P.limit,
          P.orphanDependents,
          P.propagationPolicy,
          P.resourceVersion,
          P.resourceVersionMatch,
          P.sendInitialEvents,
          P.timeoutSeconds,
        ],
        consumes: CONSUMES_ANY,
        produces: PRODUCES,
        responses: [{ code: '200', description: 'OK', schema: DEF.status }, unauthorized],
      }),
    );
  }
  if (collOps.length > 0) out.push({ path: collection, doc, params: [...scopeParams, P.pretty], operations: collOps });

  // Item: read / replace / delete / patch.
  const itemOps: OperationSpec[] = [];
  if (has('get')) {
    itemOps.push(
      op({
        method: 'get',
        operationId: `read${gi}${ns}${res.kind}`,
        description: `read the specified ${res.kind}`,
        action: 'get',
        params: [],
        consumes: CONSUMES_ANY,
        produces: PRODUCES,
        responses: [{ code: '200', description: 'OK', schema: kindDef }, unauthorized],
      }),
    );
  }
  if (has('update')) itemOps.push(replaceOp(op, `replace${gi}${ns}${res.kind}`, `replace the specified ${res.kind}`, kindDef));
  if (has('delete')) {
    const deleted = res.kind === 'Pod' ? kindDef : DEF.status;
    itemOps.push(
      op({
        method: 'delete',
        operationId: `delete${gi}${ns}${res.kind}`,
        description: `delete ${article(res.kind)} ${res.kind}`,
        action: 'delete',
        params: [body(DEF.deleteOptions, false), P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy],
        consumes: CONSUMES_ANY,
        produces: PRODUCES,
        responses: [
          { code: '200', description: 'OK', schema: deleted },
          { code: '202', description: 'Accepted', schema: deleted },
          unauthorized,
        ],
      }),
    );
  }
  if (has('patch')) itemOps.push(patchOp(op, `patch${gi}${ns}${res.kind}`, `partially update the specified ${res.kind}`, kindDef));
  if (itemOps.length > 0) out.push({ path: item, doc, params: [nameParam(res.kind), ...scopeParams, P.pretty], operations: itemOps });

  // Subresources.
  for (const sub of res.subresources) {
    const ctx = { prefix: item, doc, gi, ns, tags, scopeParams };
    out.push(sub.connect ? connectPath(res, sub, ctx) : subresourcePath(res, sub, ctx));
  }

  // Cluster-wide list of a namespaced resource.
  if (res.namespaced && has('list')) {
    out.push({
      path: `${prefix}/${res.resource}`,
      doc,
      params: byName([...LIST_PARAMS, P.pretty]),
      operations: [
        op({
          method: 'get',
          operationId: `list${gi}${res.kind}ForAllNamespaces`,
          description: `list or watch objects of kind ${res.kind}`,
          action: 'list',
          params: [],
          consumes: CONSUMES_ANY,
          produces: PRODUCES_LIST,
          responses: [{ code: '200', description: 'OK', schema: defs[listDef] ? listDef : undefined }, unauthorized],
        }),
      ],
    });
  }

  // Deprecated watch paths, as upstream still publishes them.
  if (has('watch')) {
    const wprefix = res.namespaced ? `${prefix}/watch/namespaces/{namespace}/${res.resource}` : `${prefix}/watch/${res.resource}`;
    const watchOp = (operationId: string, action: Action, description: string): OperationSpec =>
      op({
        method: 'get',
        operationId,
        description,
        action,
        params: [],
        consumes: CONSUMES_ANY,
        produces: PRODUCES_WATCH,
        responses: [{ code: '200', description: 'OK', schema: DEF.watchEvent }, unauthorized],
      });
    out.push({
      path: wprefix,
      doc,
      params: byName([...LIST_PARAMS, ...scopeParams, P.pretty]),
      operations: [
        watchOp(
          `watch${gi}${ns}${res.kind}List`,
          'watchlist',
          `watch individual changes to a list of ${res.kind}. deprecated: use the 'watch' parameter with a list operation instead.`,
        ),
      ],
    });
    out.push({
      path: `${wprefix}/{name}`,
      doc,
      params: byName([...LIST_PARAMS, nameParam(res.kind), ...scopeParams, P.pretty]),
      operations: [
        watchOp(
          `watch${gi}${ns}${res.kind}`,
          'watch',
          `watch changes to an object of kind ${res.kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`,
        ),
      ],
    });
    if (res.namespaced) {
      out.push({
        path: `${prefix}/watch/${res.resource}`,
        doc,
        params: byName([...LIST_PARAMS, P.pretty]),
        operations: [
          watchOp(
            `watch${gi}${res.kind}ListForAllNamespaces`,
            'watchlist',
            `watch individual changes to a list of ${res.kind}. deprecated: use the 'watch' parameter with a list operation instead.`,
          ),
        ],
      });
    }
  }
  return out;
}

type OpFactory = (o: Omit<OperationSpec, 'tags' | 'gvk'> & { gvk?: GVK }) => OperationSpec;

function replaceOp(op: OpFactory, operationId: string, description: string, def: string, gvk?: GVK): OperationSpec {
  return op({
    method: 'put',
    operationId,
    description,
    action: 'put',
    ...(gvk ? { gvk } : {}),
    params: [body(def), P.dryRun, P.fieldManager, P.fieldValidation],
    consumes: CONSUMES_ANY,
    produces: PRODUCES,
    responses: [
      { code: '200', description: 'OK', schema: def },
      { code: '201', description: 'Created', schema: def },
      unauthorized,
    ],
  });
}

function patchOp(op: OpFactory, operationId: string, description: string, def: string, gvk?: GVK): OperationSpec {
  return op({
    method: 'patch',
    operationId,
    description,
    action: 'patch',
    ...(gvk ? { gvk } : {}),
    params: [body(DEF.patch), P.dryRun, P.fieldManagerApply, P.fieldValidation, P.force],
    consumes: PATCH_CONTENT_TYPES,
    produces: PRODUCES,
    responses: [
      { code: '200', description: 'OK', schema: def },
      { code: '201', description: 'Created', schema: def },
      unauthorized,
    ],
  });
}

function subresourcePath(
  res: ResourceInfo,
  sub: SubresourceInfo,
  ctx: { prefix: string; doc: string; gi: string; ns: string; tags: string[]; scopeParams: ParamSpec[] },
): PathSpec {
  const group = sub.group ?? res.group;
  const version = sub.version ?? res.version;
  const gvk: GVK = { group, version, kind: sub.kind };
  const def = definitionName(group, version, sub.kind);
  const suffix = `${res.kind}${cap(sub.name)}`;
  const base = `${ctx.gi}${ctx.ns}${suffix}`;
  const op: OpFactory = (o) => ({ tags: ctx.tags, gvk, ...o });
  const ops: OperationSpec[] = [];
  const what = `${sub.name} of`;
  if (sub.verbs.includes('get')) {
    ops.push(
      op({
        method: 'get',
        operationId: `read${base}`,
        description: `read ${what} the specified ${res.kind}`,
        action: 'get',
        params: [],
        consumes: CONSUMES_ANY,
        produces: PRODUCES,
        responses: [{ code: '200', description: 'OK', schema: def }, unauthorized],
      }),
    );
  }
  if (sub.verbs.includes('create')) {
    ops.push(
      op({
        method: 'post',
        operationId: `create${base}`,
        description: `create ${what} ${article(res.kind)} ${res.kind}`,
        action: 'post',
        params: [body(def), P.dryRun, P.fieldManager, P.fieldValidation],
        consumes: CONSUMES_ANY,
        produces: PRODUCES,
        responses: [
          { code: '200', description: 'OK', schema: def },
          { code: '201', description: 'Created', schema: def },
          { code: '202', description: 'Accepted', schema: def },
          unauthorized,
        ],
      }),
    );
  }
  if (sub.verbs.includes('update')) ops.push(replaceOp(op, `replace${base}`, `replace ${what} the specified ${res.kind}`, def));
  if (sub.verbs.includes('patch')) ops.push(patchOp(op, `patch${base}`, `partially update ${what} the specified ${res.kind}`, def));
  const nameOf = sub.name === 'status' || sub.name === 'finalize' || sub.name === 'ephemeralcontainers' ? res.kind : sub.kind;
  return {
    path: `${ctx.prefix}/${sub.name}`,
    doc: ctx.doc,
    params: [nameParam(nameOf), ...ctx.scopeParams, P.pretty],
    operations: ops,
  };
}

/** Query parameters of connect subresources (their options kinds are not published as definitions). */
const CONNECT_QUERY: Record<string, ParamSpec[]> = {
  attach: ['container', 'stderr', 'stdin', 'stdout', 'tty'].map((n) => q(n, n === 'container' ? 'string' : 'boolean', `${n} of the attach request`)),
  exec: ['command', 'container', 'stderr', 'stdin', 'stdout', 'tty'].map((n) => q(n, n === 'command' || n === 'container' ? 'string' : 'boolean', `${n} of the exec request`)),
  log: [
    q('container', 'string', 'The container for which to stream logs. Defaults to only container if there is one container in the pod.'),
    q('follow', 'boolean', 'Follow the log stream of the pod. Defaults to false.'),
    q('insecureSkipTLSVerifyBackend', 'boolean', "insecureSkipTLSVerifyBackend indicates that the apiserver should not confirm the validity of the serving certificate of the backend it is connecting to."),
    q('limitBytes', 'integer', 'If set, the number of bytes to read from the server before terminating the log output.'),
    q('previous', 'boolean', 'Return previous terminated container logs. Defaults to false.'),
    q('sinceSeconds', 'integer', 'A relative time in seconds before the current time from which to show logs.'),
    q('tailLines', 'integer', 'If set, the number of lines from the end of the logs to show.'),
    q('timestamps', 'boolean', 'If true, add an RFC3339 or RFC3339Nano timestamp at the beginning of every line of log output. Defaults to false.'),
  ],
  portforward: [q('ports', 'integer', 'List of ports to forward')],
  proxy: [q('path', 'string', 'Path is the URL path to use for the current proxy request to pod.')],
};

/** A connect subresource (log, exec, attach, portforward, proxy): one operation per HTTP method, no body. */
function connectPath(
  res: ResourceInfo,
  sub: SubresourceInfo,
  ctx: { prefix: string; doc: string; gi: string; ns: string; tags: string[]; scopeParams: ParamSpec[] },
): PathSpec {
  const gvk: GVK = { group: sub.group ?? res.group, version: sub.version ?? res.version, kind: sub.kind };
  const base = `${ctx.gi}${ctx.ns}${res.kind}${cap(sub.name)}`;
  const methods: Array<[Method, string]> = [];
  if (sub.verbs.includes('delete')) methods.push(['delete', 'Delete']);
  if (sub.verbs.includes('get')) methods.push(['get', 'Get']);
  if (sub.verbs.includes('patch')) methods.push(['patch', 'Patch']);
  if (sub.verbs.includes('create')) methods.push(['post', 'Post']);
  if (sub.verbs.includes('update')) methods.push(['put', 'Put']);
  const operations: OperationSpec[] = methods.map(([method, m]) =>
    sub.name === 'log'
      ? { method, operationId: `read${base}`, description: `read log of the specified ${res.kind}`, action: 'get', gvk, tags: ctx.tags, params: [], consumes: CONSUMES_ANY, produces: ['text/plain', ...PRODUCES], responses: [{ code: '200', description: 'OK' }, unauthorized] }
      : { method, operationId: `connect${m}${base}`, description: `connect ${method.toUpperCase()} requests to ${sub.name} of ${res.kind}`, action: 'connect', gvk, tags: ctx.tags, params: [], consumes: CONSUMES_ANY, produces: CONSUMES_ANY, responses: [{ code: '200', description: 'OK' }, unauthorized] },
  );
  return {
    path: `${ctx.prefix}/${sub.name}`,
    doc: ctx.doc,
    params: byName([...(CONNECT_QUERY[sub.name] ?? []), nameParam(sub.kind), ...ctx.scopeParams]),
    operations,
  };
}

function discoveryPaths(resources: readonly ResourceInfo[]): PathSpec[] {
  const out: PathSpec[] = [];
  const gvs = new Map<string, { group: string; version: string }>();
  for (const r of resources) gvs.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  const simple = (path: string, doc: string, operationId: string, description: string, tag: string, schema: string): PathSpec => ({
    path,
    doc,
    params: [],
    operations: [
      {
        method: 'get',
        operationId,
        description,
        tags: [tag],
        params: [],
        consumes: ['application/json', 'application/yaml'],
        produces: ['application/json', 'application/yaml'],
        responses: [{ code: '200', description: 'OK', schema }, unauthorized],
      },
    ],
  });
  out.push(simple('/api/', 'api', 'getCoreAPIVersions', 'get available API versions', 'core', DEF.apiVersions));
  out.push(simple('/apis/', 'apis', 'getAPIVersions', 'get available API versions', 'apis', DEF.apiGroupList));
  out.push(simple('/version/', 'version', 'getCodeVersion', 'get the version information for this server', 'version', DEF.versionInfo));
  const groups = new Set<string>();
  for (const { group, version } of gvs.values()) {
    const { prefix, doc } = gvRoot(group, version);
    out.push(
      simple(`${prefix}/`, doc, `get${groupIdent(group)}${cap(version)}APIResources`, 'get available resources', groupTag(group, version), DEF.apiResourceList),
    );
    if (group !== '' && !groups.has(group)) {
      groups.add(group);
      out.push(simple(`/apis/${group}/`, `apis/${group}`, `get${groupIdent(group)}APIGroup`, 'get information of a group', groupTag(group), DEF.apiGroup));
    }
  }
  return out;
}

/** Path-level parameters in upstream's (alphabetical) order. */
function byName(params: ParamSpec[]): ParamSpec[] {
  return [...params].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? 'an' : 'a';
}
