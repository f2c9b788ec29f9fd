import type * as Fs from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExecConsentRequest } from '../../../../preload/contract/index.js';
import { createCore, type Core } from '../../../../main/core/create-core.js';
import { Logger, nullSink } from '../../../../main/util/log.js';
import { writeKubeconfig } from '../../../helpers/kubeconfig.js';
import { tempDir } from '../../../helpers/processes.js';

// Every read of a file's contents through node:fs is recorded: "nothing is read before approval"
// (security.md SEC-13) is checked on the calls themselves, not on a side effect.
const reads = vi.hoisted(() => [] as string[]);
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof Fs>();
  const record = (path: unknown) => reads.push(String(path));
  return {
    ...actual,
    default: actual,
    readFileSync: (path: Parameters<typeof actual.readFileSync>[0], ...rest: unknown[]) => {
      record(path);
      return (actual.readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
    },
  };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>();
  return {
    ...actual,
    default: actual,
    readFile: (path: Parameters<typeof actual.readFile>[0], ...rest: unknown[]) => {
      reads.push(String(path));
      return (actual.readFile as (...args: unknown[]) => unknown)(path, ...rest);
    },
  };
});

let dir: { path: string; remove: () => void };
let core: Core | undefined;
beforeEach(() => {
  dir = tempDir('slicewise-files-');
  reads.length = 0;
});
afterEach(async () => {
  await core?.dispose();
  core = undefined;
  dir.remove();
});

/** A kubeconfig imported from elsewhere whose CA and client key sit outside ~/.kube. */
function importedKubeconfig(): { kubeconfig: string; home: string; ca: string; key: string } {
  const home = join(dir.path, 'home');
  mkdirSync(join(home, '.kube'), { recursive: true });
  const elsewhere = join(dir.path, 'downloads');
  mkdirSync(elsewhere);
  const ca = join(elsewhere, 'ca.crt');
  const key = join(dir.path, 'secrets', 'id.key');
  writeFileSync(ca, 'not a certificate');
  const kubeconfig = writeKubeconfig(join(elsewhere, 'imported.yaml'), {
    'current-context': 'imported',
    clusters: [{ name: 'k', cluster: { server: 'https://127.0.0.1:9', 'certificate-authority': 'ca.crt' } }],
    users: [{ name: 'u', user: { 'client-certificate-data': 'eA==', 'client-key': key } }],
    contexts: [{ name: 'imported', context: { cluster: 'k', user: 'u' } }],
  });
  return { kubeconfig, home, ca, key };
}

function consentsOf(opened: Core): { latest: () => ExecConsentRequest[] } {
  let latest: ExecConsentRequest[] = [];
  opened.dispatcher.prepareSubscription('exec.consents', null)((value) => (latest = value as ExecConsentRequest[]));
  return { latest: () => latest };
}

describe('files a kubeconfig names outside ~/.kube (SEC-13)', () => {
  it('lists them in the consent view and reads none of them before the user answers; a denial says which files', async () => {
    const { kubeconfig, home, ca, key } = importedKubeconfig();
    core = createCore({ front: 'web', log: new Logger(nullSink), kubeconfigPaths: [kubeconfig], home, consentStorePath: join(dir.path, 'consent.json'), prometheusSettingsPath: '' });
    const consents = consentsOf(core);
    const opening = core.dispatcher.call('session.open', { context: 'imported' });
    await vi.waitFor(() => expect(consents.latest()).toHaveLength(1));
    const request = consents.latest()[0];
    expect(request).toMatchObject({ kind: 'files', files: [ca, key], contextName: 'imported', kubeconfigPath: kubeconfig, server: 'https://127.0.0.1:9', command: '' });
    expect(reads.filter((path) => path === ca || path === key)).toEqual([]);

    await core.dispatcher.call('exec.answer', { id: request.id, decision: 'deny' });
    const outcome = await opening;
    expect(outcome).toMatchObject({ ok: false, error: { code: 'consent-required' } });
    expect(JSON.stringify(outcome)).toContain(ca);
    expect(reads.filter((path) => path === ca || path === key)).toEqual([]);
    expect(consents.latest()).toEqual([]);

    // Choosing the context again asks again; allowing reads the CA and goes on to connect.
    const again = core.dispatcher.call('session.open', { context: 'imported' });
    await vi.waitFor(() => expect(consents.latest()).toHaveLength(1));
    await core.dispatcher.call('exec.answer', { id: consents.latest()[0].id, decision: 'once' });
    await again;
    expect(reads).toContain(ca);
  });

  it('asks nothing for files inside ~/.kube or given inline', async () => {
    const { home } = importedKubeconfig();
    writeFileSync(join(home, '.kube', 'ca.crt'), 'not a certificate');
    const inside = writeKubeconfig(join(home, '.kube', 'config'), {
      'current-context': 'home',
      clusters: [{ name: 'k', cluster: { server: 'https://127.0.0.1:9', 'certificate-authority': 'ca.crt' } }],
      users: [{ name: 'u', user: { token: 'abc' } }],
      contexts: [{ name: 'home', context: { cluster: 'k', user: 'u' } }],
    });
    core = createCore({ front: 'web', log: new Logger(nullSink), kubeconfigPaths: [inside], home, consentStorePath: join(dir.path, 'consent.json'), prometheusSettingsPath: '' });
    const consents = consentsOf(core);
    await core.dispatcher.call('session.open', { context: 'home' });
    expect(consents.latest()).toEqual([]);
    expect(reads).toContain(join(home, '.kube', 'ca.crt'));
  });
});
