import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../helpers/processes.js';

vi.mock('electron', async () => (await import('../../../helpers/fake-electron.js')).createFakeElectron().module);
const { appProtocolResponse } = await import('../../../../main/electron/protocol.js');

describe('app:// protocol', () => {
  const dir = tempDir();
  const rendererDir = join(dir.path, 'renderer');
  beforeAll(() => {
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir.path, 'secret.txt'), 'outside the renderer');
  });
  afterAll(() => dir.remove());

  it('serves renderer files with the CSP header and the right type', async () => {
    const response = await appProtocolResponse(rendererDir, 'app://slicewise/index.html');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>x</title>');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect((await appProtocolResponse(rendererDir, 'app://slicewise/assets/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('rejects traversal out of the renderer folder and other hosts', async () => {
    for (const url of [
      'app://slicewise/../secret.txt',
      'app://slicewise/%2e%2e/secret.txt',
      'app://slicewise/assets/..%2f..%2fsecret.txt',
      'app://slicewise/../../etc/hosts',
      'app://other/index.html',
      'app://slicewise/missing.js',
    ]) {
      const response = await appProtocolResponse(rendererDir, url);
      expect(response.status, url).toBe(404);
      expect(await response.text()).not.toContain('outside the renderer');
    }
    expect((await appProtocolResponse(rendererDir, 'not a url')).status).toBe(400);
  });
});
