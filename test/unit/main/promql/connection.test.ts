// The Prometheus connection with a user-given URL, against small local HTTP servers standing in for
// Prometheus-compatible APIs (a Mimir-like one under a path prefix, one without buildinfo, one that
// refuses the token). Cluster detection runs against the simulator in test/integration/explorer/.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusConnection } from '../../../../main/promql/connection.js';
import { Logger, type LogSink } from '../../../../main/util/log.js';

interface FakeApi {
  url: string;
  requests: { path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

const servers: Server[] = [];

async function fakeApi(answer: (path: string) => { status: number; body: string; type?: string }): Promise<FakeApi> {
  const requests: FakeApi['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    const reply = answer((req.url ?? '').split('?')[0]);
    res.writeHead(reply.status, { 'Content-Type': reply.type ?? 'application/json' });
    res.end(reply.body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink: LogSink = { write: (line) => lines.push(line) };
  return { log: new Logger(sink, 'debug'), lines };
}

const BUILDINFO = JSON.stringify({ status: 'success', data: { version: '2.53.0', revision: 'abc', branch: 'HEAD', goVersion: 'go1.22' } });

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('PrometheusConnection with a configured URL', () => {
  it('sends the bearer token and tenant on every request under the URL’s path prefix, and never shows the token', async () => {
    const api = await fakeApi((path) =>
      path === '/prometheus/api/v1/status/buildinfo'
        ? { status: 200, body: BUILDINFO }
        : path === '/prometheus/api/v1/query'
          ? { status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '1'] } }) }
          : { status: 404, body: '404 page not found', type: 'text/plain' },
    );
    const { log, lines } = capture();
    const token = 'sekrit-token-42';
    const connection = new PrometheusConnection({ endpoint: { url: `${api.url}/prometheus/`, bearerToken: token, orgId: 'tenant-7' }, log });
    const status = await connection.start();
    expect(status).toMatchObject({ state: 'connected', source: 'configured URL', url: `${api.url}/prometheus`, transport: 'direct', version: '2.53.0' });
    expect(await connection.client()!.query('1')).toEqual({ resultType: 'scalar', tsMs: 1000, raw: '1' });
    expect(api.requests.map((request) => request.path.split('?')[0])).toEqual(['/prometheus/api/v1/status/buildinfo', '/prometheus/api/v1/query']);
    for (const request of api.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${token}`);
      expect(request.headers['x-scope-orgid']).toBe('tenant-7');
    }
    expect(JSON.stringify(status)).not.toContain(token);
    expect(lines.join('\n')).not.toContain(token);
    connection.dispose();
  });

  it('accepts an API without buildinfo that answers queries, and says so', async () => {
    const api = await fakeApi((path) =>
      path === '/api/v1/query' ? { status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }) } : { status: 404, body: 'not found', type: 'text/plain' },
    );
    const connection = new PrometheusConnection({ endpoint: { url: api.url }, log: capture().log });
    expect(await connection.start()).toMatchObject({ state: 'connected', message: 'It answers queries but has no build-info endpoint.' });
    expect(connection.status.value.version).toBeUndefined();
    connection.dispose();
  });

  it('reports a refused token in words, without the token, and keeps no client', async () => {
    const api = await fakeApi(() => ({ status: 401, body: 'Unauthorized', type: 'text/plain' }));
    const connection = new PrometheusConnection({ endpoint: { url: api.url, bearerToken: 'wrong-token-9' }, log: capture().log, retryMs: 3_600_000 });
    const status = await connection.start();
    expect(status.state).toBe('error');
    expect(status.message).toBe(
      `${api.url} does not answer as a Prometheus API: The Prometheus endpoint answered HTTP 401 without an API response. Check the bearer token or tenant (X-Scope-OrgID) for this Prometheus.`,
    );
    expect(JSON.stringify(status)).not.toContain('wrong-token-9');
    expect(connection.client()).toBeNull();
    connection.dispose();
  });

  it('looks again when a connected Prometheus stops answering', async () => {
    const api = await fakeApi(() => ({ status: 200, body: BUILDINFO }));
    const connection = new PrometheusConnection({ endpoint: { url: api.url }, log: capture().log, retryMs: 3_600_000 });
    expect((await connection.start()).state).toBe('connected');
    const server = servers.pop()!;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await expect(connection.client()!.labelNames()).rejects.toMatchObject({ code: 'unreachable' });
    await expect.poll(() => connection.status.value.state).toBe('error');
    expect(connection.status.value.message).toContain('(connection refused)');
    expect(connection.client()).toBeNull();
    connection.dispose();
  });
});

describe('PrometheusConnection without URL or cluster', () => {
  it('says there is nowhere to look', async () => {
    const connection = new PrometheusConnection({ log: capture().log });
    expect(await connection.start()).toMatchObject({ state: 'none', message: 'This machine has no cluster to look for a Prometheus in; give a Prometheus URL to use one.' });
    connection.dispose();
  });
});
