/**
 * Machine codes for every error that crosses the contract. Each boundary (kubeconfig, apiserver,
 * transport, scrape, Prometheus) maps its failures to one of these exactly once; the UI shows
 * `message` (and `hint` when present) and never needs the cause.
 */
export type ErrorCode =
  | 'bad-request'
  | 'not-found'
  | 'unauthorized'
  | 'forbidden'
  | 'consent-required'
  | 'unreachable'
  | 'dns'
  | 'tls'
  | 'timeout'
  | 'closed'
  | 'limit'
  | 'parse'
  | 'unavailable'
  | 'internal';

/** The one error shape on the wire. `message` is written for the user and never holds credentials. */
export interface WireError {
  code: ErrorCode;
  message: string;
  /** What the user can do about it, e.g. "needs `pods/portforward` permission". */
  hint?: string;
}
