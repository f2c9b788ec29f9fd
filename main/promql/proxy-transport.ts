import type { ApiClient } from '../cluster/api-client.js';
import { proxyPath } from '../transport/apiserver-proxy.js';
import { AppError } from '../util/app-error.js';
import type { PrometheusHttpResponse, PrometheusTransport } from './client.js';

/** Largest Prometheus answer read through the apiserver (a long range or a big label-values list). */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/**
 * Form bodies up to this size are sent as a GET query instead of a POST: through the apiserver a
 * POST needs `create` on `services/proxy`, a GET only `get` (protocols.md §5, verbs from the HTTP
 * method), and read-only roles usually grant `get` alone. Longer queries stay POST.
 */
const GET_QUERY_LIMIT_BYTES = 6 * 1024;

/** A Prometheus service as the apiserver service proxy names it. */
export interface ServiceRef {
  namespace: string;
  service: string;
  port: number;
  scheme?: 'http' | 'https';
}

/** Reads a response body to text, up to `MAX_RESPONSE_BYTES`. */
export async function readBody(body: AsyncIterable<Uint8Array>, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) throw new AppError('limit', `The answer from ${what} is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB; narrow the query or the time range.`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The `message` of a Kubernetes Status body, or undefined when the body is something else. */
function statusMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { kind?: string; message?: string };
    return parsed.kind === 'Status' && typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reaches an in-cluster Prometheus through the apiserver service proxy
 * (`/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/api/v1/…`) with the context's own
 * credentials: nothing is opened on the nodes and nothing installed. Apiserver refusals (403, a
 * service without ready endpoints, 404) become AppErrors naming the permission or the service;
 * Prometheus' own answers, errors included, pass through for the client to read.
 */
export function serviceProxyTransport(client: ApiClient, ref: ServiceRef): PrometheusTransport {
  const display = `service ${ref.namespace}/${ref.service}:${ref.port}`;
  return async (pathAndQuery, init) => {
    let method = init.method;
    let path = pathAndQuery;
    let body = init.body;
    const headers = { ...init.headers };
    if (method === 'POST' && body !== undefined && Buffer.byteLength(body) <= GET_QUERY_LIMIT_BYTES && headers['Content-Type'] === 'application/x-www-form-urlencoded') {
      method = 'GET';
      path = `${pathAndQuery}${pathAndQuery.includes('?') ? '&' : '?'}${body}`;
      body = undefined;
      delete headers['Content-Type'];
    }
    const target = { kind: 'service' as const, namespace: ref.namespace, service: ref.service, port: ref.port, scheme: ref.scheme ?? 'http', path };
    const signal = init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(init.timeoutMs)]) : AbortSignal.timeout(init.timeoutMs);
    let text: string;
    let response;
    try {
      response = await client.request(proxyPath(target), { method, headers, body, signal, timeoutMs: init.timeoutMs, anyStatus: true, accept: headers.Accept });
      text = await readBody(response.body, display);
    } catch (error) {
      if (init.signal?.aborted) throw new AppError('closed', 'The request was cancelled.');
      if (signal.aborted) throw new AppError('timeout', `Prometheus behind ${display} did not answer within ${Math.round(init.timeoutMs / 1000)} s.`, { hint: 'Narrow the query or the time range.' });
      if (error instanceof AppError) throw error;
      throw new AppError('unreachable', `Cannot reach Prometheus behind ${display}: ${(error as Error).message}`);
    }
    const status = response.statusCode;
    const contentType = Array.isArray(response.headers['content-type']) ? response.headers['content-type'][0] : response.headers['content-type'];
    const kubeMessage = statusMessage(text);
    if (kubeMessage !== undefined || status === 403) {
      // The apiserver answered, not Prometheus (Prometheus never sends a Kubernetes Status).
      if (status === 403) {
        throw new AppError('forbidden', `Forbidden: reading Prometheus through ${display} needs \`get\` on \`services/proxy\` in namespace ${ref.namespace}.`, {
          hint: 'Ask a cluster admin for that permission, or give the Prometheus URL yourself.',
        });
      }
      if (status === 401) throw new AppError('unauthorized', `The cluster rejected the credentials for ${display}.`);
      if (status === 404) throw new AppError('not-found', `The apiserver does not know ${display}: ${kubeMessage}`);
      throw new AppError('unavailable', `The apiserver could not reach Prometheus behind ${display}: ${kubeMessage ?? `HTTP ${status}`}`);
    }
    const answer: PrometheusHttpResponse = { status, body: text };
    if (contentType) answer.contentType = contentType;
    return answer;
  };
}
