import { createHash } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import type { AuthMaterial } from '../kubeconfig/credentials.js';
import type { ResolvedContext } from '../kubeconfig/load.js';
import { AppError } from '../util/app-error.js';
import { nullSink, Logger } from '../util/log.js';
import { ApiError, errorFromNetwork, errorFromStatus, type RequestContext } from './api-error.js';
import { proxyFor } from './proxy.js';

/**
 * The apiserver client: node:https with the context's CA, client certificate and `tls-server-name`,
 * a keep-alive agent, the kubeconfig's `proxy-url` (or HTTPS_PROXY/NO_PROXY) through hpagent (a
 * dependency of @kubernetes/client-node, resolvable here), and auth headers from the context's
 * `Credentials`. A 401 on an idempotent request invalidates the credentials and retries once
 * (security.md §3.8; client-go instead returns the first 401 to the caller, headlamp#7482). Every
 * failure is an `ApiError` with a code, a message in words and, when the server answered, `statusCode`.
 *
 * Like kubectl, nothing is authenticated over plain `http://`: no headers are sent and no exec plugin
 * runs (client-go `client_config.go`: "only try to read the auth information if we are secure").
 */

export interface ApiClientOptions {
  log?: Logger;
  /** Deadline for a whole `get`/`getText`, and for the response headers of `stream`/`request`. */
  timeoutMs?: number;
  userAgent?: string;
  /** For HTTPS_PROXY/NO_PROXY; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** Cap on a decoded `get`/`getText` body; a paginated list page is far smaller. */
  maxBodyBytes?: number;
}

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  signal?: AbortSignal;
  /** Appended to the path's own query; `undefined` values are skipped. */
  query?: Record<string, QueryValue>;
  /** Overrides `timeoutMs` of the client for this call. */
  timeoutMs?: number;
  /** `Accept` header; `application/json` for `get` and `stream`. */
  accept?: string;
  headers?: Record<string, string>;
}

export interface RawRequestOptions extends RequestOptions {
  method?: string;
  body?: string | Buffer;
  /** Return any status instead of throwing for non-2xx (the caller reads or discards the body). */
  anyStatus?: boolean;
}

/** A response whose body is still a stream; consume it or call `body.destroy()`. */
export interface ApiResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

interface Timing {
  deadline: AbortSignal;
  timeoutMs: number;
  coversBody: boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;
const ERROR_BODY_LIMIT_BYTES = 64 * 1024;
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

/** One apiserver, one identity. Create a new client when the context changes; `dispose` closes its sockets. */
export class ApiClient {
  readonly context: ResolvedContext;
  readonly #log: Logger;
  readonly #timeoutMs: number;
  readonly #userAgent: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #maxBodyBytes: number;
  readonly #server: URL;
  readonly #secure: boolean;
  readonly #inFlight = new Set<{ destroy(error?: Error): void }>();
  #agent?: { key: string; agent: HttpAgent };
  #disposed = false;

  constructor(context: ResolvedContext, options: ApiClientOptions = {}) {
    this.context = context;
    this.#log = options.log ?? new Logger(nullSink);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#userAgent = options.userAgent ?? 'slicewise';
    this.#env = options.env ?? process.env;
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#server = new URL(context.server);
    this.#secure = this.#server.protocol === 'https:';
  }

  /** GETs `path` and parses the JSON body. */
  async get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const { body } = await this.getText(path, { ...options, accept: options.accept ?? 'application/json' });
    try {
      return JSON.parse(body) as T;
    } catch (error) {
      throw new ApiError('parse', `The apiserver sent a body that is not JSON for GET ${pathOnly(path)}.`, { cause: error });
    }
  }

