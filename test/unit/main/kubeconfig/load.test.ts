import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultKubeconfigPaths, loadKubeconfig } from '../../../../main/kubeconfig/load.js';
import type { AppError } from '../../../../main/util/app-error.js';
import { fixturePath } from '../../../helpers/fixtures.js';
import { CANARY, canariesIn, writeKubeconfig } from '../../../helpers/kubeconfig.js';
import { tempDir } from '../../../helpers/processes.js';

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir('slicewise-kc-');
});
afterEach(() => dir.remove());

describe('defaultKubeconfigPaths', () => {
  it('splits $KUBECONFIG on the path delimiter, drops empty entries and duplicates, makes paths absolute', () => {
    expect(defaultKubeconfigPaths({ KUBECONFIG: '/a/one::/b/two:/a/one:' }, '/home/u')).toEqual(['/a/one', '/b/two']);
  });

  it('falls back to ~/.kube/config when $KUBECONFIG is unset or empty', () => {
    expect(defaultKubeconfigPaths({}, '/home/u')).toEqual(['/home/u/.kube/config']);
    expect(defaultKubeconfigPaths({ KUBECONFIG: '' }, '/home/u')).toEqual(['/home/u/.kube/config']);
    expect(defaultKubeconfigPaths({ KUBECONFIG: ':' }, '/home/u')).toEqual(['/home/u/.kube/config']);
  });
});

describe('loadKubeconfig on the shared fixtures', () => {
  it('lists the three contexts of the client-node test kubeconfig with cluster, user, namespace and auth kind', () => {
    const path = fixturePath('kubernetes-api', 'kubeconfig', 'kubernetes-client-javascript_kubeconfig_multi-context.yaml');
    const set = loadKubeconfig([path]);
    expect(set.problems).toEqual([]);
    expect(set.currentContext).toBe('context2');
    expect(set.contexts).toEqual([
      { name: 'context1', cluster: 'cluster1', server: 'http://example.com', user: 'user1', authKind: 'client-cert', sourcePath: path, isCurrent: false, insecureSkipTlsVerify: false },
      { name: 'context2', cluster: 'cluster2', server: 'http://example2.com', user: 'user2', namespace: 'namespace2', authKind: 'client-cert', sourcePath: path, isCurrent: true, insecureSkipTlsVerify: true },
      { name: 'passwd', cluster: 'cluster2', server: 'http://example2.com', user: 'user3', authKind: 'basic', sourcePath: path, isCurrent: false, insecureSkipTlsVerify: true },
    ]);
    const context1 = set.resolve('context1');
    expect(context1.proxyUrl).toBe('socks5://localhost:1181');
    // Q0FEQVRB is base64 of "CADATA".
    expect(context1.tls.ca?.toString()).toBe('CADATA');
    expect(set.resolve().name).toBe('context2');
    expect(set.resolve().namespace).toBe('namespace2');
    expect(set.resolve('context1').namespace).toBe('default');
  });

  it('reads the fabric8 exec kubeconfig: auth kind exec, the plugin basename, and the command made absolute against the file', () => {
    const path = fixturePath('kubernetes-api', 'kubeconfig', 'fabric8_test-kubeconfig-exec.yaml');
    const set = loadKubeconfig([path]);
    expect(set.problems).toEqual([]);
    expect(set.contexts).toHaveLength(1);
    expect(set.contexts[0]).toMatchObject({ name: 'test', authKind: 'exec', execCommand: 'token-generator', server: 'https://wherever', isCurrent: true });
    const user = set.merged.users.get('test');
    expect(user?.exec).toEqual({
      command: join(fixturePath('kubernetes-api', 'kubeconfig'), 'token-generator'),
      args: ['world'],
      env: [{ name: 'PART1', value: 'hello' }],
      apiVersion: 'client.authentication.k8s.io/v1',
      provideClusterInfo: false,
    });
  });
});

