import { gzipSync } from 'node:zlib';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../../main/cluster/api-client.js';
import { ApiError } from '../../../../main/cluster/api-error.js';
import { toClientNodeConfig } from '../../../../main/cluster/client-node-config.js';
import { ExecConsent } from '../../../../main/kubeconfig/exec-consent.js';
import { loadKubeconfig, type ResolvedContext } from '../../../../main/kubeconfig/load.js';
import { Logger, type LogSink } from '../../../../main/util/log.js';
import { sendJson, sendStatus, startFakeApiserver, type FakeApiserver } from '../../../helpers/fake-apiserver.js';
import { writeExecPluginStub } from '../../../helpers/exec-plugin-stub.js';
import { CANARY, canariesIn, writeKubeconfig } from '../../../helpers/kubeconfig.js';
import { createTestPki, type TestPki } from '../../../helpers/pki.js';
import { freePort, tempDir } from '../../../helpers/processes.js';

let dir: { path: string; remove: () => void };
let pki: TestPki;
let server: FakeApiserver;
const logLines: string[] = [];
const sink: LogSink = { write: (line) => logLines.push(line) };
const log = new Logger(sink, 'debug');
const clients: ApiClient[] = [];

beforeAll(async () => {
  dir = tempDir('slicewise-api-');
  pki = createTestPki(dir.path);
  server = await startFakeApiserver({ tls: { cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert } });
});
afterEach(() => {
  for (const client of clients.splice(0)) client.dispose();
  server.requests.length = 0;
  server.setHandler((req, res) => (req.url?.startsWith('/version') ? sendJson(res, { major: '1', minor: '32' }) : sendStatus(res, 404, 'NotFound', 'not here')));
});
afterAll(async () => {
  await server.stop();
  dir.remove();
  // SEC-09/10: no secret from any test in this file reached a log line.
  expect(canariesIn(logLines.join('\n'))).toEqual([]);
});

let counter = 0;
/** A kubeconfig with one context for `user`, against `serverUrl`, trusting `ca` (the test CA by default). */
function contextFor(user: Record<string, unknown>, options: { serverUrl?: string; ca?: Buffer | null; cluster?: Record<string, unknown>; consent?: ExecConsent; execTimeoutMs?: number; now?: () => number } = {}): ResolvedContext {
  counter += 1;
  const cluster: Record<string, unknown> = { server: options.serverUrl ?? server.url, ...options.cluster };
  const ca = options.ca === undefined ? pki.ca.cert : options.ca;
  if (ca) cluster['certificate-authority-data'] = ca.toString('base64');
  const path = writeKubeconfig(join(dir.path, `config-${counter}`), {
    clusters: [{ name: 'test-cluster', cluster }],
    users: [{ name: 'test-user', user }],
    contexts: [{ name: 'test', context: { cluster: 'test-cluster', user: 'test-user' } }],
    'current-context': 'test',
  });
  return loadKubeconfig([path], { credentials: { log, consent: options.consent, execTimeoutMs: options.execTimeoutMs, now: options.now } }).resolve();
}