  /** GETs `path` and returns the decoded body as text with its content type (e.g. proxied `/metrics`). */
  async getText(path: string, options: RequestOptions = {}): Promise<{ contentType: string; body: string }> {
    const timing = this.#timing(options, true);
    const response = await this.#send(path, { ...options, gzip: true }, 'GET', timing);
    try {
      const bytes = await readAll(decoded(response.body), this.#maxBodyBytes);
      return { contentType: String(response.headers['content-type'] ?? ''), body: bytes.toString('utf8') };
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw this.#abortOrNetwork(error, options.signal, timing, this.#requestContext('GET', path));
    }
  }

  /**
   * Streams newline-delimited JSON (a watch: `?watch=true`), one parsed object per line. Ends quietly
   * when `signal` aborts or the server closes the stream; a broken connection throws `ApiError`.
   * Only the response headers are under the timeout: a watch may be silent for minutes.
   */
  async *stream<T>(path: string, options: RequestOptions = {}): AsyncGenerator<T, void, undefined> {
    const decoder = new StringDecoder('utf8');
    let pending = '';
    for await (const chunk of this.#bodyChunks(path, { ...options, accept: options.accept ?? 'application/json' }, true)) {
      pending += decoder.write(chunk);
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line) yield parseLine<T>(line, path);
        newline = pending.indexOf('\n');
      }
    }
    const rest = (pending + decoder.end()).trim();
    if (rest) yield parseLine<T>(rest, path);
  }

  /** Streams the raw (gzip-decoded) body bytes of a GET. Same ending rules as `stream`. */
  async *streamBytes(path: string, options: RequestOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
    yield* this.#bodyChunks(path, options, true);
  }

  /**
   * A raw request: the response with its body still a stream, not decoded (no Accept-Encoding is
   * added). Non-2xx answers throw `ApiError` unless `anyStatus`. The scrape layer proxies
   * `/api/v1/nodes/<node>/proxy/metrics/cadvisor` through this.
   */
  async request(path: string, options: RawRequestOptions = {}): Promise<ApiResponse> {
    const response = await this.#send(path, { ...options, gzip: false }, (options.method ?? 'GET').toUpperCase(), this.#timing(options, false));
    return { statusCode: response.statusCode ?? 0, headers: response.headers, body: response.body };
  }

  /** Closes every socket and aborts requests in flight. The client cannot be used afterwards. */
  dispose(): void {
    this.#disposed = true;
    for (const request of this.#inFlight) request.destroy(new Error('client disposed'));
    this.#inFlight.clear();
    this.#agent?.agent.destroy();
    this.#agent = undefined;
  }

  async *#bodyChunks(path: string, options: RequestOptions, gzip: boolean): AsyncGenerator<Uint8Array, void, undefined> {
    const response = await this.#send(path, { ...options, gzip }, 'GET', this.#timing(options, false));
    const body = gzip ? decoded(response.body) : response.body;
    const context = this.#requestContext('GET', path);
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) yield chunk;
    } catch (error) {
      if (options.signal?.aborted || this.#disposed) return;
      throw errorFromNetwork(error, context);
    } finally {
      response.body.destroy();
      if (body !== response.body) body.destroy();
    }
  }

  /** The request's deadline; `coversBody` makes it apply to reading the body too (not for streams). */
  #timing(options: RequestOptions, coversBody: boolean): Timing {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    return { deadline: AbortSignal.timeout(timeoutMs), timeoutMs, coversBody };
  }

  async #send(path: string, options: RawRequestOptions & { gzip: boolean }, method: string, timing: Timing): Promise<{ statusCode: number; headers: IncomingHttpHeaders; body: IncomingMessage }> {
    if (this.#disposed) throw new ApiError('closed', 'The apiserver client was closed.');
    const context = this.#requestContext(method, path);
    for (let attempt = 0; ; attempt += 1) {
      const material: AuthMaterial = this.#secure ? await this.context.credentials.authorize() : { headers: {} };
      const response = await this.#once(path, method, options, material, context, timing);
      const statusCode = response.statusCode ?? 0;
      if (statusCode === 401 && attempt === 0 && IDEMPOTENT.has(method) && this.#secure && this.context.credentials.invalidate(material)) {
        response.resume();
        this.#log.info(`401 from ${context.host} for user "${context.userName}"; getting fresh credentials and retrying once`);
        continue;
      }
      if ((statusCode < 200 || statusCode >= 300) && !options.anyStatus) {
        let text = '';
        try {
          text = (await readAll(options.gzip ? decoded(response) : response, ERROR_BODY_LIMIT_BYTES, true)).toString('utf8');
        } catch {
          // The status alone is enough to explain the failure.
        }
        this.#log.debug(`${method} ${context.path} → ${statusCode}`);
        throw errorFromStatus(statusCode, text, context, headerValue(response.headers['retry-after']));
      }
      this.#log.debug(`${method} ${context.path} → ${statusCode}`);
      return { statusCode, headers: response.headers, body: response };
    }
  }

  #once(path: string, method: string, options: RawRequestOptions & { gzip: boolean }, material: AuthMaterial, context: RequestContext, timing: Timing): Promise<IncomingMessage> {
    const url = this.#url(path, options.query);
    const agent = this.#agentFor(material, url);
    const headers: Record<string, string> = {
      Accept: options.accept ?? 'application/json, */*',
      'User-Agent': this.#userAgent,
      ...(options.gzip && !this.context.disableCompression ? { 'Accept-Encoding': 'gzip' } : {}),
      ...material.headers,
      ...options.headers,
    };
    if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body));
    const tls = this.#tlsOptions(material);
    const caller = options.signal;
    const headersSignal = caller ? AbortSignal.any([caller, timing.deadline]) : timing.deadline;
    const bodySignal = timing.coversBody ? headersSignal : caller;
    return new Promise<IncomingMessage>((resolve, reject) => {
      if (headersSignal.aborted) {
        reject(this.#abortOrNetwork(headersSignal.reason, caller, timing, context));
        return;
      }
      const send = this.#secure ? httpsRequest : httpRequest;
      const request = send(url, { method, headers, agent, ...(this.#secure ? tls : {}) });
      this.#inFlight.add(request);
      const onAbort = () => request.destroy(new Error('aborted'));
      headersSignal.addEventListener('abort', onAbort, { once: true });
      request.once('response', (response) => {
        headersSignal.removeEventListener('abort', onAbort);
        const onBodyAbort = () => response.destroy(new Error('aborted'));
        bodySignal?.addEventListener('abort', onBodyAbort, { once: true });
        response.once('close', () => {
          this.#inFlight.delete(request);
          bodySignal?.removeEventListener('abort', onBodyAbort);
        });
        resolve(response);
      });
      request.once('error', (error) => {
        headersSignal.removeEventListener('abort', onAbort);
        this.#inFlight.delete(request);
        reject(this.#abortOrNetwork(error, caller, timing, context));
      });
      request.end(options.body);
    });
  }

  /** Caller aborts become `closed`, our deadline `timeout`, anything else a network error. */
  #abortOrNetwork(error: unknown, caller: AbortSignal | undefined, timing: Timing, context: RequestContext): ApiError {
    if (error instanceof ApiError) return error;
    if (caller?.aborted || this.#disposed) return new ApiError('closed', `${context.method} ${context.path} was cancelled.`, { cause: error });
    if (timing.deadline.aborted) {
      return new ApiError('timeout', `The apiserver at ${context.host} did not answer ${context.method} ${context.path} within ${formatDuration(timing.timeoutMs)}.`, {
        cause: error,
        hint: 'The cluster may be overloaded or the network slow; Slicewise retries.',
      });
    }
    return errorFromNetwork(error, context);
  }

  #url(path: string, query: Record<string, QueryValue> | undefined): URL {
    const url = new URL(this.#server.href.replace(/\/$/, '') + (path.startsWith('/') ? path : `/${path}`));
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  #tlsOptions(material: AuthMaterial): { ca?: Buffer; cert?: Buffer; key?: Buffer; servername?: string; rejectUnauthorized: boolean } {
    const tls = this.context.tls;
    return {
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(material.cert && material.key ? { cert: material.cert, key: material.key } : {}),
      ...(tls.serverName ? { servername: tls.serverName } : {}),
      rejectUnauthorized: !tls.insecureSkipTlsVerify,
    };
  }

  /** One keep-alive agent per client certificate; a rotated certificate (exec) gets a fresh agent. */
  #agentFor(material: AuthMaterial, url: URL): HttpAgent {
    const key = material.cert && material.key ? createHash('sha256').update(material.cert).update(material.key).digest('hex') : 'anonymous';
    if (this.#agent?.key === key) return this.#agent.agent;
    const previous = this.#agent?.agent;
    const proxy = proxyFor(url, this.context.proxyUrl, this.#env);
    if (proxy && !/^https?:$/.test(proxy.protocol)) {
      throw new ApiError('bad-request', `The proxy-url ${proxy.protocol}//${proxy.host} of cluster "${this.context.clusterName}" uses a scheme Slicewise does not support; use an http:// or https:// proxy.`);
    }
    const base = { keepAlive: true, maxFreeSockets: 8 };
    let agent: HttpAgent;
    if (this.#secure) {
      const options = { ...base, ...this.#tlsOptions(material) };
      agent = proxy ? new HttpsProxyAgent({ ...options, proxy }) : new HttpsAgent(options);
    } else {
      agent = proxy ? new HttpProxyAgent({ ...base, proxy }) : new HttpAgent(base);
    }
    this.#agent = { key, agent };
    // Requests still on the old certificate finish; idle sockets go after a grace period.
    if (previous) setTimeout(() => previous.destroy(), 30_000).unref();
    return agent;
  }

  #requestContext(method: string, path: string): RequestContext {
    const proxy = (() => {
      try {
        const url = proxyFor(this.#server, this.context.proxyUrl, this.#env);
        return url ? `${url.protocol}//${url.host}` : undefined;
      } catch {
        return undefined;
      }
    })();
    return {
      contextName: this.context.name,
      clusterName: this.context.clusterName,
      userName: this.context.userName,
      host: this.#server.host,
      method,
      path: pathOnly(path),
      caSource: this.context.tls.caSource,
      insecureSkipTlsVerify: this.context.tls.insecureSkipTlsVerify,
      proxy,
      reloginHint: this.context.credentials.reloginHint,
    };
  }
}

function pathOnly(path: string): string {
  const index = path.indexOf('?');
  return index >= 0 ? path.slice(0, index) : path;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseLine<T>(line: string, path: string): T {
  try {
    return JSON.parse(line) as T;
  } catch (error) {
    throw new ApiError('parse', `The apiserver sent a line that is not JSON in the stream of ${pathOnly(path)}.`, { cause: error });
  }
}

/** The body, gunzipped when the server compressed it. */
function decoded(response: IncomingMessage): Readable {
  const encoding = String(response.headers['content-encoding'] ?? '').toLowerCase();
  if (encoding !== 'gzip') return response;
  const gunzip = createGunzip();
  response.on('error', (error) => gunzip.destroy(error));
  return response.pipe(gunzip);
}

/** Reads a stream to the end, failing with `limit` past `limitBytes` (or truncating, for error bodies). */
async function readAll(stream: Readable, limitBytes: number, truncate = false): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limitBytes) {
      stream.destroy();
      if (truncate) break;
      throw new ApiError('limit', `The apiserver response is larger than ${Math.round(limitBytes / (1024 * 1024))} MiB; Slicewise stopped reading it.`, { hint: 'Ask for less (a label selector, a namespace, or pagination).' });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** `300 ms`, `1.5 s`, `60 s`: durations in messages. */
function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}
