import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBrowser, type BrowserSession } from '../helpers/browser.js';
import { startWebMode, type WebMode } from '../helpers/web-mode.js';
import { startSimulator, type Simulator } from '../helpers/sim.js';
import { tempDir } from '../helpers/processes.js';

describe('browser: connect to a cluster, see its nodes and every target up', () => {
  let sim: Simulator;
  let web: WebMode;
  let browser: BrowserSession;
  const dir = tempDir('slicewise-browser-');

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'demo' });
    // A second kubeconfig file with a context whose apiserver does not exist (port 1 refuses).
    const broken = join(dir.path, 'unreachable.yaml');
    writeFileSync(
      broken,
      `apiVersion: v1
kind: Config
clusters:
- name: nowhere
  cluster:
    server: https://127.0.0.1:1
    insecure-skip-tls-verify: true
users:
- name: nobody
  user:
    token: not-a-real-token
contexts:
- name: unreachable
  context:
    cluster: nowhere
    user: nobody
`,
    );
    web = await startWebMode(['--kubeconfig', sim.kubeconfigPath, '--kubeconfig', broken], { SLICEWISE_SCRAPE_INTERVAL_MS: '5000' });
    browser = await openBrowser({ viewport: { width: 1500, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await sim?.stop();
    dir.remove();
  });

  it('lists the kubeconfig contexts, connects, and shows the nodes with their versions', async () => {
    const { page } = browser;
    await page.goto(web.url);
    const picker = page.getByTestId('context-picker');
    await expect.poll(async () => (await picker.locator('option').allTextContents()).join('|')).toMatch(/token.*client-cert|client-cert.*token/);
    await picker.selectOption('ctx:token');
    const nodes = page.getByRole('grid', { name: 'Nodes' });
    await nodes.waitFor({ timeout: 30_000 });
    for (const node of ['datagen-1-35', 'minikube-m02', 'minikube-m03']) {
      await expect.poll(() => nodes.getByText(node, { exact: true }).count(), { timeout: 30_000 }).toBe(1);
    }
    await expect.poll(() => nodes.textContent()).toContain('v1.35.0');
    await expect.poll(() => page.getByTestId('session-status').textContent(), { timeout: 30_000 }).toBe('Connected to token');
    // Headline usage appears once each kubelet's cAdvisor was scraped twice.
    await expect.poll(async () => (await nodes.textContent()) ?? '', { timeout: 30_000 }).toMatch(/\d+(\.\d+)?m/);
    await browser.screenshot('cluster-view');
  });

  it('shows every discovered target up, grouped by source, with how it was found', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Targets', exact: true }).click();
    const summary = page.getByTestId('targets-summary');
    await expect.poll(async () => (await summary.textContent()) ?? '', { timeout: 60_000 }).toMatch(/^\s*\d+ up\s*0 down\s*0 unknown\s*$/);
    const up = Number(/^(\d+) up/.exec((await summary.textContent()) ?? '')?.[1]);
    expect(up).toBeGreaterThanOrEqual(20);
    for (const source of ['cadvisor', 'node-exporter', 'kube-state-metrics', 'prometheus', 'application']) {
      expect(await page.locator(`section[data-source="${source}"]`).count(), source).toBe(1);
    }
    // The discovery reason of a selected target is shown in words.
    await page.locator('section[data-source="node-exporter"] [role="row"][data-key]').first().click();
    await expect.poll(() => page.getByTestId('target-details').textContent()).toMatch(/Found by.*node-exporter/i);
    await browser.screenshot('targets-view');
  });

  it('says in words when a cluster cannot be reached, and keeps working', async () => {
    const { page } = browser;
    await page.getByTestId('context-picker').selectOption('ctx:unreachable');
    const banner = page.getByRole('alert');
    await expect.poll(async () => (await banner.allTextContents()).join(' '), { timeout: 30_000 }).toMatch(/(refused|reach).*127\.0\.0\.1:1\b|127\.0\.0\.1:1\b.*(refused|reach)/i);
    await browser.screenshot('unreachable-cluster');
    // Back to a working context: the app recovers without a reload.
    await page.getByTestId('context-picker').selectOption('ctx:token');
    await expect.poll(() => page.getByTestId('session-status').textContent(), { timeout: 30_000 }).toBe('Connected to token');
    expect(browser.problems).toEqual([]);
  });
});
