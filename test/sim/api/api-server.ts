import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Node, Pod, Service, Workload } from '../cluster/kube-object.js';
import type { ApiserverMetrics, RequestLabels } from '../metrics/apiserver.js';
import { nonResourceLabels } from '../metrics/apiserver.js';
import { TEXT_FORMAT } from '../backends/payload-server.js';
import type { ObjectStore } from '../store/object-store.js';
import { parseFieldSelector, parseLabelSelector, SelectorError } from '../store/selectors.js';
import type { Authenticator, Identity } from './auth.js';
import type { Faults } from './faults.js';
import { objectBody, writeList, type Query, type WatchHub } from './list-watch.js';
import { choosePortForwardProtocol, runPortForward, type ForwardInfo } from './port-forward.js';
import { proxyHttp } from './proxy.js';
import type { RequestLog } from './request-log.js';
import { apiGroups, apiResourceList, findResource, RESOURCES, type ResourceType } from './resources.js';
import { ApiError, badRequest, forbidden, forbiddenPath, notFound, reasonFor, statusBody, unauthorized } from './status.js';
import type { IncludeObject } from './tables.js';

/**
 * The HTTPS apiserver of one simulated cluster: authentication, the request log, faults, discovery,
 * list/get/watch, the node/service/pod proxies, WebSocket port-forward, and the few writes kubectl
 * demos use (scale, delete pod). Binds 127.0.0.1 only.
 */

/** Kubernetes 1.32: the kubectl dispatcher runs kubectl 1.<minor> (protocols.md §0.1). */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:03:42Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** What the server needs from the cluster behind it. */
export interface ApiBackend {
  readonly store: ObjectStore;
  readonly authenticator: Authenticator;
  readonly faults: Faults;
  readonly requestLog: RequestLog;
  /** Counts answered requests and serves them on `GET /metrics`. */
  readonly apiserverMetrics: ApiserverMetrics;
  readonly watches: WatchHub;
  now(): number;
  /** Answers a kubelet endpoint of `node` (`metrics/cadvisor`, `stats/summary`, …). */
  serveKubelet(node: Node, path: string, query: string, req: IncomingMessage, res: ServerResponse): Promise<void> | void;
  /** The TCP address that answers for a pod's container port, if anything does. */
  podPortAddress(pod: Pod, port: number): { host: string; port: number } | undefined;
  scale(type: ResourceType, namespace: string, name: string, replicas: number): Promise<void>;
  deletePod(namespace: string, name: string): Promise<Pod | undefined>;
  forwardOpened(info: ForwardInfo, stop: () => void): void;
  forwardEnded(info: ForwardInfo): void;
}

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

interface Route {
  type?: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Decoded path after `proxy/`. */
  subPath?: string;
}

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

function decodeSegments(pathname: string): string[] {
  try {
    return pathname.split('/').slice(1).map((s) => decodeURIComponent(s));
  } catch {
    throw badRequest(`malformed path: ${pathname}`);
  }
}

function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof ApiError) return sendJson(res, error.code, error.body());
  if (error instanceof SelectorError) return sendJson(res, 400, statusBody(400, 'BadRequest', error.message));
  const message = error instanceof Error ? error.message : String(error);
  sendJson(res, 500, statusBody(500, 'InternalError', `Internal error occurred: ${message}`));
}

/** Splits `[scheme:]name[:port]` as used by the service and pod proxy paths. */
function splitProxyName(text: string): { name: string; port?: string } {
  const parts = text.split(':');
  if (parts.length === 3) return { name: parts[1], port: parts[2] || undefined };
  if (parts.length === 2) return parts[0] === 'http' || parts[0] === 'https' ? { name: parts[1] } : { name: parts[0], port: parts[1] || undefined };
  return { name: text };
}

/** Matches `/api/v1/...` and `/apis/<g>/<v>/...` resource paths. */
export function parseResourcePath(segments: string[]): Route | null {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments[1] === 'v1') {
    group = '';
    version = 'v1';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 3) {
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else return null;
  if (rest.length === 0) return null;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const type = findResource(group, version, rest[2]);
    if (type?.namespaced) {
      return { type, namespace: rest[1], name: rest[3], subresource: rest[4], subPath: rest[4] === 'proxy' ? rest.slice(5).join('/') : undefined };
    }
  }
  const type = findResource(group, version, rest[0]);
  if (!type) throw new ApiError(404, 'NotFound', `the server could not find the requested resource`, { kind: rest[0] });
  if (type.namespaced && rest.length > 1) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  return { type, name: rest[1], subresource: rest[2], subPath: rest[2] === 'proxy' ? rest.slice(3).join('/') : undefined };
}