describe('loadKubeconfig merge rules (kubectl: first file wins)', () => {
  it('keeps the first file’s cluster, user and context whole when names repeat, without throwing', () => {
    const a = writeKubeconfig(join(dir.path, 'a.yaml'), {
      clusters: [{ name: 'shared', cluster: { server: 'https://from-a:6443' } }],
      users: [{ name: 'u', user: { token: 'token-from-a' } }],
      contexts: [{ name: 'ctx', context: { cluster: 'shared', user: 'u' } }],
    });
    const b = writeKubeconfig(join(dir.path, 'b.yaml'), {
      clusters: [{ name: 'shared', cluster: { server: 'https://from-b:6443', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { username: 'bob', password: 'pw' } }],
      contexts: [
        { name: 'ctx', context: { cluster: 'shared', user: 'u', namespace: 'from-b' } },
        { name: 'only-b', context: { cluster: 'shared', user: 'u' } },
      ],
      'current-context': 'only-b',
    });
    const set = loadKubeconfig([a, b]);
    expect(set.problems).toEqual([]);
    expect(set.currentContext).toBe('only-b');
    const byName = Object.fromEntries(set.contexts.map((context) => [context.name, context]));
    // The context, cluster and user of a.yaml win entirely: no namespace from b, no insecure flag, token auth.
    expect(byName.ctx).toMatchObject({ server: 'https://from-a:6443', authKind: 'token', sourcePath: a, insecureSkipTlsVerify: false });
    expect(byName.ctx.namespace).toBeUndefined();
    expect(byName['only-b']).toMatchObject({ server: 'https://from-a:6443', authKind: 'token', sourcePath: b, isCurrent: true });
  });

  it('takes current-context from the first file that sets one', () => {
    // Not "x"/"y": YAML 1.1 (kubectl's YAML) reads a bare y as true.
    const a = writeKubeconfig(join(dir.path, 'a.yaml'), { contexts: [{ name: 'first', context: { cluster: 'c' } }], 'current-context': 'first' });
    const b = writeKubeconfig(join(dir.path, 'b.yaml'), { contexts: [{ name: 'second', context: { cluster: 'c' } }], 'current-context': 'second' });
    expect(loadKubeconfig([a, b]).currentContext).toBe('first');
    expect(loadKubeconfig([b, a]).currentContext).toBe('second');
  });

  it('resolves relative certificate-authority, client-key and tokenFile against the file that defined them', () => {
    const a = writeKubeconfig(join(dir.path, 'team', 'a.yaml'), {
      clusters: [{ name: 'c', cluster: { server: 'https://c:6443', 'certificate-authority': 'certs/ca.pem' } }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    });
    const b = writeKubeconfig(join(dir.path, 'me', 'deeper', 'b.yaml'), {
      users: [{ name: 'u', user: { 'client-certificate': '../client.crt', 'client-key': '../client.key', tokenFile: 'token' } }],
    });
    writeFileSync(join(dir.path, 'team', 'ca-not-here.pem'), 'x');
    const set = loadKubeconfig([a, b]);
    expect(set.merged.clusters.get('c')?.certificateAuthority).toBe(join(dir.path, 'team', 'certs', 'ca.pem'));
    expect(set.merged.users.get('u')).toMatchObject({
      clientCertificate: join(dir.path, 'me', 'client.crt'),
      clientKey: join(dir.path, 'me', 'client.key'),
      tokenFile: join(dir.path, 'me', 'deeper', 'token'),
    });
  });

  it('reports a broken file in the middle by path and line and still loads the files around it', () => {
    const a = writeKubeconfig(join(dir.path, 'a.yaml'), { clusters: [{ name: 'a', cluster: { server: 'https://a' } }], contexts: [{ name: 'ctx-a', context: { cluster: 'a' } }] });
    const broken = join(dir.path, 'broken.yaml');
    writeFileSync(broken, ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: b', '  cluster:', '    server: [https://b', 'contexts: []', ''].join('\n'));
    const c = writeKubeconfig(join(dir.path, 'c.yaml'), { clusters: [{ name: 'c', cluster: { server: 'https://c' } }], contexts: [{ name: 'ctx-c', context: { cluster: 'c' } }] });
    const set = loadKubeconfig([a, broken, c]);
    expect(set.contexts.map((context) => context.name)).toEqual(['ctx-a', 'ctx-c']);
    expect(set.problems.length).toBeGreaterThan(0);
    expect(set.problems.every((problem) => problem.path === broken)).toBe(true);
    // The unterminated flow sequence starts on line 6; the parser reports it there or where the file ends.
    expect(set.problems[0].line).toBeGreaterThanOrEqual(6);
    expect(set.problems[0].message).toMatch(/^not valid YAML: /);
  });

  it('reports a missing explicit file and skips missing $KUBECONFIG entries silently, as kubectl does', () => {
    const a = writeKubeconfig(join(dir.path, 'a.yaml'), { contexts: [{ name: 'x', context: { cluster: 'c' } }] });
    const missing = join(dir.path, 'nope.yaml');
    expect(loadKubeconfig([a, missing]).problems).toEqual([{ path: missing, message: 'file not found' }]);
    const fromEnv = loadKubeconfig(undefined, { env: { KUBECONFIG: `${missing}:${a}` }, home: dir.path });
    expect(fromEnv.problems).toEqual([]);
    expect(fromEnv.paths).toEqual([missing, a]);
    expect(fromEnv.contexts.map((context) => context.name)).toEqual(['x']);
  });

  it('says so when no kubeconfig exists at all', () => {
    const set = loadKubeconfig(undefined, { env: {}, home: dir.path });
    expect(set.contexts).toEqual([]);
    expect(set.problems).toEqual([{ path: join(dir.path, '.kube', 'config'), message: 'no kubeconfig found; set KUBECONFIG or create ~/.kube/config' }]);
  });
});

describe('loadKubeconfig entry problems', () => {
  it('rejects a name YAML 1.1 reads as a boolean (as kubectl does) with its line, and keeps the other entries', () => {
    const path = join(dir.path, 'config');
    writeFileSync(path, ['apiVersion: v1', 'kind: Config', 'contexts:', '- name: y', '  context: {cluster: c}', '- name: ok', '  context: {cluster: c}', ''].join('\n'));
    const set = loadKubeconfig([path]);
    expect(set.contexts.map((context) => context.name)).toEqual(['ok']);
    expect(set.problems).toEqual([{ path, line: 4, column: 9, message: 'contexts entry name must be a string, found true (quote it: in YAML 1.1 it reads as boolean)' }]);
  });

  it('reports a duplicate name inside one file and keeps the first entry', () => {
    const path = join(dir.path, 'config');
    writeFileSync(path, ['clusters:', '- name: c', '  cluster: {server: "https://first"}', '- name: c', '  cluster: {server: "https://second"}', ''].join('\n'));
    const set = loadKubeconfig([path]);
    expect(set.merged.clusters.get('c')?.server).toBe('https://first');
    expect(set.problems).toEqual([{ path, line: 4, column: 3, message: 'duplicate cluster name "c" in this file; the first one is used' }]);
  });

  it('reports invalid base64 without echoing the value', () => {
    const path = writeKubeconfig(join(dir.path, 'config'), { users: [{ name: 'u', user: { 'client-key-data': `${CANARY.keyData}!!` } }] });
    const set = loadKubeconfig([path]);
    expect(set.problems).toHaveLength(1);
    // Line 6: apiVersion, kind, users, "- name: u", "user:", then the key.
    expect(set.problems[0]).toMatchObject({ path, line: 6, message: 'user "u": client-key-data is not valid base64' });
    expect(canariesIn(JSON.stringify(set.problems))).toEqual([]);
  });

  it('reports a current-context that names no context', () => {
    const path = writeKubeconfig(join(dir.path, 'config'), { contexts: [{ name: 'x', context: { cluster: 'c' } }], 'current-context': 'gone' });
    expect(loadKubeconfig([path]).problems).toEqual([{ path, message: 'current-context "gone" is not defined in any kubeconfig file' }]);
  });
});

describe('KubeconfigSet.resolve', () => {
  it('explains a missing context, a missing cluster and an unreadable CA file', () => {
    const path = writeKubeconfig(join(dir.path, 'config'), {
      clusters: [{ name: 'c', cluster: { server: 'https://c:6443', 'certificate-authority': 'missing-ca.pem' } }],
      contexts: [
        { name: 'no-cluster', context: { cluster: 'nowhere' } },
        { name: 'bad-ca', context: { cluster: 'c' } },
      ],
    });
    const set = loadKubeconfig([path]);
    const failure = (name: string) => {
      try {
        set.resolve(name);
      } catch (error) {
        return error as AppError;
      }
      throw new Error('resolve did not fail');
    };
    expect(failure('nope')).toMatchObject({ code: 'not-found', message: 'There is no context "nope" in the kubeconfig.', hint: 'Known contexts: bad-ca, no-cluster.' });
    expect(failure('no-cluster')).toMatchObject({ code: 'bad-request', message: 'Context "no-cluster" refers to cluster "nowhere", which no kubeconfig file defines.', hint: `Fix ${path}:9.` }); // the context entry starts on line 9
    expect(failure('bad-ca')).toMatchObject({ code: 'not-found', message: `Cannot read certificate-authority ${join(dir.path, 'missing-ca.pem')} of cluster "c" (ENOENT).` });
  });

  it('returns TLS settings, file references and credentials without secrets in the summary', async () => {
    writeFileSync(join(dir.path, 'ca.pem'), 'PEM-CA');
    writeFileSync(join(dir.path, 'token'), `${CANARY.token}\n`);
    const path = writeKubeconfig(join(dir.path, 'config'), {
      clusters: [{ name: 'c', cluster: { server: 'https://c.example:6443/', 'certificate-authority': 'ca.pem', 'tls-server-name': 'kubernetes' } }],
      users: [{ name: 'u', user: { tokenFile: 'token', as: 'admin' } }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', namespace: 'web' } }],
    });
    const context = loadKubeconfig([path]).resolve('ctx');
    expect(context).toMatchObject({
      name: 'ctx',
      clusterName: 'c',
      userName: 'u',
      server: 'https://c.example:6443',
      namespace: 'web',
      kubeconfigPath: path,
      fileReferences: [join(dir.path, 'ca.pem'), join(dir.path, 'token')],
      tls: { caSource: join(dir.path, 'ca.pem'), serverName: 'kubernetes', insecureSkipTlsVerify: false },
    });
    expect(context.tls.ca?.toString()).toBe('PEM-CA');
    expect(context.credentials.kind).toBe('token-file');
    const material = await context.credentials.authorize();
    expect(material.headers).toEqual({ Authorization: `Bearer ${CANARY.token}`, 'Impersonate-User': 'admin' });
    expect(canariesIn(JSON.stringify(context.summary))).toEqual([]);
    expect(canariesIn(JSON.stringify(Object.keys(context.credentials)))).toEqual([]);
  });

  it('never puts a credential into a ContextSummary', () => {
    const path = writeKubeconfig(join(dir.path, 'config'), {
      clusters: [{ name: 'c', cluster: { server: 'https://c' } }],
      users: [
        { name: 'token', user: { token: CANARY.token } },
        { name: 'basic', user: { username: 'me', password: CANARY.password } },
        { name: 'cert', user: { 'client-certificate-data': Buffer.from('CERT').toString('base64'), 'client-key-data': Buffer.from(CANARY.keyData).toString('base64') } },
        { name: 'exec', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'aws', args: ['eks', 'get-token'], env: [{ name: 'AWS_SECRET', value: CANARY.envValue }] } } },
        { name: 'oidc', user: { 'auth-provider': { name: 'oidc', config: { 'id-token': CANARY.idToken } } } },
      ],
      contexts: ['token', 'basic', 'cert', 'exec', 'oidc'].map((name) => ({ name, context: { cluster: 'c', user: name } })),
    });
    const set = loadKubeconfig([path]);
    expect(set.contexts.map((context) => [context.name, context.authKind, context.execCommand])).toEqual([
      ['basic', 'basic', undefined],
      ['cert', 'client-cert', undefined],
      ['exec', 'exec', 'aws'],
      ['oidc', 'auth-provider', undefined],
      ['token', 'token', undefined],
    ]);
    expect(canariesIn(JSON.stringify(set.contexts))).toEqual([]);
    expect(canariesIn(JSON.stringify(set.problems))).toEqual([]);
    expect(canariesIn(JSON.stringify(set.contexts.map((context) => set.resolve(context.name).summary)))).toEqual([]);
  });
});

describe('files a context names outside ~/.kube (SEC-13)', () => {
  function kubeconfigWith(folder: string, user: Record<string, unknown>, cluster: Record<string, unknown>): string {
    return writeKubeconfig(join(folder, 'config'), {
      'current-context': 'c',
      clusters: [{ name: 'k', cluster: { server: 'https://10.0.0.1:6443', ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
    });
  }

  it('lists the CA, client certificate and key and token file that lie outside the folder, and reads none of them', () => {
    const home = join(dir.path, 'home');
    const path = kubeconfigWith(dir.path, { 'client-certificate': '/etc/ssl/private/me.crt', 'client-key': '../keys/me.key', tokenFile: '/home/u/.kube/token' }, { 'certificate-authority': 'ca.crt' });
    const set = loadKubeconfig([path]);
    // Relative paths are taken from the kubeconfig's folder; none of these files exist, and listing them reads nothing.
    expect(set.filesOutside(undefined, join(home, '.kube'))).toEqual({
      contextName: 'c',
      kubeconfigPath: path,
      server: 'https://10.0.0.1:6443',
      files: [join(dir.path, 'ca.crt'), '/etc/ssl/private/me.crt', join(dir.path, '..', 'keys', 'me.key'), '/home/u/.kube/token'],
    });
    // Inside ~/.kube is the usual place: not asked about.
    expect(set.filesOutside('c', '/home/u/.kube')?.files).toEqual([join(dir.path, 'ca.crt'), '/etc/ssl/private/me.crt', join(dir.path, '..', 'keys', 'me.key')]);
    expect(set.filesOutside('c', dir.path)?.files).toEqual(['/etc/ssl/private/me.crt', join(dir.path, '..', 'keys', 'me.key'), '/home/u/.kube/token']);
  });

  it('leaves out files whose data is inline and gives null when nothing is left or the context is unknown', () => {
    const data = Buffer.from('x').toString('base64');
    const path = kubeconfigWith(dir.path, { 'client-certificate': '/elsewhere/me.crt', 'client-certificate-data': data, token: 'abc' }, { 'certificate-authority': '/elsewhere/ca.crt', 'certificate-authority-data': data });
    const set = loadKubeconfig([path]);
    expect(set.filesOutside('c', '/home/u/.kube')).toBeNull();
    expect(set.filesOutside('nope', '/home/u/.kube')).toBeNull();
  });
});