function client(context: ResolvedContext, timeoutMs?: number): ApiClient {
  const created = new ApiClient(context, { log, timeoutMs, env: {} });
  clients.push(created);
  return created;
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

const allowAll = () => new ExecConsent({ prompt: async () => 'once' });

function execUser(stubDir: string, command: string, options: { apiVersion?: string; args?: string[]; env?: Record<string, string>; provideClusterInfo?: boolean } = {}): Record<string, unknown> {
  const env = { STUB_DIR: stubDir, STUB_TOKEN_PREFIX: CANARY.pluginToken, ...options.env };
  return {
    exec: {
      apiVersion: options.apiVersion ?? 'client.authentication.k8s.io/v1',
      command,
      args: options.args ?? [],
      env: Object.entries(env).map(([name, value]) => ({ name, value })),
      interactiveMode: 'Never',
      provideClusterInfo: options.provideClusterInfo ?? false,
    },
  };
}

function stubIn(name: string) {
  const stubDir = tempDir('slicewise-stub-');
  const stub = writeExecPluginStub(stubDir.path);
  return { stubDir: stubDir.path, ...stub, name };
}

describe('ApiClient authentication', () => {
  it('sends a bearer token over TLS verified with the kubeconfig CA and parses JSON', async () => {
    const api = client(contextFor({ token: CANARY.token }));
    expect(await api.get('/version')).toMatchObject({ major: '1', minor: '32' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${CANARY.token}`);
    expect(server.requests[0].headers['user-agent']).toBe('slicewise');
    expect(server.requests[0].headers.accept).toBe('application/json');
  });

  it('presents the client certificate', async () => {
    const api = client(contextFor({ 'client-certificate': pki.client.certPath, 'client-key': pki.client.keyPath }));
    await api.get('/version');
    expect(server.requests[0].clientCertCn).toBe('alice');
    expect(server.requests[0].headers.authorization).toBeUndefined();
  });

  it('sends basic auth', async () => {
    const api = client(contextFor({ username: 'admin', password: CANARY.password }));
    await api.get('/version');
    expect(server.requests[0].headers.authorization).toBe(`Basic ${Buffer.from(`admin:${CANARY.password}`).toString('base64')}`);
  });

  it('reads a token file, and reads it again after a 401 (rotated token)', async () => {
    const tokenFile = join(dir.path, 'rotating-token');
    writeFileSync(tokenFile, 'old-token\n');
    server.setHandler((req, res) => (req.headers.authorization === 'Bearer new-token' ? sendJson(res, { ok: true }) : sendStatus(res, 401, 'Unauthorized', 'Unauthorized')));
    const api = client(contextFor({ tokenFile }));
    writeFileSync(tokenFile, 'old-token\n');
    const first = await failure(api.get('/api'));
    // The file was re-read for the retry, but still held the old token.
    expect(first).toMatchObject({ code: 'unauthorized', statusCode: 401 });
    expect(server.requests.map((request) => request.headers.authorization)).toEqual(['Bearer old-token', 'Bearer old-token']);
    writeFileSync(tokenFile, 'new-token\n');
    expect(await api.get('/api')).toEqual({ ok: true });
  });

  it('does not retry a static token after a 401 and names the user in the message', async () => {
    server.setHandler((_req, res) => sendStatus(res, 401, 'Unauthorized', 'Unauthorized'));
    const api = client(contextFor({ token: CANARY.token }));
    const error = await failure(api.get('/api/v1/pods'));
    expect(server.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 'unauthorized',
      statusCode: 401,
      message: 'The cluster rejected the credentials of user "test-user" (context "test", 401 Unauthorized).',
      hint: 'The token of user "test-user" was rejected; get a new one and update the kubeconfig.',
    });
  });

  it('sends no credentials to a plain http:// server and runs no exec plugin (kubectl does the same)', async () => {
    const plain = await startFakeApiserver();
    try {
      const stub = stubIn('http');
      const api = client(contextFor(execUser(stub.stubDir, stub.command), { serverUrl: plain.url, ca: null, consent: allowAll() }));
      await api.get('/version');
      expect(plain.requests[0].headers.authorization).toBeUndefined();
      expect(stub.ran()).toBe(false);
    } finally {
      await plain.stop();
    }
  });
});

describe('ApiClient with exec credential plugins', () => {
  it.each(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'])('runs an %s plugin with KUBERNETES_EXEC_INFO and uses its token', async (apiVersion) => {
    const stub = stubIn(apiVersion);
    const api = client(contextFor(execUser(stub.stubDir, stub.command, { apiVersion, provideClusterInfo: true }), { consent: allowAll() }));
    await api.get('/version');
    await api.get('/version');
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${CANARY.pluginToken}-1`, `Bearer ${CANARY.pluginToken}-1`]);
    expect(stub.runs()).toBe(1);
    const info = JSON.parse(stub.calls()[0].info ?? '{}');
    expect(info).toEqual({
      kind: 'ExecCredential',
      apiVersion,
      spec: { interactive: false, cluster: { server: server.url, 'certificate-authority-data': pki.ca.cert.toString('base64'), config: null } },
    });
  });

  it('uses a client certificate returned by the plugin', async () => {
    const stub = stubIn('cert');
    const user = execUser(stub.stubDir, stub.command, { env: { STUB_MODE: 'cert', STUB_CERT_FILE: pki.client.certPath, STUB_KEY_FILE: pki.client.keyPath } });
    const api = client(contextFor(user, { consent: allowAll() }));
    await api.get('/version');
    expect(server.requests[0].clientCertCn).toBe('alice');
  });

  it('on a 401 runs the plugin again once and retries with the new token', async () => {
    const stub = stubIn('expiry');
    // The server accepts only the second token: the first one "expired".
    server.setHandler((req, res) => (req.headers.authorization === `Bearer ${CANARY.pluginToken}-2` ? sendJson(res, { items: [] }) : sendStatus(res, 401, 'Unauthorized', 'Unauthorized')));
    const api = client(contextFor(execUser(stub.stubDir, stub.command), { consent: allowAll() }));
    expect(await api.get('/api/v1/pods')).toEqual({ items: [] });
    expect(stub.runs()).toBe(2);
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${CANARY.pluginToken}-1`, `Bearer ${CANARY.pluginToken}-2`]);
  });

  it('refreshes a token 60 s before it expires, and shares one plugin run between concurrent requests', async () => {
    const stub = stubIn('ttl');
    let nowMs = Date.now();
    const context = contextFor(execUser(stub.stubDir, stub.command, { env: { STUB_TTL_MS: String(3_600_000) } }), { consent: allowAll(), now: () => nowMs });
    const credentials = context.credentials;
    const results = await Promise.all(Array.from({ length: 10 }, () => credentials.authorize()));
    expect(stub.runs()).toBe(1);
    expect(new Set(results.map((material) => material.headers.Authorization))).toEqual(new Set([`Bearer ${CANARY.pluginToken}-1`]));
    // One hour of validity: 61 s before expiry the token is still used (with 1 s of slack for the
    // stub's own clock read), 59 s before expiry it is refreshed.
    nowMs += 3_600_000 - 62_000;
    expect((await credentials.authorize()).headers.Authorization).toBe(`Bearer ${CANARY.pluginToken}-1`);
    nowMs += 4_000;
    expect((await credentials.authorize()).headers.Authorization).toBe(`Bearer ${CANARY.pluginToken}-2`);
    expect(stub.runs()).toBe(2);
  });

  it('refuses to run the plugin without consent: clear error, nothing run', async () => {
    const stub = stubIn('no-consent');
    const api = client(contextFor(execUser(stub.stubDir, stub.command), { consent: new ExecConsent({ howToAllow: 'run the command line again with --allow-exec' }) }));
    const error = await failure(api.get('/version'));
    expect(error.code).toBe('consent-required');
    expect(error.message).toContain(`the credential plugin \`${stub.command}\` for context "test"`);
    expect(error.message).toContain('--allow-exec');
    expect(stub.ran()).toBe(false);
    expect(server.requests).toHaveLength(0);
  });

  it('shows the exact command, args, env names, server and kubeconfig, and runs nothing when denied', async () => {
    const stub = stubIn('deny');
    const asked: unknown[] = [];
    const consent = new ExecConsent({
      prompt: async (request) => {
        asked.push(request);
        return 'deny';
      },
    });
    const context = contextFor(execUser(stub.stubDir, stub.command, { args: ['login', '--profile', 'dev'] }), { consent });
    const api = client(context);
    const error = await failure(api.get('/version'));
    expect(error).toMatchObject({ code: 'consent-required' });
    expect(asked).toEqual([{ contextName: 'test', kubeconfigPath: context.kubeconfigPath, command: stub.command, args: ['login', '--profile', 'dev'], envNames: ['STUB_DIR', 'STUB_TOKEN_PREFIX'], server: server.url }]);
    expect(canariesIn(JSON.stringify(asked))).toEqual([]);
    // A second request does not ask again in the same session.
    await failure(api.get('/version'));
    expect(asked).toHaveLength(1);
    expect(stub.ran()).toBe(false);
  });

  it('passes args containing shell syntax as single literal argv elements (no shell)', async () => {
    const stub = stubIn('argv');
    const args = ['; rm -rf ~', '$(touch /tmp/slicewise-pwned)', '`id`', 'a b'];
    const api = client(contextFor(execUser(stub.stubDir, stub.command, { args }), { consent: allowAll() }));
    await api.get('/version');
    expect(stub.calls()[0].argv).toEqual(args);
  });

  it('kills a plugin that runs past the timeout, with everything it started', async () => {
    const stub = stubIn('sleep');
    const api = client(contextFor(execUser(stub.stubDir, stub.command, { env: { STUB_MODE: 'sleep' } }), { consent: allowAll(), execTimeoutMs: 1500 }));
    const error = await failure(api.get('/version'));
    expect(error).toMatchObject({ code: 'timeout', message: 'the credential plugin fake-login of user "test-user" did not finish within 1.5 s and was stopped.' });
    const pid = Number(readFileSync(join(stub.stubDir, 'pid'), 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it('rejects plugin output over 1 MiB', async () => {
    const stub = stubIn('huge');
    const api = client(contextFor(execUser(stub.stubDir, stub.command, { env: { STUB_MODE: 'huge' } }), { consent: allowAll() }));
    const error = await failure(api.get('/version'));
    expect(error).toMatchObject({ code: 'limit' });
    expect(error.message).toContain('printed more than 1 MiB');
    expect(server.requests).toHaveLength(0);
  });

  it('redacts secrets in plugin stderr before it reaches the error message or the log', async () => {
    const stub = stubIn('fail');
    const stderrFile = join(stub.stubDir, 'stderr.txt');
    writeFileSync(stderrFile, `debug: loading profile\nerror: token ${CANARY.stderr} expired; secret=${CANARY.envValue}; run aws sso login\n`);
    const api = client(contextFor(execUser(stub.stubDir, stub.command, { env: { STUB_MODE: 'fail', STUB_STDERR_FILE: stderrFile, SECRET_VALUE: CANARY.envValue } }), { consent: allowAll() }));
    const before = logLines.length;
    const error = await failure(api.get('/version'));
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain('failed with exit code 3');
    expect(error.message).toBe('the credential plugin fake-login of user "test-user" failed with exit code 3: debug: loading profile / error: token [redacted] expired; secret=[redacted]; run aws sso login');
    expect(canariesIn(error.message)).toEqual([]);
    const newLines = logLines.slice(before).join('\n');
    expect(newLines).toContain('credential plugin fake-login for user "test-user" failed');
    expect(canariesIn(newLines)).toEqual([]);
  });

  it('rejects a plugin that answers with another apiVersion or prints no JSON', async () => {
    const wrong = stubIn('wrong');
    const api = client(contextFor(execUser(wrong.stubDir, wrong.command, { env: { STUB_MODE: 'wrong-version' } }), { consent: allowAll() }));
    expect(await failure(api.get('/version'))).toMatchObject({
      code: 'parse',
      message: 'exec plugin is configured to use API version client.authentication.k8s.io/v1, plugin returned version client.authentication.k8s.io/v1beta1 (the credential plugin fake-login of user "test-user").',
    });
    const notJson = stubIn('not-json');
    const api2 = client(contextFor(execUser(notJson.stubDir, notJson.command, { env: { STUB_MODE: 'not-json' } }), { consent: allowAll() }));
    const error = await failure(api2.get('/version'));
    expect(error).toMatchObject({ code: 'parse', message: 'the credential plugin fake-login of user "test-user" did not print an ExecCredential (its output is not JSON).' });
    expect(canariesIn(error.message)).toEqual([]);
  });

  it('says which program is missing and shows the install hint', async () => {
    const context = contextFor({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'slicewise-no-such-plugin', installHint: 'Install it with: brew install foo', interactiveMode: 'Never' } }, { consent: allowAll() });
    const error = await failure(client(context).get('/version'));
    expect(error.code).toBe('not-found');
    expect(error.message).toMatch(/^The credential plugin of user "test-user": "slicewise-no-such-plugin" was not found in PATH \(/);
    expect(error.hint).toBe('Install it with: brew install foo');
  });
});

describe('ApiClient failures in words', () => {
  it('dns: cannot resolve host', async () => {
    const error = await failure(client(contextFor({ token: 't' }, { serverUrl: 'https://slicewise-test.invalid:6443' })).get('/version'));
    expect(error).toMatchObject({ code: 'dns', message: 'Cannot resolve host slicewise-test.invalid (cluster "test-cluster").' });
  });

  it('unreachable: connection refused', async () => {
    const port = await freePort();
    const error = await failure(client(contextFor({ token: 't' }, { serverUrl: `https://127.0.0.1:${port}` })).get('/version'));
    expect(error).toMatchObject({ code: 'unreachable', message: `Connection refused by 127.0.0.1:${port} (cluster "test-cluster").` });
  });

  it('tls: a certificate from an unknown CA, checked against the kubeconfig CA', async () => {
    const context = contextFor({ token: CANARY.token }, { ca: pki.otherCa.cert });
    const error = await failure(client(context).get('/version'));
    expect(error.code).toBe('tls');
    expect(error.message).toBe(`TLS: the certificate of 127.0.0.1:${server.port} is not signed by a CA Slicewise trusts; it was checked against the CA from the kubeconfig (certificate-authority-data of cluster "test-cluster").`);
    // The token never left: no request reached the server.
    expect(server.requests).toHaveLength(0);
  });

  it('tls: a self-signed server and no CA in the kubeconfig gives an error, never data (SEC-14)', async () => {
    const error = await failure(client(contextFor({ token: 't' }, { ca: null })).get('/version'));
    expect(error.code).toBe('tls');
    expect(error.message).toContain('the system CAs, because the kubeconfig gives no certificate-authority for this cluster');
  });

  it('tls: name mismatch and expired certificates', async () => {
    const wrongName = await startFakeApiserver({ tls: { cert: pki.wrongName.cert, key: pki.wrongName.key } });
    const expired = await startFakeApiserver({ tls: { cert: pki.expired.cert, key: pki.expired.key } });
    try {
      const mismatch = await failure(client(contextFor({ token: 't' }, { serverUrl: wrongName.url })).get('/version'));
      expect(mismatch.code).toBe('tls');
      expect(mismatch.message).toMatch(/^TLS: the certificate of 127\.0\.0\.1:\d+ is not valid for that name \(IP: 127\.0\.0\.1 is not in the cert's list/);
      // tls-server-name makes the same certificate acceptable.
      const named = client(contextFor({ token: 't' }, { serverUrl: wrongName.url, cluster: { 'tls-server-name': 'elsewhere.example' } }));
      expect(await named.get('/version')).toMatchObject({ major: '1', minor: '32' });
      const old = await failure(client(contextFor({ token: 't' }, { serverUrl: expired.url })).get('/version'));
      expect(old).toMatchObject({ code: 'tls', message: `TLS: the certificate of 127.0.0.1:${expired.port} has expired.` });
    } finally {
      await wrongName.stop();
      await expired.stop();
    }
  });

  it('insecure-skip-tls-verify accepts an unknown CA', async () => {
    const api = client(contextFor({ token: 't' }, { ca: null, cluster: { 'insecure-skip-tls-verify': true } }));
    expect(await api.get('/version')).toMatchObject({ major: '1', minor: '32' });
  });

  it('forbidden: includes the apiserver’s Status message', async () => {
    const message = 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" at the cluster scope';
    server.setHandler((_req, res) => sendStatus(res, 403, 'Forbidden', message));
    const error = await failure(client(contextFor({ token: 't' })).get('/api/v1/pods'));
    expect(error).toMatchObject({ code: 'forbidden', statusCode: 403, reason: 'Forbidden', message: `Forbidden: ${message}.` });
  });

  it('not-found and 410 keep the status code and reason for the watch cache', async () => {
    server.setHandler((req, res) => (req.url?.startsWith('/api/v1/nodes/gone') ? sendStatus(res, 404, 'NotFound', 'nodes "gone" not found') : sendStatus(res, 410, 'Expired', 'too old resource version: 100 (150)')));
    const api = client(contextFor({ token: 't' }));
    expect(await failure(api.get('/api/v1/nodes/gone'))).toMatchObject({ code: 'not-found', statusCode: 404, message: 'Not found: nodes "gone" not found.' });
    expect(await failure(api.get('/api/v1/pods', { query: { resourceVersion: '100', watch: undefined } }))).toMatchObject({ code: 'closed', statusCode: 410, reason: 'Expired' });
    expect(server.requests[1].url).toBe('/api/v1/pods?resourceVersion=100');
  });

  it('timeout: a server that never answers', async () => {
    server.setHandler(() => undefined);
    const error = await failure(client(contextFor({ token: 't' }), 300).get('/api/v1/pods'));
    expect(error).toMatchObject({ code: 'timeout' });
    expect(error.message).toBe(`The apiserver at 127.0.0.1:${server.port} did not answer GET /api/v1/pods within 300 ms.`);
  });

  it('a caller abort is "closed", not a failure of the cluster', async () => {
    server.setHandler(() => undefined);
    const controller = new AbortController();
    const pending = failure(client(contextFor({ token: 't' })).get('/api/v1/pods', { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ code: 'closed', message: 'GET /api/v1/pods was cancelled.' });
  });
});

describe('ApiClient bodies and streams', () => {
  it('decodes gzip bodies and returns text with its content type', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Encoding': 'gzip' });
      res.end(gzipSync('# HELP up\nup 1\n'));
    });
    const api = client(contextFor({ token: 't' }));
    expect(await api.getText('/api/v1/nodes/n1/proxy/metrics/cadvisor')).toEqual({ contentType: 'text/plain; version=0.0.4', body: '# HELP up\nup 1\n' });
    expect(server.requests[0].headers['accept-encoding']).toBe('gzip');
  });

  it('streams newline-delimited JSON split across chunks, then ends when the server closes', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MOD');
      setTimeout(() => {
        res.write('IFIED","object":{"metadata":{"name":"a"}}}\n\n');
        res.end('{"type":"DELETED","object":{"metadata":{"name":"a"}}}');
      }, 20);
    });
    const events: { type: string }[] = [];
    for await (const event of client(contextFor({ token: 't' })).stream<{ type: string }>('/api/v1/pods', { query: { watch: 'true' } })) events.push(event);
    expect(events.map((event) => event.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('ends a stream quietly when the caller aborts', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"type":"ADDED","object":{}}\n');
    });
    const controller = new AbortController();
    const seen: unknown[] = [];
    for await (const event of client(contextFor({ token: 't' })).stream('/api/v1/pods', { signal: controller.signal })) {
      seen.push(event);
      controller.abort();
    }
    expect(seen).toHaveLength(1);
  });

  it('request() returns the raw response for the scrape layer', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('raw');
    });
    const response = await client(contextFor({ token: 't' })).request('/api/v1/nodes/n1/proxy/metrics');
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
    expect([response.statusCode, Buffer.concat(chunks).toString()]).toEqual([200, 'raw']);
    expect(server.requests[0].headers['accept-encoding']).toBeUndefined();
  });
});