function wantsTable(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

function verbFor(method: string, route: Route, watch: boolean): string {
  if (watch) return 'watch';
  switch (method) {
    case 'GET':
    case 'HEAD':
      return route.name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return method.toLowerCase();
  }
}

/**
 * `apiserver_request_total` labels of a request (k8s.io/apiserver endpoints/metrics: upper-case
 * verbs, LIST for collection GETs, CONNECT for connecter subresources, scope by URL shape).
 */
function metricLabels(method: string, route: Route | null, path: string, watch: boolean): RequestLabels {
  if (!route?.type) return nonResourceLabels(method, path);
  const connect = route.subresource === 'proxy' || route.subresource === 'portforward';
  const read = method === 'GET' || method === 'HEAD';
  const verb = connect ? 'CONNECT' : watch ? 'WATCH' : read ? (route.name ? 'GET' : 'LIST') : method;
  const scope = route.name ? 'resource' : route.namespace ? 'namespace' : 'cluster';
  return { verb, group: route.type.group, version: route.type.version, resource: route.type.resource, subresource: route.subresource ?? '', scope, component: 'apiserver' };
}

/** `apiserver_storage_objects` resource names: `pods`, `deployments.apps`. */
function objectCounts(store: ObjectStore): Array<{ resource: string; count: number }> {
  return RESOURCES.filter((type) => type.resource !== 'events').map((type) => ({ resource: type.group ? `${type.resource}.${type.group}` : type.resource, count: store.collection(type.resource).count() }));
}

function readBody(req: IncomingMessage, limitBytes = 1_000_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > limitBytes) reject(badRequest('request body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export async function startApiServer(backend: ApiBackend, tls: { key: string; cert: string; ca: string }, options: { port?: number } = {}): Promise<ApiServer> {
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (protocols) => choosePortForwardProtocol([...protocols]) ?? false });

  const record = (req: IncomingMessage, identity: Identity | null, status: number, path: string, query: string, flags: { watch?: boolean; upgrade?: boolean } = {}) =>
    backend.requestLog.add({
      tsMs: backend.now(),
      method: req.method ?? 'GET',
      path,
      query,
      user: identity?.user ?? null,
      auth: identity?.method ?? null,
      status,
      userAgent: String(req.headers['user-agent'] ?? ''),
      watch: flags.watch ?? false,
      upgrade: flags.upgrade ?? false,
    });

  const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  /** Auth, faults and RBAC shared by plain requests and upgrades; throws ApiError. */
  const admit = async (req: IncomingMessage, identity: Identity | null, path: string, route: Route | null, watch: boolean): Promise<Identity | null> => {
    const wait = backend.faults.delayFor(path);
    if (wait > 0) await delay(wait);
    if (!identity && !PUBLIC_PATHS.has(path)) throw unauthorized();
    const failure = backend.faults.takeFailure(path);
    if (failure) {
      if (failure.delayMs > 0) await delay(failure.delayMs);
      throw new ApiError(failure.status, reasonFor(failure.status), failure.message ?? `simulated failure (HTTP ${failure.status}) for ${path}`);
    }
    const resource = route?.type?.resource;
    const subresource = route?.subresource;
    if (identity && backend.faults.isForbidden(resource, subresource, path)) {
      if (!route?.type) throw forbiddenPath(identity.user, (req.method ?? 'GET').toLowerCase(), path);
      throw forbidden({ user: identity.user, verb: verbFor(req.method ?? 'GET', route ?? {}, watch), resource: resource ?? path, subresource, group: route?.type?.group, namespace: route?.namespace, name: route?.name });
    }
    return identity;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'https://kube-sim');
    const query = url.search.slice(1);
    const params = url.searchParams;
    const watch = params.get('watch') === 'true' || params.get('watch') === '1';
    let identity: Identity | null = null;
    let path = url.pathname;
    let labels: RequestLabels | null = null;
    const method = req.method ?? 'GET';
    // Recorded when the status is decided (not at the end), so open watches are visible at once.
    let recorded = false;
    const finish = (status: number) => {
      if (recorded) return;
      recorded = true;
      record(req, identity, status, path, query, { watch });
      // Like the apiserver's instrumentation, only requests that passed authentication count.
      if (identity) backend.apiserverMetrics.count(labels ?? nonResourceLabels(method, path), status);
    };
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    res.writeHead = ((...args: unknown[]) => {
      finish(Number(args[0]));
      return writeHead(...args);
    }) as typeof res.writeHead;
    res.on('close', () => finish(res.statusCode));
    try {
      const segments = decodeSegments(url.pathname);
      path = `/${segments.join('/')}`;
      const route = parseResourcePath(segments);
      labels = metricLabels(method, route, path, watch);
      res.on('close', backend.apiserverMetrics.begin(labels, method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'readOnly' : 'mutating'));
      // Known before admission fails, so a 403 or a simulated failure is counted for its user.
      identity = backend.authenticator.authenticate(req);
      await admit(req, identity, path, route, watch);
      await dispatch(req, res, segments, route, params, watch);
    } catch (error) {
      sendError(res, error);
    }
  };

  const dispatch = async (req: IncomingMessage, res: ServerResponse, segments: string[], route: Route | null, params: URLSearchParams, watch: boolean) => {
    const path = `/${segments.join('/')}`;
    const method = req.method ?? 'GET';
    if (!route) {
      if (path === '/version') return sendJson(res, 200, SERVER_VERSION);
      if (path === '/metrics' && (method === 'GET' || method === 'HEAD')) {
        // Authenticated like any non-resource URL: admit() already answered 401 without credentials.
        // Rendered before the status is written, which counts this request: a scrape sees the ones before it.
        const body = backend.apiserverMetrics.render(backend.now(), objectCounts(backend.store), SERVER_VERSION);
        res.writeHead(200, { 'Content-Type': TEXT_FORMAT });
        return void res.end(method === 'HEAD' ? undefined : body);
      }
      if (PUBLIC_PATHS.has(path)) {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        return void res.end('ok');
      }
      if (path === '/api') return sendJson(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${server.port}` }] });
      if (path === '/api/v1') return sendJson(res, 200, apiResourceList('', 'v1'));
      if (path === '/apis') return sendJson(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups() });
      if (segments[0] === 'apis' && segments.length === 2) {
        const group = apiGroups().find((g) => g.name === segments[1]);
        if (group) return sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...group });
      }
      if (segments[0] === 'apis' && segments.length === 3) {
        const list = apiResourceList(segments[1], segments[2]);
        if (list) return sendJson(res, 200, list);
      }
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }

    const type = route.type as ResourceType;
    const query: Query = {
      type,
      namespace: route.namespace,
      labels: parseLabelSelector(params.get('labelSelector')),
      fields: parseFieldSelector(params.get('fieldSelector'), type.resource),
      table: wantsTable(req),
      includeObject: (params.get('includeObject') as IncludeObject | null) ?? 'Metadata',
    };
    const nowMs = backend.now();

    if (route.subresource) return handleSubresource(req, res, route, query, params);

    if (!route.name) {
      if (method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      if (watch) {
        const timeout = params.get('timeoutSeconds');
        backend.watches.serve(res, query, {
          resourceVersion: params.get('resourceVersion') ?? undefined,
          allowBookmarks: params.get('allowWatchBookmarks') === 'true',
          timeoutSeconds: timeout ? Number(timeout) : undefined,
          sendInitialEvents: params.get('sendInitialEvents') === 'true',
        });
        return;
      }
      const limit = params.get('limit');
      writeList(res, backend.store, query, { limit: limit ? Number(limit) : undefined, continueToken: params.get('continue') ?? undefined, nowMs });
      return;
    }

    const object = backend.store.get(type.resource, route.namespace, route.name);
    if (method === 'DELETE' && type.resource === 'pods') {
      const deleted = await backend.deletePod(route.namespace ?? '', route.name);
      if (!deleted) throw notFound(type.resource, route.name, type.group);
      return sendJson(res, 200, deleted);
    }
    if (method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    if (!object) throw notFound(type.resource, route.name, type.group);
    const { contentType, body } = objectBody(query, object, nowMs);
    sendJson(res, 200, body, contentType);
  };

  const handleSubresource = async (req: IncomingMessage, res: ServerResponse, route: Route, query: Query, params: URLSearchParams) => {
    const type = route.type as ResourceType;
    const method = req.method ?? 'GET';
    const rawName = route.name ?? '';
    switch (`${type.resource}/${route.subresource}`) {
      case 'nodes/proxy': {
        const nodeName = rawName.split(':')[0];
        const node = backend.store.get<Node>('nodes', undefined, nodeName);
        if (!node) throw notFound('nodes', nodeName);
        return backend.serveKubelet(node, route.subPath ?? '', params.toString(), req, res);
      }
      case 'pods/proxy': {
        const { name, port } = splitProxyName(rawName);
        const pod = backend.store.get<Pod>('pods', route.namespace, name);
        if (!pod) throw notFound('pods', name);
        const containerPorts = pod.spec.containers.flatMap((c) => c.ports ?? []);
        const resolved = port === undefined ? containerPorts[0]?.containerPort : /^\d+$/.test(port) ? Number(port) : containerPorts.find((p) => p.name === port)?.containerPort;
        if (resolved === undefined) throw badRequest(`no port ${port ?? '(default)'} on pod ${name}`);
        return proxyTo(req, res, pod, resolved, route.subPath ?? '', params.toString());
      }
      case 'services/proxy': {
        const { name, port } = splitProxyName(rawName);
        const service = backend.store.get<Service>('services', route.namespace, name);
        if (!service) throw notFound('services', name);
        const servicePort = port === undefined ? service.spec.ports[0] : service.spec.ports.find((p) => p.name === port || String(p.port) === port);
        if (!servicePort) throw new ApiError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`);
        const candidates = backend.store
          .all<Pod>('pods', route.namespace)
          .filter((p) => service.spec.selector && Object.entries(service.spec.selector).every(([k, v]) => p.metadata.labels?.[k] === v))
          .filter((p) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        for (const pod of candidates) {
          const target = typeof servicePort.targetPort === 'number' ? servicePort.targetPort : pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === servicePort.targetPort)?.containerPort;
          if (target !== undefined) return proxyTo(req, res, pod, target, route.subPath ?? '', params.toString());
        }
        throw new ApiError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`);
      }
      case 'pods/portforward':
        if (method === 'POST') throw badRequest('Upgrade request required: kube-sim implements WebSocket port-forward (v4.channel.k8s.io, v4.base64.channel.k8s.io) only, not SPDY');
        throw badRequest('Upgrade request required');
      case 'deployments/scale':
      case 'statefulsets/scale':
      case 'replicasets/scale': {
        const object = backend.store.get<Workload>(type.resource, route.namespace, rawName);
        if (!object) throw notFound(type.resource, rawName, type.group);
        if (method === 'PATCH' || method === 'PUT') {
          const body = JSON.parse((await readBody(req)) || '{}') as { spec?: { replicas?: number } };
          const replicas = body.spec?.replicas;
          if (typeof replicas !== 'number' || replicas < 0) throw new ApiError(422, 'Invalid', 'Scale.autoscaling "x" is invalid: spec.replicas: Invalid value: must be a non-negative integer');
          await backend.scale(type, route.namespace ?? '', rawName, replicas);
        } else if (method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const current = backend.store.get<Workload>(type.resource, route.namespace, rawName) ?? object;
        return sendJson(res, 200, scaleObject(current));
      }
      default: {
        if (route.subresource === 'status' && method === 'GET') {
          const object = backend.store.get(type.resource, route.namespace, rawName);
          if (!object) throw notFound(type.resource, rawName, type.group);
          const { contentType, body } = objectBody(query, object, backend.now());
          return sendJson(res, 200, body, contentType);
        }
        throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      }
    }
  };

  const proxyTo = (req: IncomingMessage, res: ServerResponse, pod: Pod, port: number, subPath: string, query: string) => {
    const address = backend.podPortAddress(pod, port);
    const display = `${pod.status.podIP ?? '0.0.0.0'}:${port}`;
    // Nothing backs this port: proxy to a closed port so the client sees the apiserver's 503 text.
    return proxyHttp(req, res, { host: address?.host ?? '127.0.0.1', port: address?.port ?? 9, displayAddress: display }, subPath, query);
  };

  const rejectUpgrade = (socket: Socket, error: ApiError) => {
    const body = JSON.stringify(error.body());
    socket.end(`HTTP/1.1 ${error.code} ${error.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  };

  const handleUpgrade = async (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://kube-sim');
    let identity: Identity | null = null;
    let path = url.pathname;
    let upgradeLabels: RequestLabels | null = null;
    const query = url.search.slice(1);
    try {
      const segments = decodeSegments(url.pathname);
      path = `/${segments.join('/')}`;
      const route = parseResourcePath(segments);
      upgradeLabels = metricLabels('GET', route, path, false);
      identity = backend.authenticator.authenticate(req);
      await admit(req, identity, path, route, false);
      if (!route || route.type?.resource !== 'pods' || route.subresource !== 'portforward' || !route.name) {
        throw badRequest(`kube-sim accepts WebSocket upgrades only for pods/portforward, not ${path}`);
      }
      if (backend.faults.portForwardForbidden && identity) {
        throw forbidden({ user: identity.user, verb: 'get', resource: 'pods', subresource: 'portforward', namespace: route.namespace, name: route.name });
      }
      const pod = backend.store.get<Pod>('pods', route.namespace, route.name);
      if (!pod) throw notFound('pods', route.name);
      if (pod.status.phase !== 'Running') throw badRequest(`unable to upgrade connection: pod ${route.name} is not running (phase ${pod.status.phase})`);
      const ports = (url.searchParams.get('ports') ?? '')
        .split(',')
        .filter(Boolean)
        .map((p) => Number(p));
      if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
        throw badRequest('unable to upgrade connection: the ports query parameter must list 1–65535 (kube-sim does not implement kubectl\'s SPDY port-forward)');
      }
      const offered = String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const protocol = choosePortForwardProtocol(offered);
      if (protocol === null) throw badRequest(`unable to upgrade connection: none of the offered subprotocols (${offered.join(', ')}) is supported; kube-sim speaks v4.channel.k8s.io and v4.base64.channel.k8s.io`);
      wss.handleUpgrade(req, socket, head, (ws) => {
        record(req, identity, 101, path, query, { upgrade: true });
        const labels = metricLabels('GET', route, path, false);
        backend.apiserverMetrics.count(labels, 101);
        ws.once('close', backend.apiserverMetrics.begin(labels, 'readOnly'));
        runPortForward(ws, protocol, ports, {
          namespace: pod.metadata.namespace ?? '',
          pod: pod.metadata.name,
          uid: pod.metadata.uid,
          resolve: (port) => {
            const current = backend.store.get<Pod>('pods', pod.metadata.namespace, pod.metadata.name);
            return current && current.metadata.uid === pod.metadata.uid ? backend.podPortAddress(current, port) : undefined;
          },
        }, { drop: backend.faults.forwardDrop, register: (info, stop) => backend.forwardOpened(info, stop), onEnd: (info) => backend.forwardEnded(info) });
      });
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(500, 'InternalError', error instanceof Error ? error.message : String(error));
      record(req, identity, apiError.code, path, query, { upgrade: true });
      if (identity) backend.apiserverMetrics.count(upgradeLabels ?? nonResourceLabels('GET', path), apiError.code);
      rejectUpgrade(socket, apiError);
    }
  };

  const https: Server = createServer({ key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    void handle(req, res);
  });
  https.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  https.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  https.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    void handleUpgrade(req, socket, head);
  });
  https.on('tlsClientError', () => undefined);

  await new Promise<void>((resolve, reject) => {
    https.once('error', reject);
    https.listen({ host: '127.0.0.1', port: options.port ?? 0 }, () => {
      https.off('error', reject);
      resolve();
    });
  });
  const address = https.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const server: ApiServer = {
    url: `https://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        backend.watches.closeAll();
        for (const client of wss.clients) client.terminate();
        wss.close();
        https.close(() => resolve());
        https.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
  return server;
}

/** The autoscaling/v1 Scale of a workload. */
function scaleObject(object: Workload): object {
  const selector = Object.entries(object.spec.selector.matchLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: object.metadata.name, namespace: object.metadata.namespace, uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion, creationTimestamp: object.metadata.creationTimestamp },
    spec: { replicas: object.spec.replicas ?? 0 },
    status: { replicas: object.status.replicas ?? 0, selector },
  };
}
