import type { TransportKind } from '../../preload/contract/index.js';
import type { ApiClient } from '../cluster/api-client.js';
import type { DiscoveredTarget } from '../discovery/target.js';
import { httpRequester, type ScrapeRequest, type ScrapeRequester, type ScrapeResponse } from '../scrape/requester.js';
import { AppError } from '../util/app-error.js';
import { apiserverProxyRequester, type ProxyTarget } from './apiserver-proxy.js';
import type { ForwardKey, PortForwards } from './port-forward.js';

/** A requester together with how it travels, for the Targets view. */
export interface TargetTransport {
  requester: ScrapeRequester;
  /** The transport in use right now (a fallback changes it). */
  kind(): TransportKind;
  /** Why not the preferred one, in words, once a fallback happened. */
  note(): string | undefined;
}

/** Scrapes a pod port through a local port-forward; a failed upgrade surfaces its own words. */
export function portForwardRequester(forwards: PortForwards, key: ForwardKey, path: string, scheme: 'http' | 'https', params: Record<string, string> = {}): ScrapeRequester {
  const description = `pod ${key.namespace}/${key.pod}:${key.port} ${path} (port-forward)`;
  const query = new URLSearchParams(params).toString();
  return {
    describe: () => description,
    async request(scrape: ScrapeRequest): Promise<ScrapeResponse> {
      const localPort = await forwards.localPort(key);
      const inner = httpRequester(`${scheme}://127.0.0.1:${localPort}${path}${query ? `?${query}` : ''}`, { insecureSkipTlsVerify: true });
      try {
        return await inner.request(scrape);
      } catch (error) {
        // The HTTP error ("socket hang up") is a symptom; the forward knows the cause.
        const cause = forwards.lastError(key);
        if (cause && !scrape.signal.aborted) throw cause;
        if (error instanceof AppError) throw new AppError(error.code, error.message.replace(`127.0.0.1:${localPort}`, `${key.namespace}/${key.pod}:${key.port} (port-forward)`), { hint: error.hint });
        throw error;
      }
    },
  };
}

/** Errors that mean "this way will not work, try the other", as opposed to a target that is down. */
function isTransportRefusal(error: unknown): boolean {
  if (!(error instanceof AppError)) return false;
  if (error.code === 'forbidden') return true;
  // A 400 on the WebSocket upgrade: the apiserver does not do WebSocket port-forward.
  return error.code === 'unavailable' && /refused the WebSocket port-forward/.test(error.message);
}

/**
 * Tries `primary`; when it is refused for good (403, unsupported), switches to `secondary` for the rest
 * of the session and remembers why. A target that is merely down does not switch.
 */
export class FallbackRequester implements TargetTransport {
  #current: 'primary' | 'secondary' = 'primary';
  #note: string | undefined;
  readonly requester: ScrapeRequester;

  constructor(
    private readonly primary: { requester: ScrapeRequester; kind: TransportKind },
    private readonly secondary: { requester: ScrapeRequester; kind: TransportKind } | null,
  ) {
    this.requester = {
      describe: () => this.#active().requester.describe(),
      request: (scrape) => this.#request(scrape),
    };
  }

  kind(): TransportKind {
    return this.#active().kind;
  }

  note(): string | undefined {
    return this.#note;
  }

  #active() {
    return this.#current === 'secondary' && this.secondary ? this.secondary : this.primary;
  }

  async #request(scrape: ScrapeRequest): Promise<ScrapeResponse> {
    if (this.#current === 'secondary' && this.secondary) return this.secondary.requester.request(scrape);
    try {
      return await this.primary.requester.request(scrape);
    } catch (error) {
      if (!this.secondary || !isTransportRefusal(error)) throw error;
      const reason = error instanceof AppError ? `${error.message}${error.hint ? ` ${error.hint}` : ''}` : String(error);
      this.#note = `${this.primary.kind} refused (${reason}); using the ${this.secondary.kind.replace('-', ' ')} instead`;
      this.#current = 'secondary';
      return this.secondary.requester.request(scrape);
    }
  }
}

export interface TransportContext {
  client: ApiClient;
  forwards: PortForwards;
  /** A ready pod behind a service, for the port-forward fallback of service targets. */
  podForService?: (namespace: string, service: string, port: number) => ForwardKey | undefined;
}

/**
 * Picks how to reach a discovered target (DESIGN.md: port-forward or apiserver proxy, the better one
 * per target, with fallback): kubelet targets only through the node proxy; pods by port-forward, then
 * the pod proxy; services by the service proxy, then a port-forward to one of their ready pods; the
 * apiserver's own /metrics directly.
 */
export function chooseTransport(target: DiscoveredTarget, context: TransportContext): TargetTransport {
  const endpoint = target.endpoint;
  const query = new URLSearchParams(target.params).toString();
  const pathWithQuery = `${target.path}${query ? `?${query}` : ''}`;
  const proxy = (proxyTarget: ProxyTarget) => apiserverProxyRequester(context.client, proxyTarget);
  if (target.source === 'apiserver') {
    return new FallbackRequester({ requester: proxy({ kind: 'apiserver', path: pathWithQuery }), kind: 'direct' }, null);
  }
  switch (endpoint.kind) {
    case 'node':
      return new FallbackRequester({ requester: proxy({ kind: 'node', node: endpoint.node, path: pathWithQuery }), kind: 'node-proxy' }, null);
    case 'pod': {
      const key = { namespace: endpoint.namespace, pod: endpoint.pod, port: endpoint.port };
      return new FallbackRequester(
        { requester: portForwardRequester(context.forwards, key, target.path, target.scheme, target.params), kind: 'port-forward' },
        { requester: proxy({ kind: 'pod', namespace: endpoint.namespace, pod: endpoint.pod, port: endpoint.port, scheme: target.scheme, path: pathWithQuery }), kind: 'pod-proxy' },
      );
    }
    case 'service': {
      const service = proxy({ kind: 'service', namespace: endpoint.namespace, service: endpoint.service, port: endpoint.port, scheme: target.scheme, path: pathWithQuery });
      const backing = context.podForService?.(endpoint.namespace, endpoint.service, endpoint.port);
      const fallback = backing ? { requester: portForwardRequester(context.forwards, backing, target.path, target.scheme, target.params), kind: 'port-forward' as const } : null;
      return new FallbackRequester({ requester: service, kind: 'service-proxy' }, fallback);
    }
  }
}
