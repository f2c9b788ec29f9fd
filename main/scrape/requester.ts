// How a scrape loop gets bytes from a target. The transport layer (port-forward, apiserver proxy)
// implements `ScrapeRequester`; `httpRequester` is the plain HTTP(S) one, used for direct URLs, the
// CLI and tests. Requesters throw `AppError`s whose message the loop shows as the target's last
// error, so messages name the target (as `describe()` does) and never include credentials.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppError } from '../util/app-error.js';

/** One scrape request. */
export interface ScrapeRequest {
  /** Accept header; see `SCRAPE_ACCEPT`. */
  accept: string;
  /** Accept-Encoding header, normally "gzip". */
  acceptEncoding: string;
  /** Sent as X-Prometheus-Scrape-Timeout-Seconds; the loop enforces it with `signal`. */
  timeoutMs: number;
  /** Aborted on timeout or when the loop stops; the requester must abandon the request and its body. */
  signal: AbortSignal;
  headers?: Record<string, string>;
}

/** The start of an answer; `body` yields the raw bytes as sent (still compressed when contentEncoding says so). */
export interface ScrapeResponse {
  statusCode: number;
  contentType?: string;
  contentEncoding?: string;
  body: AsyncIterable<Uint8Array>;
}

/** Fetches one target. Non-2xx answers may be returned (the loop reports them) or thrown as AppError. */
export interface ScrapeRequester {
  request(request: ScrapeRequest): Promise<ScrapeResponse>;
  /** What is scraped, for messages: e.g. the URL, never credentials. */
  describe(): string;
}

/**
 * Accept header in Prometheus 2.x order: OpenMetrics 1.0.0, then 0.0.1, then text 0.0.4
 * (scrape/scrape.go scrapeAcceptHeader).
 */
export const SCRAPE_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** Options of `httpRequester`. */
export interface HttpRequesterOptions {
  /** CA certificate(s), PEM, for https targets. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Accept any server certificate (kubeconfig `insecure-skip-tls-verify`). */
  insecureSkipTlsVerify?: boolean;
  /** Extra headers on every request, e.g. Authorization. Never logged or shown. */
  headers?: Record<string, string>;
}

/** A requester for a plain http:// or https:// URL. */
export function httpRequester(url: string, options: HttpRequesterOptions = {}): ScrapeRequester {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('bad-request', `"${safeUrl(url)}" is not a URL; write it like http://127.0.0.1:9100/metrics.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AppError('bad-request', `Only http:// and https:// targets can be scraped, not ${parsed.protocol}//.`);
  }
  const description = safeUrl(url);
  return {
    describe: () => description,
    request(scrape) {
      return new Promise<ScrapeResponse>((resolve, reject) => {
        const send = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
        let outgoing;
        try {
          outgoing = send(parsed, {
            method: 'GET',
            signal: scrape.signal,
            ca: options.ca,
            rejectUnauthorized: options.insecureSkipTlsVerify !== true,
            headers: {
              'User-Agent': 'Slicewise',
              ...options.headers,
              ...scrape.headers,
              Accept: scrape.accept,
              'Accept-Encoding': scrape.acceptEncoding,
              'X-Prometheus-Scrape-Timeout-Seconds': String(scrape.timeoutMs / 1000),
            },
          });
        } catch (error) {
          reject(requestError(error, description, scrape.signal));
          return;
        }
        outgoing.once('response', (response: IncomingMessage) => {
          resolve({
            statusCode: response.statusCode ?? 0,
            contentType: header(response.headers['content-type']),
            contentEncoding: header(response.headers['content-encoding']),
            body: mapBodyErrors(response, description, scrape.signal),
          });
        });
        outgoing.once('error', (error) => reject(requestError(error, description, scrape.signal)));
        outgoing.end();
      });
    },
  };
}

/** The URL without user info (credentials) and without the query string's values. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, '…');
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//').split('?')[0];
  }
}

/**
 * Turns a Node network error into an `AppError` naming the target and what to do. An abort whose
 * reason is already an `AppError` (the loop's timeout) passes that reason through.
 */
export function requestError(error: unknown, target: string, signal?: AbortSignal): AppError {
  if (signal?.aborted && signal.reason instanceof AppError) return signal.reason;
  if (error instanceof AppError) return error;
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return new AppError('unreachable', `${target} refused the connection: is the exporter running and listening on that port?`, { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new AppError('dns', `The host of ${target} could not be resolved: check the name.`, { cause: error });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new AppError('unreachable', `${target} cannot be reached from here (${code}).`, { cause: error });
    case 'ETIMEDOUT':
      return new AppError('timeout', `Connecting to ${target} timed out.`, { cause: error });
    case 'ECONNRESET':
    case 'EPIPE':
      return new AppError('closed', `${target} closed the connection before the answer was complete.`, { cause: error });
    case 'ABORT_ERR':
      return new AppError('closed', `The request to ${target} was cancelled.`, { cause: error });
    default:
      break;
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL|EPROTO/i.test(code) || /certificate|ssl|tls/i.test(message)) {
    return new AppError('tls', `The TLS connection to ${target} failed (${code || message}): check the CA certificate or the server name.`, { cause: error });
  }
  if (message === 'socket hang up') {
    return new AppError('closed', `${target} closed the connection without answering.`, { cause: error });
  }
  return new AppError('unreachable', `Fetching ${target} failed: ${message}.`, { cause: error });
}

async function* mapBodyErrors(body: IncomingMessage, target: string, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk as Uint8Array;
  } catch (error) {
    throw requestError(error, target, signal);
  } finally {
    body.destroy();
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
