import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consentKey, defaultConsentStorePath, describeCommand, ExecConsent, type ConsentDecision, type ConsentRequest } from '../../../../main/kubeconfig/exec-consent.js';
import { tempDir } from '../../../helpers/processes.js';

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir('slicewise-consent-');
});
afterEach(() => dir.remove());

const request: ConsentRequest = {
  contextName: 'prod',
  kubeconfigPath: '/home/u/.kube/config',
  command: '/usr/local/bin/aws',
  args: ['eks', 'get-token', '--cluster-name', 'prod'],
  envNames: ['AWS_PROFILE'],
  server: 'https://prod.example:443',
};

function prompting(answers: ConsentDecision[]): { asked: ConsentRequest[]; consent: (storePath?: string) => ExecConsent } {
  const asked: ConsentRequest[] = [];
  return {
    asked,
    consent: (storePath) =>
      new ExecConsent({
        storePath,
        prompt: async (shown) => {
          asked.push(shown);
          return answers.shift() ?? 'deny';
        },
      }),
  };
}

describe('ExecConsent', () => {
  it('asks once per session for "once", and again in a new session', async () => {
    const { asked, consent } = prompting(['once', 'once']);
    const first = consent();
    await first.ensure(request);
    await first.ensure(request);
    expect(asked).toEqual([request]);
    await consent().ensure(request);
    expect(asked).toHaveLength(2);
  });

  it('remembers "always" in a 0600 file, across sessions', async () => {
    const storePath = join(dir.path, 'nested', 'exec-consent.json');
    const { asked, consent } = prompting(['always']);
    await consent(storePath).ensure(request);
    expect(statSync(storePath).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(storePath, 'utf8'));
    expect(stored.allowed).toEqual([{ key: consentKey(request), kubeconfigPath: request.kubeconfigPath, command: request.command, args: request.args, envNames: request.envNames, allowedAtMs: expect.any(Number) }]);
    const later = consent(storePath);
    expect(later.isAllowed(request)).toBe(true);
    await later.ensure(request);
    expect(asked).toHaveLength(1);
  });

  it('asks again when one arg, the command, an env name or the kubeconfig path changes', async () => {
    const storePath = join(dir.path, 'consent.json');
    const { asked, consent } = prompting(['always', 'once', 'once', 'once', 'once']);
    const store = consent(storePath);
    await store.ensure(request);
    const variants: ConsentRequest[] = [
      { ...request, args: [...request.args.slice(0, 3), 'staging'] },
      { ...request, command: '/tmp/aws' },
      { ...request, envNames: ['AWS_PROFILE', 'AWS_REGION'] },
      { ...request, kubeconfigPath: '/home/u/Downloads/config' },
    ];
    for (const variant of variants) await store.ensure(variant);
    expect(asked).toEqual([request, ...variants]);
    // The context name and server are shown but are not part of the identity.
    await store.ensure({ ...request, contextName: 'prod-alias', server: 'https://other' });
    expect(asked).toHaveLength(5);
  });

  it('refuses without a prompt, naming the command and how to allow it; runs nothing', async () => {
    const consent = new ExecConsent({ howToAllow: 'run again with --allow-exec' });
    await expect(consent.ensure(request)).rejects.toMatchObject({
      code: 'consent-required',
      message: 'Slicewise needs your permission to run the credential plugin `/usr/local/bin/aws eks get-token --cluster-name prod` for context "prod" (from /home/u/.kube/config) to sign in to https://prod.example:443; run again with --allow-exec.',
    });
  });

  it('remembers a denial for the session, shares one prompt between concurrent checks, and forgets on request', async () => {
    const { asked, consent } = prompting(['deny', 'once']);
    const store = consent();
    const results = await Promise.allSettled([store.ensure(request), store.ensure(request), store.ensure(request)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(asked).toHaveLength(1);
    await expect(store.ensure(request)).rejects.toMatchObject({ code: 'consent-required', message: expect.stringContaining('You did not allow') });
    expect(asked).toHaveLength(1);
    store.forget(request);
    await store.ensure(request);
    expect(asked).toHaveLength(2);
  });

  it('treats an unreadable consent file as "nothing remembered"', async () => {
    const storePath = join(dir.path, 'consent.json');
    writeFileSync(storePath, '{not json');
    const { asked, consent } = prompting(['once']);
    await consent(storePath).ensure(request);
    expect(asked).toHaveLength(1);
  });
});

describe('consent helpers', () => {
  it('puts the store in the per-user config folder of each platform', () => {
    expect(defaultConsentStorePath({}, '/home/u', 'linux')).toBe('/home/u/.config/slicewise/exec-consent.json');
    expect(defaultConsentStorePath({ XDG_CONFIG_HOME: '/cfg' }, '/home/u', 'linux')).toBe('/cfg/slicewise/exec-consent.json');
    expect(defaultConsentStorePath({}, '/Users/u', 'darwin')).toBe('/Users/u/Library/Application Support/Slicewise/exec-consent.json');
  });

  it('quotes arguments the way a shell user would read them', () => {
    expect(describeCommand('/bin/plugin', ['get', '; rm -rf ~', "it's"])).toBe(`/bin/plugin get '; rm -rf ~' 'it'\\''s'`);
  });
});

describe('consent to read files outside ~/.kube (SEC-13)', () => {
  const files: ConsentRequest = { kind: 'files', files: ['/tmp/ca.crt', '/srv/me.key'], contextName: 'prod', kubeconfigPath: '/tmp/imported.yaml', command: '', args: [], envNames: [], server: 'https://prod.example:443' };

  it('keys exec requests as before (remembered answers stay valid) and file requests by their set of files', async () => {
    const { createHash } = await import('node:crypto');
    expect(consentKey(request)).toBe(createHash('sha256').update(JSON.stringify([request.kubeconfigPath, request.command, request.args, request.envNames])).digest('hex'));
    expect(consentKey(files)).toBe(consentKey({ ...files, files: ['/srv/me.key', '/tmp/ca.crt'] }));
    expect(consentKey(files)).not.toBe(consentKey({ ...files, files: ['/tmp/ca.crt'] }));
  });

  it('remembers "always" for the same files and names them when refused', async () => {
    const storePath = join(dir.path, 'consent.json');
    const { asked, consent } = prompting(['always', 'deny']);
    await consent(storePath).ensure(files);
    await consent(storePath).ensure(files);
    expect(asked).toHaveLength(1);
    await expect(consent(storePath).ensure({ ...files, files: ['/etc/shadow'] })).rejects.toMatchObject({ code: 'consent-required', message: expect.stringContaining('/etc/shadow') });
    await expect(new ExecConsent().ensure(files)).rejects.toMatchObject({ message: expect.stringContaining('read the files /tmp/ca.crt, /srv/me.key') });
  });

  it('asks again after clearDenials, as when the user chooses the context anew', async () => {
    const { asked, consent } = prompting(['deny', 'once']);
    const shared = consent();
    await expect(shared.ensure(files)).rejects.toMatchObject({ code: 'consent-required' });
    await expect(shared.ensure(files)).rejects.toMatchObject({ code: 'consent-required' });
    expect(asked).toHaveLength(1);
    shared.clearDenials();
    await shared.ensure(files);
    expect(asked).toHaveLength(2);
  });
});
