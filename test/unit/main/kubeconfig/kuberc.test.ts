import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecConsent } from '../../../../main/kubeconfig/exec-consent.js';
import { checkPluginPolicy, loadPluginPolicy, policyFromText } from '../../../../main/kubeconfig/kuberc.js';
import { loadKubeconfig } from '../../../../main/kubeconfig/load.js';
import { writeExecPluginStub } from '../../../helpers/exec-plugin-stub.js';
import { writeKubeconfig } from '../../../helpers/kubeconfig.js';
import { tempDir } from '../../../helpers/processes.js';

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir('slicewise-kuberc-');
});
afterEach(() => dir.remove());

const preference = (body: string) => `apiVersion: kubectl.config.k8s.io/v1beta1\nkind: Preference\n${body}`;

describe('kuberc credential plugin policy', () => {
  it('defaults to AllowAll without a kuberc, and with KUBERC=off', () => {
    expect(loadPluginPolicy({}, dir.path)).toMatchObject({ type: 'AllowAll' });
    writeFileSync(join(dir.path, 'kuberc'), preference('credentialPluginPolicy: DenyAll\n'));
    expect(loadPluginPolicy({ KUBERC: 'off' }, dir.path)).toMatchObject({ type: 'AllowAll' });
    expect(loadPluginPolicy({ KUBERC: join(dir.path, 'kuberc') }, dir.path)).toMatchObject({ type: 'DenyAll' });
  });

  it('blocks everything under DenyAll with kubectl’s wording', () => {
    const policy = policyFromText(preference('credentialPluginPolicy: DenyAll\n'), '/home/u/.kube/kuberc');
    expect(() => checkPluginPolicy(policy, 'cloudco-login', '/usr/bin/cloudco-login', {})).toThrow('getting credentials: plugin "cloudco-login" not allowed: policy set to "DenyAll" (set in /home/u/.kube/kuberc).');
  });

  it('allows only what an Allowlist names, by absolute path or by a bare name looked up in PATH', () => {
    const bin = join(dir.path, 'bin');
    mkdirSync(bin);
    for (const name of ['get-identity', 'other']) {
      writeFileSync(join(bin, name), '#!/bin/sh\n');
      chmodSync(join(bin, name), 0o755);
    }
    const env = { PATH: bin };
    const policy = policyFromText(preference('credentialPluginPolicy: Allowlist\ncredentialPluginAllowlist:\n  - name: /usr/local/bin/aws\n  - name: get-identity\n'), '/k');
    expect(() => checkPluginPolicy(policy, '/usr/local/bin/aws', '/usr/local/bin/aws', env)).not.toThrow();
    expect(() => checkPluginPolicy(policy, 'get-identity', join(bin, 'get-identity'), env)).not.toThrow();
    // Written as a path in the kubeconfig, still the same program as the bare allowlist entry.
    expect(() => checkPluginPolicy(policy, join(bin, 'get-identity'), join(bin, 'get-identity'), env)).not.toThrow();
    expect(() => checkPluginPolicy(policy, 'other', join(bin, 'other'), env)).toThrow(`getting credentials: plugin path "${join(bin, 'other')}" is not permitted by the credential plugin allowlist (set in /k).`);
    expect(() => checkPluginPolicy(policy, '/usr/bin/aws', '/usr/bin/aws', env)).toThrow(/is not permitted/);
  });

  it.each([
    ['credentialPluginPolicy: Allowlist\n', 'credential plugin policy set to "Allowlist", but allowlist is unspecified'],
    ['credentialPluginPolicy: Allowlist\ncredentialPluginAllowlist: []\n', 'credential plugin policy set to "Allowlist", but allowlist is empty; use "DenyAll" policy instead'],
    ['credentialPluginPolicy: AllowAll\ncredentialPluginAllowlist: []\n', 'misconfigured credential plugin allowlist: plugin policy is "AllowAll" but allowlist is non-nil'],
    ['credentialPluginPolicy: Allowlist\ncredentialPluginAllowlist:\n  - name: /usr/bin/../bin/aws\n', 'non-normalized file path: "/usr/bin/../bin/aws"'],
    ['credentialPluginPolicy: Sometimes\n', 'unknown plugin policy: "Sometimes"'],
    ['credentialPluginPolicy: [\n', 'it is not valid YAML'],
  ])('fails closed on a misconfigured kuberc: %j', (body, why) => {
    const policy = policyFromText(preference(body), '/k');
    expect(policy.type).toBe('DenyAll');
    expect(policy.error).toBe(`kuberc /k is unusable: ${why}`);
    expect(() => checkPluginPolicy(policy, 'aws', '/usr/bin/aws', {})).toThrow(`getting credentials: plugin "aws" not allowed: kuberc /k is unusable: ${why} (set in /k).`);
  });

  it('stops the plugin before consent is even asked', async () => {
    const stubDir = tempDir('slicewise-stub-');
    try {
      const stub = writeExecPluginStub(stubDir.path);
      const path = writeKubeconfig(join(dir.path, 'config'), {
        clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
        users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: stub.command, env: [{ name: 'STUB_DIR', value: stubDir.path }] } } }],
        contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      });
      let asked = 0;
      const consent = new ExecConsent({ prompt: async () => (asked++, 'once') });
      const policy = policyFromText(preference('credentialPluginPolicy: DenyAll\n'), '/k');
      const context = loadKubeconfig([path], { credentials: { consent, policy } }).resolve('ctx');
      await expect(context.credentials.authorize()).rejects.toMatchObject({ code: 'forbidden', message: `getting credentials: plugin "${stub.command}" not allowed: policy set to "DenyAll" (set in /k).` });
      expect(asked).toBe(0);
      expect(stub.ran()).toBe(false);
    } finally {
      stubDir.remove();
    }
  });
});
