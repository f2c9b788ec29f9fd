import { describe, expect, it } from 'vitest';
import { forwardUpgradeError } from '../../../../main/transport/port-forward.js';
import { proxyPath, proxyPermission } from '../../../../main/transport/apiserver-proxy.js';

const key = { namespace: 'web', pod: 'nginx-abc', port: 9113 };

describe('port-forward upgrade errors', () => {
  it('names the RBAC permission on 403, from the ErrorEvent client-node rejects with', () => {
    const error = forwardUpgradeError({ type: 'error', message: 'Unexpected server response: 403', error: new Error('Unexpected server response: 403') }, key);
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe('Port-forward to pod web/nginx-abc port 9113 is forbidden.');
    expect(error.hint).toBe('It needs `get` and `create` on `pods/portforward` in namespace web.');
  });

  it('tells a missing pod, an apiserver without WebSocket port-forward and network failures apart', () => {
    expect(forwardUpgradeError(new Error('Unexpected server response: 404'), key)).toMatchObject({ code: 'not-found', message: 'Port-forward: pod web/nginx-abc port 9113 does not exist (any more).' });
    expect(forwardUpgradeError(new Error('Unexpected server response: 400'), key)).toMatchObject({ code: 'unavailable' });
    expect(forwardUpgradeError(new Error('connect ECONNREFUSED 127.0.0.1:6443'), key)).toMatchObject({ code: 'unreachable', message: 'Port-forward to pod web/nginx-abc port 9113 failed: connect ECONNREFUSED 127.0.0.1:6443' });
  });
});

describe('apiserver proxy paths (protocols.md §5)', () => {
  it('builds node, pod and service proxy paths with the scheme prefix', () => {
    expect(proxyPath({ kind: 'node', node: 'n 1', path: '/metrics/cadvisor' })).toBe('/api/v1/nodes/n%201/proxy/metrics/cadvisor');
    expect(proxyPath({ kind: 'pod', namespace: 'web', pod: 'nginx-abc', port: 9113, scheme: 'http', path: '/metrics' })).toBe('/api/v1/namespaces/web/pods/nginx-abc:9113/proxy/metrics');
    expect(proxyPath({ kind: 'service', namespace: 'monitoring', service: 'prom', port: 9090, scheme: 'https', path: 'api/v1/query?x=1' })).toBe('/api/v1/namespaces/monitoring/services/https:prom:9090/proxy/api/v1/query?x=1');
    expect(proxyPermission({ kind: 'node', node: 'n', path: '/' })).toBe('`get` on `nodes/proxy`');
  });
});
