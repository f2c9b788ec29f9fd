import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/index.js';
import { writeExecPluginStub } from '../../helpers/exec-plugin-stub.js';
import { startFakeApiserver, type FakeApiserver } from '../../helpers/fake-apiserver.js';
import { CANARY, canariesIn, writeKubeconfig } from '../../helpers/kubeconfig.js';
import { createTestPki, type TestPki } from '../../helpers/pki.js';
import { tempDir } from '../../helpers/processes.js';

let dir: { path: string; remove: () => void };
let pki: TestPki;
let server: FakeApiserver;
const savedEnv = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, KUBERC: process.env.KUBERC };

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = tempDir('slicewise-cli-');
  pki = createTestPki(dir.path);
  server = await startFakeApiserver({ tls: { cert: pki.server.cert, key: pki.server.key } });
  // The consent store and kuberc live under HOME; keep the user's out of the test.
  process.env.HOME = dir.path;
  process.env.XDG_CONFIG_HOME = join(dir.path, '.config');
  process.env.KUBERC = 'off';
});
afterAll(async () => {
  await server.stop();
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  dir.remove();
});

describe('slicewise contexts', () => {
  it('prints the merged contexts as a table with * on the current one, problems as path:line: message', async () => {
    const a = writeKubeconfig(join(dir.path, 'a.yaml'), {
      clusters: [{ name: 'prod', cluster: { server: 'https://prod.example:6443' } }],
      users: [
        { name: 'admin', user: { token: CANARY.token } },
        { name: 'aws', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token'] } } },
      ],
      contexts: [
        { name: 'prod-admin', context: { cluster: 'prod', user: 'admin', namespace: 'web' } },
        { name: 'prod-aws', context: { cluster: 'prod', user: 'aws' } },
      ],
      'current-context': 'prod-aws',
    });
    const broken = join(dir.path, 'broken.yaml');
    writeFileSync(broken, 'clusters:\n- name: [\n');
    const result = await cli(['contexts', '--kubeconfig', a, '--kubeconfig', broken]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'CURRENT   NAME         CLUSTER   SERVER                      USER    NAMESPACE   AUTH',
        '          prod-admin   prod      https://prod.example:6443   admin   web         token',
        '*         prod-aws     prod      https://prod.example:6443   aws                 exec:aws',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3: not valid YAML: `));
    expect(canariesIn(result.stdout + result.stderr)).toEqual([]);
  });

  it('prints JSON with contexts, current context and problems', async () => {
    const a = writeKubeconfig(join(dir.path, 'json.yaml'), { clusters: [{ name: 'c', cluster: { server: 'https://c', 'insecure-skip-tls-verify': true } }], contexts: [{ name: 'only', context: { cluster: 'c' } }] });
    const result = await cli(['contexts', '--json', '--kubeconfig', a]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      contexts: [{ name: 'only', cluster: 'c', server: 'https://c', user: '', authKind: 'none', sourcePath: a, isCurrent: false, insecureSkipTlsVerify: true }],
      currentContext: null,
      problems: [],
    });
  });

  it('exits 1 when no file could be read, 2 on misuse', async () => {
    const missing = await cli(['contexts', '--kubeconfig', join(dir.path, 'nope')]);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: `${join(dir.path, 'nope')}: file not found\nNo contexts found.\n` });
    expect((await cli(['contexts', '--allow-exec'])).code).toBe(2);
  });

  it('--check connects; an exec plugin runs only with --allow-exec', async () => {
    const stubDir = tempDir('slicewise-stub-');
    try {
      const stub = writeExecPluginStub(stubDir.path);
      const path = writeKubeconfig(join(dir.path, 'check.yaml'), {
        clusters: [{ name: 'fake', cluster: { server: server.url, 'certificate-authority-data': pki.ca.cert.toString('base64') } }],
        users: [{ name: 'plugin', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: stub.command, args: ['; rm -rf ~'], env: [{ name: 'STUB_DIR', value: stubDir.path }], interactiveMode: 'Never' } } }],
        contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'plugin' } }],
      });
      const refused = await cli(['contexts', '--kubeconfig', path, '--check']);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain(`consent-required: Slicewise needs your permission to run the credential plugin \`${stub.command} '; rm -rf ~'\` for context "fake"`);
      expect(refused.stdout).toContain('--allow-exec');
      expect(stub.ran()).toBe(false);

      const allowed = await cli(['contexts', '--kubeconfig', path, '--check', '--allow-exec']);
      expect(allowed.code).toBe(0);
      expect(allowed.stdout.split('\n')[1]).toMatch(/ ok \(v1\.32\.4\)$/);
      expect(stub.calls().map((call) => call.argv)).toEqual([['; rm -rf ~']]);
      expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer stub-1');
    } finally {
      stubDir.remove();
    }
  });
});
