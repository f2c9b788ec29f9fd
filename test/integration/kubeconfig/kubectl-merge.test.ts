import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../main/cluster/api-client.js';
import { loadKubeconfig, type KubeconfigSet } from '../../../main/kubeconfig/load.js';
import { sendJson, startFakeApiserver, type FakeApiserver } from '../../helpers/fake-apiserver.js';
import { writeKubeconfig } from '../../helpers/kubeconfig.js';
import { createTestPki, type TestPki } from '../../helpers/pki.js';
import { DEBIAN, requireProgram, tempDir } from '../../helpers/processes.js';

/**
 * Our merge of several kubeconfig files against the real kubectl's (`kubectl config view --flatten`
 * needs no server). The oracle is independent: kubectl is Go client-go code we did not write.
 */

const run = promisify(execFile);
let dir: { path: string; remove: () => void };

interface KubectlView {
  clusters?: { name: string; cluster: Record<string, unknown> }[];
  users?: { name: string; user: Record<string, unknown> }[];
  contexts?: { name: string; context: Record<string, unknown> }[];
  'current-context'?: string;
}

/** kubectl's merged, flattened view of `files` (KUBECONFIG=a:b:c), in a throwaway HOME. */
async function kubectlView(files: string[]): Promise<KubectlView> {
  const { stdout } = await run(DEBIAN.kubectl, ['config', 'view', '--flatten', '-o', 'json'], { env: { PATH: process.env.PATH, HOME: dir.path, KUBECONFIG: files.join(':') } });
  return JSON.parse(stdout) as KubectlView;
}

/** The same shape from our merged set: CA and client files inlined as base64 like --flatten does. */
function ourView(set: KubeconfigSet): KubectlView {
  const b64 = (data: Buffer | undefined, path: string | undefined) => (data ? data.toString('base64') : path ? readFileSync(path).toString('base64') : undefined);
  const clean = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== false));
  const view: KubectlView = {
    clusters: [...set.merged.clusters.values()].map((c) => ({
      name: c.name,
      cluster: clean({ server: c.server, 'certificate-authority-data': b64(c.certificateAuthorityData, c.certificateAuthority), 'insecure-skip-tls-verify': c.insecureSkipTlsVerify, 'tls-server-name': c.tlsServerName, 'proxy-url': c.proxyUrl }),
    })),
    users: [...set.merged.users.values()].map((u) => ({
      name: u.name,
      user: clean({ token: u.token, 'client-certificate-data': b64(u.clientCertificateData, u.clientCertificate), 'client-key-data': b64(u.clientKeyData, u.clientKey), username: u.username, password: u.password }),
    })),
    contexts: [...set.merged.contexts.values()].map((c) => ({ name: c.name, context: clean({ cluster: c.cluster, user: c.user, namespace: c.namespace }) })),
  };
  if (set.currentContext) view['current-context'] = set.currentContext;
  return view;
}

