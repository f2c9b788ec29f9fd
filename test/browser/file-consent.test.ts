import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBrowser, type BrowserSession } from '../helpers/browser.js';
import { startWebMode, type WebMode } from '../helpers/web-mode.js';
import { startSimulator, type Simulator } from '../helpers/sim.js';
import { writeKubeconfig } from '../helpers/kubeconfig.js';
import { tempDir } from '../helpers/processes.js';

// security.md SEC-13: a kubeconfig from elsewhere whose certificate authority lies outside ~/.kube.
// The user sees the file in the consent dialog; a refusal leaves the app unconnected with a
// message naming the file; choosing the context again asks again, and allowing connects.
describe('browser: files a kubeconfig names outside ~/.kube are read only with permission', () => {
  let sim: Simulator;
  let web: WebMode;
  let browser: BrowserSession;
  const dir = tempDir('slicewise-file-consent-');
  const ca = join(dir.path, 'downloads', 'cluster-ca.pem');

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'minimal' });
    mkdirSync(join(dir.path, 'home', '.kube'), { recursive: true });
    mkdirSync(join(dir.path, 'downloads'));
    writeFileSync(ca, sim.caPem);
    const kubeconfig = writeKubeconfig(join(dir.path, 'downloads', 'imported.yaml'), {
      'current-context': 'imported',
      clusters: [{ name: 'sim', cluster: { server: sim.url, 'certificate-authority': 'cluster-ca.pem' } }],
      users: [{ name: 'me', user: { token: sim.token } }],
      contexts: [{ name: 'imported', context: { cluster: 'sim', user: 'me' } }],
    });
    web = await startWebMode(['--kubeconfig', kubeconfig], { HOME: join(dir.path, 'home'), XDG_CONFIG_HOME: join(dir.path, 'config') });
    browser = await openBrowser({ viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await sim?.stop();
    dir.remove();
  });

  it('lists the file, connects nothing on a refusal, asks again on the next choice and connects once allowed', async () => {
    const { page } = browser;
    await page.goto(web.url);
    const picker = page.getByTestId('context-picker');
    await expect.poll(async () => (await picker.locator('option').allTextContents()).join('|')).toContain('imported');
    await picker.selectOption('ctx:imported');
    const dialog = page.getByTestId('exec-consent');
    await dialog.waitFor({ timeout: 15_000 });
    expect(await dialog.getByRole('heading').textContent()).toBe('Read files named in the kubeconfig?');
    expect(await dialog.getByTestId('consent-files').locator('li').allTextContents()).toEqual([ca]);
    await browser.screenshot('file-consent');
    await dialog.getByRole('button', { name: 'Don’t read' }).click();
    await expect.poll(() => page.getByText(`read the files ${ca}`, { exact: false }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByRole('grid', { name: 'Nodes' }).count()).toBe(0);

    await picker.selectOption('');
    await picker.selectOption('ctx:imported');
    await dialog.waitFor({ timeout: 15_000 });
    await dialog.getByRole('button', { name: 'Allow this time' }).click();
    const nodes = page.getByRole('grid', { name: 'Nodes' });
    await nodes.waitFor({ timeout: 30_000 });
    await expect.poll(() => nodes.locator('[role=row][data-key]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
  });
});
