/**
 * The catalogue of API errors. Every failure that reaches a client is an ApiError carrying the
 * Kubernetes `reason` and HTTP code; it becomes a `Status` body only at the HTTP boundary
 * (`toStatus`). Messages follow upstream's wording so kubectl users see familiar text.
 */
import type { FieldError } from './fielderrors.js';
import { fieldErrorMessage } from './fielderrors.js';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'ServerTimeout';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason | string;
  details?: StatusDetails;
  code: number;
}

/** Group + resource as used in messages: `deployments.apps`, `pods`. */
export interface GroupResource {
  group: string;
  resource: string;
}

export const grString = (gr: GroupResource): string => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    const st: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) st.details = this.details;
    return st;
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

export const badRequest = (msg: string): ApiError => new ApiError(400, 'BadRequest', msg);

export const unauthorized = (msg = 'Unauthorized'): ApiError => new ApiError(401, 'Unauthorized', msg);

export const forbidden = (gr: GroupResource, name: string, msg: string): ApiError =>
  new ApiError(
    403,
    'Forbidden',
    name ? `${grString(gr)} "${name}" is forbidden: ${msg}` : `${grString(gr)} is forbidden: ${msg}`,
    { name: name || undefined, group: gr.group, kind: gr.resource },
  );

export const notFound = (gr: GroupResource, name: string): ApiError =>
  new ApiError(404, 'NotFound', `${grString(gr)} "${name}" not found`, { name, group: gr.group, kind: gr.resource });

/** 404 for a path that names no resource (upstream answers `the server could not find the requested resource`). */
export const noSuchResource = (): ApiError => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});

export const alreadyExists = (gr: GroupResource, name: string): ApiError =>
  new ApiError(409, 'AlreadyExists', `${grString(gr)} "${name}" already exists`, { name, group: gr.group, kind: gr.resource });

export const conflict = (gr: GroupResource, name: string, msg: string): ApiError =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${grString(gr)} "${name}": ${msg}`, {
    name,
    group: gr.group,
    kind: gr.resource,
  });

/** The optimistic-concurrency failure message kubectl users know. */
export const CONFLICT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

export const gone = (msg: string): ApiError => new ApiError(410, 'Gone', msg);

/** A watch or list continuation below the compacted revision. */
export const expired = (msg: string): ApiError => new ApiError(410, 'Expired', msg);

/** One 422 listing every cause: `Deployment.apps "web" is invalid: [a: Required value, b: ...]`. */
export const invalid = (kind: { group: string; kind: string }, name: string, errs: FieldError[]): ApiError => {
  const qualified = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
  const msgs = errs.map(fieldErrorMessage);
  const joined = msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qualified} "${name}" is invalid: ${joined}`, {
    name,
    group: kind.group,
    kind: kind.kind,
    causes: errs.map((e) => ({ reason: e.type, message: fieldErrorMessageBody(e), field: e.field })),
  });
};

function fieldErrorMessageBody(e: FieldError): string {
  const m = fieldErrorMessage(e);
  return m.slice(e.field.length + 2);
}

export const methodNotAllowed = (verb: string, gr: GroupResource): ApiError =>
  new ApiError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${grString(gr)}"`);

export const notAcceptable = (msg: string): ApiError => new ApiError(406, 'NotAcceptable', msg);

export const unsupportedMediaType = (contentType: string): ApiError =>
  new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${contentType || 'no content type'})`);

export const requestEntityTooLarge = (msg = 'Request entity too large: limit is 3145728'): ApiError =>
  new ApiError(413, 'RequestEntityTooLarge', msg);

export const tooManyRequests = (msg: string, retryAfterSeconds = 1): ApiError =>
  new ApiError(429, 'TooManyRequests', msg, { retryAfterSeconds });

export const internalError = (msg: string): ApiError =>
  new ApiError(500, 'InternalError', `Internal error occurred: ${msg}`, { causes: [{ message: msg }] });

export const serviceUnavailable = (msg: string): ApiError => new ApiError(503, 'ServiceUnavailable', msg);

export const timeout = (msg: string): ApiError => new ApiError(504, 'Timeout', msg);