describe('ApiClient through an HTTP proxy (proxy-url)', () => {
  let proxy: Server;
  let proxyPort: number;
  const connects: string[] = [];
  beforeAll(async () => {
    // A minimal CONNECT proxy: enough to prove the tunnel is used and TLS still verifies end to end.
    proxy = createServer((socket: Socket) => {
      socket.once('data', (head: Buffer) => {
        const [line] = head.toString('latin1').split('\r\n');
        const target = line.split(' ')[1];
        connects.push(line);
        const [host, port] = target.split(':');
        const upstream = connect(Number(port), host, () => {
          socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.pipe(socket);
          socket.pipe(upstream);
        });
        upstream.on('error', () => socket.destroy());
        socket.on('error', () => upstream.destroy());
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyPort = (proxy.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  it('tunnels through the proxy and still verifies the apiserver certificate', async () => {
    const api = client(contextFor({ token: 't' }, { cluster: { 'proxy-url': `http://127.0.0.1:${proxyPort}` } }));
    expect(await api.get('/version')).toMatchObject({ major: '1', minor: '32' });
    expect(connects).toEqual([`CONNECT 127.0.0.1:${server.port} HTTP/1.1`]);
    const untrusted = client(contextFor({ token: 't' }, { ca: pki.otherCa.cert, cluster: { 'proxy-url': `http://127.0.0.1:${proxyPort}` } }));
    expect((await failure(untrusted.get('/version'))).code).toBe('tls');
  });

  it('explains that SOCKS proxies are not supported', async () => {
    const api = client(contextFor({ token: 't' }, { cluster: { 'proxy-url': 'socks5://127.0.0.1:1080' } }));
    expect(await failure(api.get('/version'))).toMatchObject({ code: 'bad-request', message: 'The proxy-url socks5://127.0.0.1:1080 of cluster "test-cluster" uses a scheme Slicewise does not support; use an http:// or https:// proxy.' });
  });
});

describe('toClientNodeConfig', () => {
  it('builds a client-node KubeConfig with the current token, CA and namespace', async () => {
    const kc = await toClientNodeConfig(contextFor({ token: CANARY.token, as: 'admin' }));
    expect(kc.getCurrentContext()).toBe('test');
    expect(kc.getCurrentCluster()).toMatchObject({ name: 'test-cluster', server: server.url, caData: pki.ca.cert.toString('base64'), skipTLSVerify: false });
    expect(kc.getCurrentUser()).toMatchObject({ name: 'test-user', token: CANARY.token, impersonateUser: 'admin' });
    expect(kc.getContextObject('test')?.namespace).toBe('default');
  });

  it('carries a client certificate as base64 data', async () => {
    const kc = await toClientNodeConfig(contextFor({ 'client-certificate': pki.client.certPath, 'client-key': pki.client.keyPath }));
    expect(Buffer.from(kc.getCurrentUser()?.certData ?? '', 'base64').equals(pki.client.cert)).toBe(true);
    expect(Buffer.from(kc.getCurrentUser()?.keyData ?? '', 'base64').equals(pki.client.key)).toBe(true);
  });
});
