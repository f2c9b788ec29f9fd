// The service-proxy transport against a stand-in ApiClient: what it asks the apiserver, and how it
// tells the apiserver's refusals (Kubernetes Status bodies) from Prometheus' own answers.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ApiClient, RawRequestOptions } from '../../../../main/cluster/api-client.js';
import { HttpPrometheusClient } from '../../../../main/promql/client.js';
import { serviceProxyTransport } from '../../../../main/promql/proxy-transport.js';

function fakeClient(reply: { status: number; body: string; type?: string }) {
  const calls: { path: string; options: RawRequestOptions }[] = [];
  const client = {
    async request(path: string, options: RawRequestOptions = {}) {
      calls.push({ path, options });
      return { statusCode: reply.status, headers: { 'content-type': reply.type ?? 'application/json' }, body: Readable.from([Buffer.from(reply.body)]) };
    },
  } as unknown as ApiClient;
  return { client, calls };
}

const REF = { namespace: 'monitoring', service: 'prometheus-k8s', port: 9090 };
const status = (code: number, message: string) => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code });

describe('serviceProxyTransport', () => {
  it('sends short form queries as GET (needs only `get` on services/proxy) under the proxy path', async () => {
    const { client, calls } = fakeClient({ status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }) });
    const prometheus = new HttpPrometheusClient(serviceProxyTransport(client, REF));
    await prometheus.query('up{job="x"}', 1_000_000);
    expect(calls).toHaveLength(1);
    expect(calls[0].path).toBe('/api/v1/namespaces/monitoring/services/prometheus-k8s:9090/proxy/api/v1/query?query=up%7Bjob%3D%22x%22%7D&time=1000.000');
    expect(calls[0].options).toMatchObject({ method: 'GET', anyStatus: true, accept: 'application/json' });
    expect(calls[0].options.body).toBeUndefined();
    expect(calls[0].options.headers?.['Content-Type']).toBeUndefined();
  });

  it('keeps long queries as POST form bodies', async () => {
    const { client, calls } = fakeClient({ status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }) });
    const long = `up{job=~"${'a|'.repeat(4000)}b"}`;
    await new HttpPrometheusClient(serviceProxyTransport(client, REF)).query(long);
    expect(calls[0].options.method).toBe('POST');
    expect(calls[0].path).toBe('/api/v1/namespaces/monitoring/services/prometheus-k8s:9090/proxy/api/v1/query');
    expect(calls[0].options.body).toBe(new URLSearchParams({ query: long }).toString());
  });

  it('names the missing permission on 403 and passes the apiserver’s words on 503 and 404', async () => {
    const forbidden = fakeClient({ status: 403, body: status(403, 'services "prometheus-k8s" is forbidden: User "u" cannot get resource "services/proxy"') });
    await expect(new HttpPrometheusClient(serviceProxyTransport(forbidden.client, REF)).buildInfo()).rejects.toMatchObject({
      code: 'forbidden',
      message: 'Forbidden: reading Prometheus through service monitoring/prometheus-k8s:9090 needs `get` on `services/proxy` in namespace monitoring.',
    });
    const down = fakeClient({ status: 503, body: status(503, 'no endpoints available for service "prometheus-k8s"') });
    await expect(new HttpPrometheusClient(serviceProxyTransport(down.client, REF)).buildInfo()).rejects.toMatchObject({
      code: 'unavailable',
      message: 'The apiserver could not reach Prometheus behind service monitoring/prometheus-k8s:9090: no endpoints available for service "prometheus-k8s"',
    });
    const gone = fakeClient({ status: 404, body: status(404, 'services "prometheus-k8s" not found') });
    await expect(new HttpPrometheusClient(serviceProxyTransport(gone.client, REF)).buildInfo()).rejects.toMatchObject({ code: 'not-found' });
  });

  it('lets Prometheus’ own errors through for the client to read', async () => {
    const { client } = fakeClient({ status: 400, body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: '1:5: parse error: unexpected end of input' }) });
    await expect(new HttpPrometheusClient(serviceProxyTransport(client, REF)).query('rate(')).rejects.toMatchObject({ code: 'bad-request', message: '1:5: parse error: unexpected end of input' });
  });
});
