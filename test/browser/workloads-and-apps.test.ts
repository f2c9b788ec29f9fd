import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type BrowserSession } from '../helpers/browser.js';
import { startWebMode, type WebMode } from '../helpers/web-mode.js';
import { startSimulator, type Simulator } from '../helpers/sim.js';

/** The scrape interval given to `slicewise web` here. */
const INTERVAL_MS = 2000;

describe('browser: Workloads follow a scale-out; Applications show the nginx exporters', () => {
  let sim: Simulator;
  let web: WebMode;
  let browser: BrowserSession;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'minimal', processes: false, secondCluster: false });
    web = await startWebMode(['--kubeconfig', sim.kubeconfigPath, '--context', 'token', '--scrape-interval-ms', String(INTERVAL_MS)]);
    browser = await openBrowser({ viewport: { width: 1500, height: 950 } });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await sim?.stop();
  });

  /** The text of one cell of the Workloads table (columns: kind, name, desired, ready, available…). */
  const cell = (key: string, column: number) => browser.page.getByRole('grid', { name: 'Workloads' }).locator(`[data-key="${key}"] [role=gridcell]`).nth(column).textContent();

  it('shows web/nginx from kube-state-metrics, then 6 available within one scrape interval of the scale-out', async () => {
    const { page } = browser;
    await page.goto(`${web.url}#/workloads`);
    await page.getByTestId('workloads-source').getByText('from kube-state-metrics').waitFor({ timeout: 60_000 });
    await expect.poll(() => cell('Deployment/web/nginx', 4), { timeout: 30_000 }).toBe('2');
    expect(await cell('Deployment/web/nginx', 2)).toBe('2');
    expect(await page.getByRole('grid', { name: 'Node conditions' }).getByText('datagen-1-35', { exact: true }).count()).toBe(1);
    await browser.screenshot('workloads');

    // The simulator resolves once the four new pods run and the Deployment's status says so; KSM
    // reports it at its next scrape, which comes at most one interval later.
    await sim.scaleDeployment('web', 'nginx', 6);
    const scaledMs = Date.now();
    // One interval for the next KSM scrape, plus one for recompute (250 ms quiet time), the push and the render.
    await expect.poll(() => cell('Deployment/web/nginx', 4), { timeout: 2 * INTERVAL_MS, interval: 50 }).toBe('6');
    const latencyMs = Date.now() - scaledMs;
    console.log(`workloads: 6 available shown ${latencyMs} ms after the scale-out (scrape interval ${INTERVAL_MS} ms)`);
    expect(await cell('Deployment/web/nginx', 2)).toBe('6');
    await browser.screenshot('workloads-scaled');
  });

  it('lists the nginx exporters under Applications with their metrics by type', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Applications', exact: true }).click();
    await expect.poll(() => page.locator('main').getAttribute('data-view')).toBe('applications');
    const entries = page.locator('[data-testid=app-entry][data-kind=nginx]');
    await expect.poll(() => entries.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await entries.first().click();
    await expect.poll(() => entries.first().getAttribute('aria-current')).toBe('true');
    const panel = page.getByTestId('app-panel');
    const requests = panel.locator('[data-family="nginx_http_requests_total"]');
    await requests.waitFor({ timeout: 30_000 });
    expect(await requests.textContent()).toContain('counter · rate /s');
    // The recorded payload's counter does not move, so its rate is 0/s once two scrapes are in.
    await expect.poll(() => requests.getByTestId('family-value').first().textContent(), { timeout: 30_000 }).toBe('0/s');
    const up = panel.locator('[data-family="nginx_up"]');
    expect(await up.getByTestId('family-value').first().textContent()).toBe('1');
    expect(await panel.locator('[data-family="nginx_connections_active"]').textContent()).toContain('gauge · value');
    await expect.poll(() => panel.getByTestId('chart').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(8);
    await browser.screenshot('applications');

    // CoreDNS (the dump's pod, answered by the simulator) has histograms: shown as p50/p90/p99.
    const coredns = page.locator('[data-testid=app-entry][data-kind=coredns]').first();
    await coredns.click();
    const histogram = panel.locator('[data-family="coredns_dns_request_duration_seconds"]');
    await histogram.waitFor({ timeout: 30_000 });
    expect(await histogram.textContent()).toContain('histogram · quantiles');
    await expect.poll(async () => (await histogram.locator('td.labels').allTextContents()).join(' | '), { timeout: 30_000 }).toMatch(/quantile="0\.5".*quantile="0\.9".*quantile="0\.99"/);
    // Quantiles of request durations are durations (ms or µs), not bare numbers, once two scrapes are in.
    await expect.poll(() => histogram.getByTestId('family-value').first().textContent(), { timeout: 30_000 }).toMatch(/(µs|ms| s)$/);
    await histogram.scrollIntoViewIfNeeded();
    await browser.screenshot('applications-histograms');
  });

  it('loads without CSP violations or script errors', () => {
    expect(browser.problems).toEqual([]);
  });
});
