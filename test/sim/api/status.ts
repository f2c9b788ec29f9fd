/**
 * `Status` error bodies with the apiserver's reasons and wording (protocols.md §4.4), so kubectl
 * prints `Error from server (NotFound): pods "x" not found` and client-node gets a parseable body.
 */

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: Array<{ reason?: string; message: string; field?: string }>;
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details?: StatusDetails;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  body(): object {
    return statusBody(this.code, this.reason, this.message, this.details);
  }
}

export function statusBody(code: number, reason: string, message: string, details?: StatusDetails): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** Reason for an HTTP status, as metav1.StatusReason. */
export function reasonFor(code: number): string {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 405:
      return 'MethodNotAllowed';
    case 409:
      return 'Conflict';
    case 410:
      return 'Expired';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    case 500:
      return 'InternalError';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'Timeout';
    default:
      return code >= 500 ? 'InternalError' : 'BadRequest';
  }
}

export function notFound(resource: string, name: string, group = ''): ApiError {
  return new ApiError(404, 'NotFound', `${resource}${group ? `.${group}` : ''} "${name}" not found`, { name, ...(group ? { group } : {}), kind: resource });
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

/** `pods "x" is forbidden: User "u" cannot get resource "pods/portforward" in API group "" in the namespace "ns"`. */
export function forbidden(options: { user: string; verb: string; resource: string; subresource?: string; group?: string; namespace?: string; name?: string }): ApiError {
  const full = options.subresource ? `${options.resource}/${options.subresource}` : options.resource;
  const subject = options.name ? `${options.resource} "${options.name}" is forbidden` : `${options.resource} is forbidden`;
  const scope = options.namespace ? `in the namespace "${options.namespace}"` : 'at the cluster scope';
  return new ApiError(403, 'Forbidden', `${subject}: User "${options.user}" cannot ${options.verb} resource "${full}" in API group "${options.group ?? ''}" ${scope}`, {
    ...(options.name ? { name: options.name } : {}),
    kind: options.resource,
  });
}

/** A non-resource URL denied by RBAC: `forbidden: User "u" cannot get path "/metrics"`. */
export function forbiddenPath(user: string, verb: string, path: string): ApiError {
  return new ApiError(403, 'Forbidden', `forbidden: User "${user}" cannot ${verb} path "${path}"`, {});
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}
