// The Explorer in browser mode without any Prometheus (the minimal scenario has none): it says so in
// words, still lists what Slicewise scrapes, and charts rate() of a pod's CPU from Slicewise's own
// store. A user-given URL that does not answer is reported in words too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type BrowserSession } from '../helpers/browser.js';
import { freePort, tempDir } from '../helpers/processes.js';
import { startSimulator, type Simulator } from '../helpers/sim.js';
import { startWebMode, type WebMode } from '../helpers/web-mode.js';

describe('browser mode: the Explorer without Prometheus', () => {
  let sim: Simulator;
  let web: WebMode;
  let browser: BrowserSession;
  const config = tempDir('slicewise-explorer-config-');

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'minimal', processes: false, secondCluster: false });
    web = await startWebMode(['--kubeconfig', sim.kubeconfigPath, '--context', 'token', '--scrape-interval-ms', '2000'], { XDG_CONFIG_HOME: config.path });
    browser = await openBrowser();
    await browser.page.goto(`${web.url}#/explorer`);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await sim?.stop();
    config.remove();
  });

  it('says no Prometheus was found, and where it looked', async () => {
    const status = browser.page.getByTestId('prometheus-status');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 60_000 }).toBe('none');
    expect(await status.textContent()).toContain('No Prometheus found in this cluster (looked for the operator’s prometheus-operated service');
  });

  it('charts a pod’s CPU rate from the store, picked from the catalog and typed by hand', async () => {
    const { page } = browser;
    await page.getByTestId('catalog-search').fill('container_cpu_usage');
    const family = page.locator('[data-group="cadvisor"] button[data-family="container_cpu_usage_seconds_total"]');
    await family.waitFor({ timeout: 60_000 });
    await family.click();
    await page.getByTestId('family-details').waitFor();
    await page.getByTestId('family-details').getByRole('button', { name: /^pod \d+$/ }).click();
    const firstPod = page.getByTestId('family-details').locator('.values button').first();
    const pod = ((await firstPod.textContent()) ?? '').trim().replace(/\s+\d+$/, '');
    expect(pod.length).toBeGreaterThan(0);
    await firstPod.click();
    const editor = page.getByTestId('promql-editor');
    await expect.poll(() => editor.textContent()).toBe(`rate(container_cpu_usage_seconds_total{job="kubernetes-nodes-cadvisor",pod="${pod}"}[1m])`);
    // A one-minute rate needs two scrapes (every 2 s) of the pod; run again until they are there.
    const chart = page.getByTestId('query-chart');
    await expect
      .poll(
        async () => {
          if (await chart.count()) return true;
          await page.getByTestId('run-query').click();
          return false;
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(true);
    expect(await page.getByTestId('query-meta').textContent()).toContain('Slicewise store');
    const picked = Number(await chart.getAttribute('data-series'));
    expect(picked).toBeGreaterThan(0);

    // Typed by hand without the job matcher: the cAdvisor series again, plus the kubelet's
    // /metrics/resource ones of the same pod (and more of them as scrapes arrive), never fewer.
    await editor.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(`rate(container_cpu_usage_seconds_total{pod="${pod}"}[1m])`);
    await page.getByTestId('run-query').click();
    await expect.poll(() => editor.textContent()).toBe(`rate(container_cpu_usage_seconds_total{pod="${pod}"}[1m])`);
    await expect.poll(async () => Number(await chart.getAttribute('data-series'))).toBeGreaterThanOrEqual(picked);
    expect(await page.getByTestId('query-meta').textContent()).toContain('Slicewise store');
    await page.keyboard.press('Escape'); // the completion popup, before the picture
    await browser.screenshot('explorer-local-rate');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await browser.screenshot('explorer-local-rate-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('reports a configured URL that does not answer, in words, and goes back to looking in the cluster', async () => {
    const { page } = browser;
    const port = await freePort();
    await page.getByTestId('prometheus-configure').click();
    await page.getByTestId('prometheus-url').fill(`http://127.0.0.1:${port}`);
    await page.getByRole('button', { name: 'Connect' }).click();
    const status = page.getByTestId('prometheus-status');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 30_000 }).toBe('error');
    expect(await status.textContent()).toContain(`http://127.0.0.1:${port} does not answer as a Prometheus API: Nothing answers at http://127.0.0.1:${port} (connection refused).`);
    await browser.screenshot('explorer-configured-url-error');
    await page.getByTestId('prometheus-configure').click();
    await page.getByRole('button', { name: 'Look in the cluster instead' }).click();
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 30_000 }).toBe('none');
  });

  it('ran without CSP violations or script errors', () => {
    expect(browser.problems).toEqual([]);
  });
});
