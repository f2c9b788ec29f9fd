import type { ApiMethod, EventTopic } from './index.js';
import type { Schema } from './schema.js';

/**
 * Argument schema per method. The mapped type makes the compiler demand one entry per `Api` key,
 * so `API_METHODS` below always covers the whole contract.
 */
export const API_ARG_SCHEMAS: { readonly [M in ApiMethod]: Schema } = {
  'app.info': { type: 'null' },
  'contexts.list': { type: 'null' },
  'session.open': {
    type: 'object',
    props: {
      context: { type: 'string', maxLength: 253, optional: true },
      local: { type: 'boolean', optional: true },
      namespace: { type: 'string', maxLength: 63, optional: true },
    },
  },
  'session.close': { type: 'null' },
  'session.setNamespace': { type: 'object', props: { namespace: { type: 'string', maxLength: 63, optional: true } } },
  'exec.answer': {
    type: 'object',
    props: { id: { type: 'string', maxLength: 64 }, decision: { type: 'enum', values: ['once', 'always', 'deny'] } },
  },
  'prometheus.configure': {
    type: 'object',
    props: {
      url: { type: 'string', maxLength: 2048, optional: true },
      bearerToken: { type: 'string', maxLength: 16384, optional: true },
      orgId: { type: 'string', maxLength: 256, optional: true },
      insecureSkipTlsVerify: { type: 'boolean', optional: true },
    },
  },
  'prometheus.check': { type: 'null' },
  'promql.query': {
    type: 'object',
    props: {
      expr: { type: 'string', maxLength: 65536 },
      atMs: { type: 'number', min: 0, max: 1e14, optional: true },
      source: { type: 'enum', values: ['auto', 'prometheus', 'local'], optional: true },
      maxSeries: { type: 'number', min: 1, max: 10000, integer: true, optional: true },
    },
  },
  'promql.queryRange': {
    type: 'object',
    props: {
      expr: { type: 'string', maxLength: 65536 },
      startMs: { type: 'number', min: 0, max: 1e14 },
      endMs: { type: 'number', min: 0, max: 1e14 },
      stepMs: { type: 'number', min: 1, max: 1e10, optional: true },
      source: { type: 'enum', values: ['auto', 'prometheus', 'local'], optional: true },
      maxSeries: { type: 'number', min: 1, max: 1000, integer: true, optional: true },
    },
  },
  'promql.labelNames': { type: 'object', props: { match: { type: 'string', maxLength: 8192, optional: true } } },
  'promql.labelValues': { type: 'object', props: { label: { type: 'string', maxLength: 256 }, match: { type: 'string', maxLength: 8192, optional: true } } },
  'promql.metadata': { type: 'object', props: { metric: { type: 'string', maxLength: 256, optional: true } } },
  'explorer.family': { type: 'object', props: { name: { type: 'string', maxLength: 256 } } },
  'promql.seriesHistory': {
    type: 'object',
    props: {
      seriesId: { type: 'number', min: 0, max: 2 ** 53, integer: true, optional: true },
      targetId: { type: 'string', maxLength: 64, optional: true },
      labels: { type: 'array', items: { type: 'array', items: { type: 'string', maxLength: 4096 }, maxItems: 2 }, maxItems: 128, optional: true },
      fn: { type: 'enum', values: ['rate', 'irate', 'increase'], optional: true },
      windowMs: { type: 'number', min: 1000, max: 1e10, optional: true },
      startMs: { type: 'number', min: 0, max: 1e14 },
      endMs: { type: 'number', min: 0, max: 1e14 },
      stepMs: { type: 'number', min: 1, max: 1e10, optional: true },
    },
  },
};

/** Parameter schema per topic; same completeness guarantee as `API_ARG_SCHEMAS`. */
export const EVENT_PARAM_SCHEMAS: { readonly [T in EventTopic]: Schema } = {
  'session.status': { type: 'null' },
  'contexts.all': { type: 'null' },
  'exec.consents': { type: 'null' },
  'cluster.nodes': { type: 'null' },
  'targets.list': { type: 'null' },
  'prometheus.status': { type: 'null' },
  'explorer.catalog': { type: 'object', props: { text: { type: 'string', maxLength: 256, optional: true }, limit: { type: 'number', min: 1, max: 2000, integer: true, optional: true } } },
  'node.stats': { type: 'object', props: { node: { type: 'string', maxLength: 253 } } },
  'cgroups.tree': { type: 'object', props: { node: { type: 'string', maxLength: 253 } } },
  'cgroup.series': { type: 'object', props: { node: { type: 'string', maxLength: 253 }, path: { type: 'string', maxLength: 4096 } } },
  'containers.list': { type: 'object', props: { node: { type: 'string', maxLength: 253, optional: true }, namespace: { type: 'string', maxLength: 63, optional: true } } },
  'containers.series': {
    type: 'object',
    props: { namespace: { type: 'string', maxLength: 63 }, pod: { type: 'string', maxLength: 253 }, container: { type: 'string', maxLength: 253 } },
  },
  'workloads.list': { type: 'object', props: { namespace: { type: 'string', maxLength: 63, optional: true } } },
  'apps.list': { type: 'null' },
  'apps.panel': { type: 'object', props: { targetId: { type: 'string', maxLength: 64 } } },
};

export const API_METHODS = Object.freeze(Object.keys(API_ARG_SCHEMAS)) as readonly ApiMethod[];
export const EVENT_TOPICS = Object.freeze(Object.keys(EVENT_PARAM_SCHEMAS)) as readonly EventTopic[];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.hasOwn(API_ARG_SCHEMAS, name);
}

export function isEventTopic(name: unknown): name is EventTopic {
  return typeof name === 'string' && Object.hasOwn(EVENT_PARAM_SCHEMAS, name);
}

/** Electron IPC channel names; the preload and `main/electron/ipc-bridge.ts` use only these. */
export const IPC_CHANNELS = Object.freeze({
  call: 'slicewise:call',
  subscribe: 'slicewise:subscribe',
  unsubscribe: 'slicewise:unsubscribe',
  event: 'slicewise:event',
});

/** Name of the object the preload exposes on `window`. */
export const PRELOAD_GLOBAL = 'slicewise';

/** Browser-mode WebSocket path; the page connects to `ws://<host>/ws?token=<token>`. */
export const WEB_SOCKET_PATH = '/ws';
/** Query parameter and cookie carrying the per-launch browser-mode token. */
export const WEB_TOKEN_PARAM = 'token';
export const WEB_TOKEN_COOKIE = 'slicewise_token';
/** Custom scheme and host the desktop window loads the renderer from. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'slicewise';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
