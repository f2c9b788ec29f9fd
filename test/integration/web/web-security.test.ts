import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { createCore, type Core } from '../../../main/core/create-core.js';
import { startWebServer, type WebServer } from '../../../main/web/server.js';
import { Logger, nullSink } from '../../../main/util/log.js';
import { REPO_ROOT } from '../../helpers/fixtures.js';
import { rawGet, rawUpgrade } from '../../helpers/http.js';

const RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer');

function nonLoopbackAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((info): info is NonNullable<typeof info> => !!info && !info.internal && !info.address.startsWith('fe80'))
    .map((info) => info.address);
}

function tryConnect(host: string, port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('browser-mode server security (SEC-18)', () => {
  let core: Core;
  let server: WebServer;

  beforeAll(async () => {
    expect(existsSync(join(RENDERER_DIR, 'index.html')), 'run npm run build first').toBe(true);
    const log = new Logger(nullSink);
    core = createCore({ front: 'web', log });
    server = await startWebServer({ dispatcher: core.dispatcher, log, rendererDir: RENDERER_DIR });
  });

  afterAll(async () => {
    await server?.close();
    await core?.dispose();
  });

  const host = () => `127.0.0.1:${server.port}`;

  it('uses a fresh 256-bit token and prints it in the URL', () => {
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
  });

  it('refuses requests without the token, or with a wrong one, with 401', async () => {
    for (const path of ['/', '/index.html', '/favicon.svg', `/?token=${'x'.repeat(43)}`, '/?token=']) {
      const response = await rawGet({ port: server.port, path, headers: { Host: host() } });
      expect(response.status, path).toBe(401);
      expect(response.body).toMatch(/open the exact URL/);
    }
  });

  it('serves the app with the token in the query, sets an HttpOnly cookie and accepts it afterwards', async () => {
    const first = await rawGet({ port: server.port, path: `/?token=${server.token}`, headers: { Host: host() } });
    expect(first.status).toBe(200);
    expect(first.body).toContain('<div id="app"></div>');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toContain(`slicewise_token=${server.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const again = await rawGet({ port: server.port, path: '/favicon.svg', headers: { Host: host(), Cookie: `slicewise_token=${server.token}` } });
    expect(again.status).toBe(200);
    expect(again.headers['content-type']).toBe('image/svg+xml');
  });

  it('answers every response with the strict CSP and hardening headers', async () => {
    for (const [path, status] of [
      [`/?token=${server.token}`, 200],
      ['/', 401],
    ] as const) {
      const response = await rawGet({ port: server.port, path, headers: { Host: host() } });
      expect(response.status).toBe(status);
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port} ws://localhost:${server.port}`);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('refuses a foreign Host header with 403 even with the token (DNS rebinding)', async () => {
    for (const badHost of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, '127.0.0.1']) {
      const response = await rawGet({ port: server.port, path: `/?token=${server.token}`, headers: { Host: badHost } });
      expect(response.status, badHost).toBe(403);
    }
    const ok = await rawGet({ port: server.port, path: `/?token=${server.token}`, headers: { Host: `localhost:${server.port}` } });
    expect(ok.status).toBe(200);
  });

  it('refuses path traversal and non-GET methods', async () => {
    const cookie = `slicewise_token=${server.token}`;
    for (const path of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fpackage.json']) {
      const response = await rawGet({ port: server.port, path, headers: { Host: host(), Cookie: cookie } });
      expect(response.status, path).toBe(404);
      expect(response.body).not.toContain('root:');
    }
    const post = await rawGet({ port: server.port, path: '/', method: 'POST', headers: { Host: host(), Cookie: cookie } });
    expect(post.status).toBe(405);
  });

  it('accepts the WebSocket only with the token, its own Host and its own Origin', async () => {
    const path = `/ws?token=${server.token}`;
    expect(await rawUpgrade({ port: server.port, path, origin: `http://127.0.0.1:${server.port}` })).toBe(101);
    expect(await rawUpgrade({ port: server.port, path: '/ws', cookie: `slicewise_token=${server.token}`, origin: `http://localhost:${server.port}`, host: `localhost:${server.port}` })).toBe(101);
    expect(await rawUpgrade({ port: server.port, path, origin: 'https://evil.example' })).toBe(403);
    expect(await rawUpgrade({ port: server.port, path, origin: 'null' })).toBe(403);
    expect(await rawUpgrade({ port: server.port, path, host: 'evil.example' })).toBe(403);
    expect(await rawUpgrade({ port: server.port, path: '/ws', origin: `http://127.0.0.1:${server.port}` })).toBe(401);
    expect(await rawUpgrade({ port: server.port, path: `/ws?token=wrong`, origin: `http://127.0.0.1:${server.port}` })).toBe(401);
    expect(await rawUpgrade({ port: server.port, path: `/elsewhere?token=${server.token}` })).toBe(404);
  });

  it('carries the contract over the socket and rejects calls outside it', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` });
    const messages: unknown[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ kind: 'call', id: 1, method: 'app.info', arg: null }));
    socket.send(JSON.stringify({ kind: 'call', id: 2, method: 'kubeconfig.readSecrets', arg: null }));
    socket.send(JSON.stringify({ kind: 'call', id: 3, method: 'contexts.list', arg: { sneaky: true } }));
    socket.send(JSON.stringify({ kind: 'subscribe', id: 4, topic: 'session.status', params: null }));
    socket.send('not json at all');
    await expect.poll(() => messages.length).toBeGreaterThanOrEqual(5);
    const byId = (id: number) => messages.filter((m) => (m as { id: number }).id === id);
    expect(byId(1)[0]).toMatchObject({ kind: 'result', ok: true, result: { front: 'web', name: 'Slicewise' } });
    expect(byId(2)[0]).toMatchObject({ kind: 'result', ok: false, error: { code: 'bad-request' } });
    expect(byId(3)[0]).toMatchObject({ kind: 'result', ok: false, error: { code: 'bad-request', message: 'contexts.list: argument must be empty.' } });
    expect(byId(4)[0]).toMatchObject({ kind: 'result', ok: true });
    expect(byId(4)[1]).toMatchObject({ kind: 'event', seq: 1, payload: { state: 'idle' } });
    socket.close();
  });

  it('is not reachable on any non-loopback address', async () => {
    const addresses = nonLoopbackAddresses();
    for (const address of addresses) {
      expect(await tryConnect(address, server.port), address).not.toBe('connected');
    }
    expect(await tryConnect('127.0.0.1', server.port)).toBe('connected');
    // Independent of which interfaces this machine has: the kernel's socket table shows the one
    // listening socket on this port bound to 127.0.0.1 (0100007F), never to 0.0.0.0 or ::.
    const hexPort = server.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = ['/proc/net/tcp', '/proc/net/tcp6']
      .filter((file) => existsSync(file))
      .flatMap((file) => readFileSync(file, 'utf8').split('\n').slice(1))
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A')
      .map((fields) => fields[1]);
    expect(listening).toEqual([`0100007F:${hexPort}`]);
  });
});