/** kubectl's view minus what we compare separately (tokenFile stays relative in kubectl's output). */
function comparable(view: KubectlView): KubectlView {
  const byName = <T extends { name: string }>(list: T[] | undefined) => [...(list ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return {
    clusters: byName(view.clusters),
    users: byName(view.users).map((u) => ({ name: u.name, user: Object.fromEntries(Object.entries(u.user).filter(([key]) => key !== 'tokenFile')) })),
    contexts: byName(view.contexts),
    ...(view['current-context'] ? { 'current-context': view['current-context'] } : {}),
  };
}

function write(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

beforeAll(() => {
  requireProgram(DEBIAN.kubectl);
  dir = tempDir('slicewise-kubectl-');
});
afterAll(() => dir.remove());

describe('multi-file KUBECONFIG merge, compared with kubectl config view --flatten', () => {
  it('duplicate names across files, current-context only in the second file, relative paths per defining file', async () => {
    write(join(dir.path, 'team', 'certs', 'ca.pem'), 'CA OF TEAM A\n');
    write(join(dir.path, 'me', 'ca-b.pem'), 'CA OF B\n');
    write(join(dir.path, 'me', 'keys', 'b.crt'), 'CERT OF B\n');
    write(join(dir.path, 'me', 'keys', 'b.key'), 'KEY OF B\n');
    const a = writeKubeconfig(join(dir.path, 'team', 'a.yaml'), {
      clusters: [{ name: 'shared', cluster: { server: 'https://a.example:6443', 'certificate-authority': 'certs/ca.pem' } }],
      users: [{ name: 'dup', user: { token: 'token-from-a', tokenFile: 'tokens/a-token' } }],
      contexts: [
        { name: 'ctx-a', context: { cluster: 'shared', user: 'dup', namespace: 'team-a' } },
        { name: 'dup-ctx', context: { cluster: 'shared', user: 'dup' } },
      ],
    });
    const b = writeKubeconfig(join(dir.path, 'me', 'b.yaml'), {
      clusters: [
        { name: 'shared', cluster: { server: 'https://b.example:6443', 'insecure-skip-tls-verify': true } },
        { name: 'only-b', cluster: { server: 'https://only-b.example', 'certificate-authority': 'ca-b.pem', 'proxy-url': 'http://proxy.example:3128' } },
      ],
      users: [
        { name: 'dup', user: { username: 'bob', password: 'from-b' } },
        { name: 'u-b', user: { 'client-certificate': 'keys/b.crt', 'client-key': 'keys/b.key', tokenFile: 'tok' } },
      ],
      contexts: [
        { name: 'dup-ctx', context: { cluster: 'shared', user: 'dup', namespace: 'from-b' } },
        { name: 'ctx-b', context: { cluster: 'only-b', user: 'u-b' } },
      ],
      'current-context': 'ctx-b',
    });

    const kubectl = await kubectlView([a, b]);
    const ours = loadKubeconfig(undefined, { env: { KUBECONFIG: `${a}:${b}` }, home: dir.path });
    expect(ours.problems).toEqual([]);
    expect(comparable(ourView(ours))).toEqual(comparable(kubectl));
    // Hand-checked highlights of the oracle, so a kubectl change cannot silently move the goalposts.
    expect(kubectl['current-context']).toBe('ctx-b');
    expect(kubectl.users?.find((u) => u.name === 'dup')?.user).toEqual({ token: 'token-from-a', tokenFile: 'tokens/a-token' });
    expect(Buffer.from(String(kubectl.clusters?.find((c) => c.name === 'shared')?.cluster['certificate-authority-data']), 'base64').toString()).toBe('CA OF TEAM A\n');

    // tokenFile: kubectl prints it as written; both tools resolve it against the defining file.
    const tokenFiles = Object.fromEntries((kubectl.users ?? []).map((u) => [u.name, u.user.tokenFile]));
    expect(tokenFiles).toEqual({ dup: 'tokens/a-token', 'u-b': 'tok' });
    expect(ours.merged.users.get('dup')?.tokenFile).toBe(resolve(dirname(a), 'tokens/a-token'));
    expect(ours.merged.users.get('u-b')?.tokenFile).toBe(resolve(dirname(b), 'tok'));

    // The summaries the UI sees agree with kubectl's contexts.
    for (const context of kubectl.contexts ?? []) {
      const summary = ours.contexts.find((candidate) => candidate.name === context.name);
      expect(summary && { cluster: summary.cluster, user: summary.user, namespace: summary.namespace ?? null }).toEqual({ cluster: context.context.cluster, user: context.context.user, namespace: context.context.namespace ?? null });
    }
  });

  it('a broken file in the middle: kubectl gives up, we report path:line and agree with kubectl on the rest', async () => {
    const first = writeKubeconfig(join(dir.path, 'broken-case', '1.yaml'), { clusters: [{ name: 'one', cluster: { server: 'https://one' } }], contexts: [{ name: 'one', context: { cluster: 'one' } }] });
    const broken = write(join(dir.path, 'broken-case', '2.yaml'), ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: two', '  cluster:', '    server: [https://two', 'contexts: []', ''].join('\n'));
    const third = writeKubeconfig(join(dir.path, 'broken-case', '3.yaml'), { clusters: [{ name: 'three', cluster: { server: 'https://three' } }], contexts: [{ name: 'three', context: { cluster: 'three' } }], 'current-context': 'three' });

    const failure = await run(DEBIAN.kubectl, ['config', 'view', '--flatten', '-o', 'json'], { env: { PATH: process.env.PATH, HOME: dir.path, KUBECONFIG: [first, broken, third].join(':') } }).then(
      () => undefined,
      (error: { stderr: string }) => error.stderr,
    );
    expect(failure).toContain(`error loading config file "${broken}"`);

    const ours = loadKubeconfig(undefined, { env: { KUBECONFIG: [first, broken, third].join(':') }, home: dir.path });
    expect(ours.problems).toHaveLength(1);
    // The flow sequence opened on line 6 is found unterminated where line 7 starts.
    expect(ours.problems[0]).toMatchObject({ path: broken, line: 7, column: 1 });
    expect(comparable(ourView(ours))).toEqual(comparable(await kubectlView([first, third])));
  });
});

describe('relative tokenFile and certificate-authority at request time, compared with kubectl', () => {
  let pki: TestPki;
  let server: FakeApiserver;
  beforeAll(async () => {
    pki = createTestPki(tempDir('slicewise-pki-').path);
    server = await startFakeApiserver({
      tls: { cert: pki.server.cert, key: pki.server.key },
      handler: (req, res) => sendJson(res, req.url?.startsWith('/version') ? { major: '1', minor: '32', gitVersion: 'v1.32.4' } : { kind: 'NamespaceList', apiVersion: 'v1', items: [] }),
    });
  });
  afterAll(() => server.stop());

  it('sends the token from the file next to the kubeconfig (it beats `token`), verified with the relative CA', async () => {
    write(join(dir.path, 'live', 'pki', 'ca.crt'), pki.ca.cert.toString());
    write(join(dir.path, 'live', 'secrets', 'token'), 'token-from-file\n');
    const path = writeKubeconfig(join(dir.path, 'live', 'config'), {
      clusters: [{ name: 'c', cluster: { server: server.url, 'certificate-authority': 'pki/ca.crt' } }],
      users: [{ name: 'u', user: { token: 'token-inline', tokenFile: 'secrets/token' } }],
      contexts: [{ name: 'live', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'live',
    });
    // Run kubectl from another folder, so relative paths could only resolve against the file.
    await run(DEBIAN.kubectl, ['get', '--raw', '/api/v1/namespaces'], { cwd: '/', env: { PATH: process.env.PATH, HOME: join(dir.path, 'home'), KUBECONFIG: path } });
    const kubectlAuth = server.requests.filter((request) => request.url === '/api/v1/namespaces').map((request) => request.headers.authorization);
    server.requests.length = 0;

    const client = new ApiClient(loadKubeconfig([path]).resolve(), { env: {} });
    try {
      await client.get('/api/v1/namespaces');
    } finally {
      client.dispose();
    }
    const ourAuth = server.requests.map((request) => request.headers.authorization);
    expect(kubectlAuth).toEqual(['Bearer token-from-file']);
    expect(ourAuth).toEqual(kubectlAuth);
  });
});
