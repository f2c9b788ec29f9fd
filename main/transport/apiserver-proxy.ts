import type { ApiClient } from '../cluster/api-client.js';
import { ApiError } from '../cluster/api-error.js';
import { AppError } from '../util/app-error.js';
import type { ScrapeRequester } from '../scrape/requester.js';

/** What an apiserver proxy path leads to; the kind decides the RBAC subresource named in errors. */
export type ProxyTarget =
  | { kind: 'node'; node: string; path: string }
  | { kind: 'pod'; namespace: string; pod: string; port: number; scheme: 'http' | 'https'; path: string }
  | { kind: 'service'; namespace: string; service: string; port: number; scheme: 'http' | 'https'; path: string }
  | { kind: 'apiserver'; path: string };

const seg = encodeURIComponent;

/**
 * The apiserver path that proxies to `target` (protocols.md §5): the node proxy reaches the kubelet
 * (`/metrics/cadvisor`), the pod and service proxies take `[https:]name:port`. Query parameters of the
 * target path are kept.
 */
export function proxyPath(target: ProxyTarget): string {
  const path = target.path.startsWith('/') ? target.path : `/${target.path}`;
  switch (target.kind) {
    case 'node':
      return `/api/v1/nodes/${seg(target.node)}/proxy${path}`;
    case 'pod':
      return `/api/v1/namespaces/${seg(target.namespace)}/pods/${target.scheme === 'https' ? 'https:' : ''}${seg(target.pod)}:${target.port}/proxy${path}`;
    case 'service':
      return `/api/v1/namespaces/${seg(target.namespace)}/services/${target.scheme === 'https' ? 'https:' : ''}${seg(target.service)}:${target.port}/proxy${path}`;
    case 'apiserver':
      return path;
  }
}

/** The RBAC rule a user needs for a proxy kind (kubelet-authn-authz.md; protocols.md §5). */
export function proxyPermission(target: ProxyTarget): string {
  switch (target.kind) {
    case 'node':
      return '`get` on `nodes/proxy`';
    case 'pod':
      return `\`get\` on \`pods/proxy\` in namespace ${target.namespace}`;
    case 'service':
      return `\`get\` on \`services/proxy\` in namespace ${target.namespace}`;
    case 'apiserver':
      return '`get` on the non-resource URL `/metrics`';
  }
}

export function describeProxyTarget(target: ProxyTarget): string {
  switch (target.kind) {
    case 'node':
      return `node ${target.node} ${target.path} (apiserver node proxy)`;
    case 'pod':
      return `pod ${target.namespace}/${target.pod}:${target.port} ${target.path} (apiserver pod proxy)`;
    case 'service':
      return `service ${target.namespace}/${target.service}:${target.port} ${target.path} (apiserver service proxy)`;
    case 'apiserver':
      return `apiserver ${target.path}`;
  }
}

/**
 * Scrapes through the apiserver proxy with the context's credentials. The body is passed on as sent
 * (still gzip when the kubelet compressed it) so the scrape loop applies its own body limit after
 * decompression. A 403 names the permission the user lacks.
 */
export function apiserverProxyRequester(client: ApiClient, target: ProxyTarget): ScrapeRequester {
  const path = proxyPath(target);
  const description = describeProxyTarget(target);
  return {
    describe: () => description,
    async request(scrape) {
      try {
        const response = await client.request(path, {
          signal: scrape.signal,
          timeoutMs: scrape.timeoutMs,
          anyStatus: true,
          accept: scrape.accept,
          headers: { 'Accept-Encoding': scrape.acceptEncoding, 'X-Prometheus-Scrape-Timeout-Seconds': (scrape.timeoutMs / 1000).toFixed(3), ...scrape.headers },
        });
        if (response.statusCode === 403) {
          response.body.resume();
          throw new ApiError('forbidden', `Forbidden: reading ${description} needs ${proxyPermission(target)}.`, { statusCode: 403, hint: 'Ask a cluster admin for that permission, or use a context whose user has it.' });
        }
        if (response.statusCode === 503) {
          const text = await readSmall(response.body);
          throw new ApiError('unavailable', `The apiserver could not reach ${description}: ${firstLine(text)}`, { statusCode: 503 });
        }
        const header = (name: string) => {
          const value = response.headers[name];
          return Array.isArray(value) ? value[0] : value;
        };
        return { statusCode: response.statusCode, contentType: header('content-type'), contentEncoding: header('content-encoding'), body: response.body };
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw new AppError('unreachable', `Cannot reach ${description}: ${(error as Error).message}`);
      }
    },
  };
}

async function readSmall(body: AsyncIterable<Uint8Array>, limit = 4096): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(Buffer.from(chunk));
    size += chunk.length;
    if (size >= limit) break;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const status = JSON.parse(text) as { message?: string };
    if (status.message) return status.message;
  } catch {
    // Not a Status object: show the text itself.
  }
  return text;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.slice(0, 300) || 'no details';
}
