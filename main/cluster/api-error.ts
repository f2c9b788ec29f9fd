import type { ErrorCode } from '../../preload/contract/index.js';
import { AppError } from '../util/app-error.js';

/**
 * Apiserver failures in words a user can act on, one place for the whole client (DESIGN.md
 * "Errors"). Each error keeps the HTTP `statusCode` and the Status `reason` for code that must tell
 * cases apart (the watch cache relists on 410), and the user-facing `message` names the cluster,
 * user or host involved, never a credential.
 */
export class ApiError extends AppError {
  /** HTTP status, when the server answered at all. */
  readonly statusCode?: number;
  /** `Status.reason` from the body, e.g. `Expired`, `Forbidden`, `NotFound`. */
  readonly reason?: string;
  /** From `Retry-After` on 429/503. */
  readonly retryAfterMs?: number;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown; statusCode?: number; reason?: string; retryAfterMs?: number } = {}) {
    super(code, message, { hint: options.hint, cause: options.cause });
    this.name = 'ApiError';
    if (options.statusCode !== undefined) this.statusCode = options.statusCode;
    if (options.reason !== undefined) this.reason = options.reason;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** Who and where, for messages. */
export interface RequestContext {
  contextName: string;
  clusterName: string;
  userName: string;
  /** Host:port of the apiserver. */
  host: string;
  method: string;
  /** Path without the query (the query can hold selectors but never secrets; it is still left out). */
  path: string;
  /** Where the CA came from, or undefined when Node's built-in roots were used. */
  caSource?: string;
  insecureSkipTlsVerify: boolean;
  proxy?: string;
  /** The credentials' advice for a 401. */
  reloginHint: string;
}

interface KubeStatus {
  message?: string;
  reason?: string;
  code?: number;
}

function parseStatus(body: string): KubeStatus | undefined {
  try {
    const parsed = JSON.parse(body) as KubeStatus & { kind?: string };
    return parsed && typeof parsed === 'object' && parsed.kind === 'Status' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Maps a non-2xx answer to an `ApiError`; `body` is the (size-capped) response text. */
export function errorFromStatus(statusCode: number, body: string, context: RequestContext, retryAfter?: string): ApiError {
  const status = parseStatus(body);
  const serverMessage = status?.message ?? (body.trim().split('\n')[0].slice(0, 300) || undefined);
  const reason = status?.reason;
  const base = { statusCode, reason };
  const what = `${context.method} ${context.path}`;
  switch (statusCode) {
    case 401:
      return new ApiError('unauthorized', `The cluster rejected the credentials of user "${context.userName}" (context "${context.contextName}", 401 Unauthorized).`, { ...base, hint: context.reloginHint });
    case 403:
      return new ApiError('forbidden', `Forbidden: ${serverMessage ?? `user "${context.userName}" may not ${what}`}.`.replace(/\.\.$/, '.'), {
        ...base,
        hint: 'Ask a cluster admin for the permission named above, or use a context whose user has it.',
      });
    case 404:
      return new ApiError('not-found', `Not found: ${serverMessage ?? what}.`.replace(/\.\.$/, '.'), base);
    case 410:
      // Watches and paginated lists whose resourceVersion or continue token is too old.
      return new ApiError('closed', `The apiserver no longer has that version of the data (410 ${reason ?? 'Gone'}${serverMessage ? `: ${serverMessage}` : ''}); list again.`, base);
    case 408:
    case 504:
      return new ApiError('timeout', `The apiserver timed out on ${what} (${statusCode}${serverMessage ? `: ${serverMessage}` : ''}).`, base);
    case 429:
    case 503: {
      const retryAfterMs = parseRetryAfter(retryAfter);
      return new ApiError('unavailable', `The apiserver is ${statusCode === 429 ? 'rate limiting requests' : 'unavailable'} (${statusCode}${serverMessage ? `: ${serverMessage}` : ''}).`, {
        ...base,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        hint: 'Slicewise retries by itself.',
      });
    }
    default:
      if (statusCode >= 500) return new ApiError('unavailable', `The apiserver failed on ${what} (${statusCode}${serverMessage ? `: ${serverMessage}` : ''}).`, base);
      return new ApiError('bad-request', `The apiserver rejected ${what} (${statusCode}${serverMessage ? `: ${serverMessage}` : ''}).`, base);
  }
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const UNKNOWN_CA = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE']);

/** Maps a socket, DNS, TLS or proxy failure (a Node error with `code`) to an `ApiError`. */
export function errorFromNetwork(error: unknown, context: RequestContext): ApiError {
  if (error instanceof ApiError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const raw = error instanceof Error ? error.message : String(error);
  const hostname = context.host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const cause = { cause: error };
  const caWords = context.caSource ? `the CA from the kubeconfig (${context.caSource})` : 'the system CAs, because the kubeconfig gives no certificate-authority for this cluster';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return new ApiError('dns', `Cannot resolve host ${hostname} (cluster "${context.clusterName}").`, { ...cause, hint: 'Check the server address in the kubeconfig, your network, and any VPN the cluster needs.' });
  }
  if (UNKNOWN_CA.has(code)) {
    return new ApiError('tls', `TLS: the certificate of ${context.host} is not signed by a CA Slicewise trusts; it was checked against ${caWords}.`, {
      ...cause,
      hint: 'The kubeconfig may be for another cluster, or the cluster CA changed; get a fresh kubeconfig.',
    });
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const detail = (error as { reason?: string }).reason ?? raw;
    return new ApiError('tls', `TLS: the certificate of ${context.host} is not valid for that name (${detail.replace(/\.$/, '')}).`, {
      ...cause,
      hint: 'Use the server name the certificate was issued for, or set tls-server-name in the kubeconfig cluster.',
    });
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new ApiError('tls', `TLS: the certificate of ${context.host} ${code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'}.`, {
      ...cause,
      hint: code === 'CERT_HAS_EXPIRED' ? 'The cluster needs its certificates renewed (or the computer clock is wrong).' : 'Check the computer clock.',
    });
  }
  if (/CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED/.test(code) && code.startsWith('ERR_SSL_')) {
    return new ApiError('tls', `TLS: ${context.host} rejected the client certificate of user "${context.userName}".`, { ...cause, hint: 'The client certificate may have expired or belong to another cluster; get fresh credentials.' });
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || code === 'EPROTO') {
    return new ApiError('tls', `TLS: ${context.host} did not answer with TLS (${code}).`, { ...cause, hint: 'Check whether the server URL should start with http:// or https://, and the port.' });
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return new ApiError('tls', `TLS handshake with ${context.host} failed (${code}).`, cause);
  }
  if (code === 'ECONNREFUSED') {
    return new ApiError('unreachable', `Connection refused by ${context.proxy ? `the proxy ${context.proxy}` : context.host} (cluster "${context.clusterName}").`, {
      ...cause,
      hint: 'The apiserver may be down or the address wrong; a local cluster may need starting.',
    });
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN' || code === 'ENETDOWN') {
    return new ApiError('unreachable', `No route to ${context.host} (${code}).`, { ...cause, hint: 'Check your network and any VPN the cluster needs.' });
  }
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
    return new ApiError('timeout', `Connecting to ${context.host} timed out.`, { ...cause, hint: 'Check your network and any VPN or firewall between you and the cluster.' });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'UND_ERR_SOCKET') {
    return new ApiError('unreachable', `The connection to ${context.host} was closed unexpectedly (${code}).`, cause);
  }
  if (/^Bad response: \d+/.test(raw)) {
    // hpagent's CONNECT failure.
    return new ApiError('unreachable', `The proxy ${context.proxy ?? ''} refused to connect to ${context.host} (${raw.replace('Bad response: ', 'HTTP ')}).`.replace('  ', ' '), cause);
  }
  return new ApiError('unreachable', `Request to ${context.host} failed (${code || raw}).`, cause);
}
