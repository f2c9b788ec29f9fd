// The Explorer in browser mode against the demo scenario, whose real Debian Prometheus scrapes the
// real exporters: the catalog groups families by source, the PromQL editor (codemirror-promql)
// completes from Prometheus and charts a range query, a syntax error shows Prometheus' own words,
// and none of it trips the strict CSP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type BrowserSession } from '../helpers/browser.js';
import { tempDir } from '../helpers/processes.js';
import { startSimulator, type Simulator } from '../helpers/sim.js';
import { startWebMode, type WebMode } from '../helpers/web-mode.js';

describe('browser mode: the Explorer with the in-cluster Prometheus', () => {
  let sim: Simulator;
  let web: WebMode;
  let browser: BrowserSession;
  let prometheusBase: string;
  const config = tempDir('slicewise-explorer-config-');

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'demo', secondCluster: false });
    const backend = sim.backendFor('monitoring', 'prometheus-k8s-0', 9090)!;
    prometheusBase = `http://${backend.host}:${backend.port}`;
    web = await startWebMode(['--kubeconfig', sim.kubeconfigPath, '--context', 'token', '--scrape-interval-ms', '3000'], { XDG_CONFIG_HOME: config.path });
    browser = await openBrowser();
    await browser.page.goto(`${web.url}#/explorer`);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await sim?.stop();
    config.remove();
  });

  it('shows how Prometheus was found and reached', async () => {
    const { page } = browser;
    const status = page.getByTestId('prometheus-status');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    const text = await status.textContent();
    expect(text).toContain('Prometheus connected');
    expect(text).toContain('service monitoring/prometheus-k8s:9090 (label app.kubernetes.io/name=prometheus)');
    expect(text).toContain('via apiserver service proxy');
  });

  it('lists node_, nginx_, container_ and kube_ families under their sources', async () => {
    const { page } = browser;
    const search = page.getByTestId('catalog-search');
    const cases: [text: string, family: string, group: string][] = [
      ['node_cpu', 'node_cpu_seconds_total', 'node-exporter'],
      ['nginx_', 'nginx_connections_active', 'application:nginx'],
      ['container_cpu_usage', 'container_cpu_usage_seconds_total', 'cadvisor'],
      ['kube_pod_info', 'kube_pod_info', 'kube-state-metrics'],
    ];
    for (const [text, family, group] of cases) {
      await search.fill(text);
      const row = page.locator(`[data-testid="catalog-group"][data-group="${group}"] button[data-family="${family}"]`);
      await row.waitFor({ timeout: 60_000 });
      if (text === 'node_cpu') await browser.screenshot('explorer-catalog-node');
    }
    await search.fill('nginx_');
    await page.locator('[data-group="application:nginx"] button[data-family="nginx_connections_active"]').waitFor();
    expect(await page.locator('[data-group="application:nginx"] summary').textContent()).toContain('nginx (application)');
  });

  it('charts a chosen metric and shows its HELP, TYPE and label values', async () => {
    const { page } = browser;
    await page.getByTestId('catalog-search').fill('node_cpu_seconds');
    await page.locator('[data-group="node-exporter"] button[data-family="node_cpu_seconds_total"]').click();
    const details = page.getByTestId('family-details');
    await details.waitFor();
    expect(await details.getAttribute('data-family')).toBe('node_cpu_seconds_total');
    expect(await page.getByTestId('family-help').textContent()).toBe('Seconds the CPUs spent in each mode.');
    // Picking charts it at once, with Prometheus answering (auto source with Prometheus connected);
    // right after start Prometheus may hold too few samples for a 1m rate, so run again until it does.
    const chart = page.getByTestId('query-chart');
    await expect
      .poll(
        async () => {
          if (await chart.count()) return true;
          await page.getByTestId('run-query').click();
          return false;
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe(true);
    expect(await page.getByTestId('promql-editor').textContent()).toBe('rate(node_cpu_seconds_total[1m])');
    expect(await page.getByTestId('query-meta').textContent()).toContain('Prometheus');
  });

  it('runs rate(node_cpu_seconds_total[1m]) from the editor and charts every series Prometheus returns', async () => {
    const { page } = browser;
    const editor = page.getByTestId('promql-editor');
    await editor.click();
    await page.keyboard.press('Control+a');
    // insertText: typed "(" and "[" would get closing brackets added by the editor.
    await page.keyboard.insertText('rate(node_cpu_seconds_total[1m])');
    await page.keyboard.press('Escape'); // closes the completion popup if one opened
    await page.getByTestId('run-query').click();
    const chart = page.getByTestId('query-chart');
    await expect.poll(async () => (await page.getByTestId('query-meta').textContent()) ?? '', { timeout: 30_000 }).toMatch(/series/);
    // The oracle: Prometheus' own count of the series (the chart shows at most 100).
    const expected = (await (await fetch(`${prometheusBase}/api/v1/query?query=${encodeURIComponent('count(rate(node_cpu_seconds_total[1m]))')}`)).json()) as { data: { result: { value: [number, string] }[] } };
    await expect.poll(async () => Number(await chart.getAttribute('data-series')), { timeout: 30_000 }).toBe(Math.min(100, Number(expected.data.result[0]?.value[1])));
    expect(await page.locator('[data-testid="query-chart"] canvas').count()).toBe(1);
    await browser.screenshot('explorer-range-query');
  });

  it('completes metric names from Prometheus in the editor', async () => {
    const { page } = browser;
    // The oracle first: Prometheus itself must know the name (it scrapes nginx on its own schedule).
    await expect
      .poll(async () => ((await (await fetch(`${prometheusBase}/api/v1/label/__name__/values`)).json()) as { data: string[] }).data.includes('nginx_connections_active'), { timeout: 60_000 })
      .toBe(true);
    const editor = page.getByTestId('promql-editor');
    const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'nginx_connections_active' });
    // Names looked up before Prometheus had them are refreshed in the background (15 s); type again
    // until completion offers the name.
    await expect
      .poll(
        async () => {
          await editor.click();
          await page.keyboard.press('Control+a');
          await page.keyboard.type('nginx_connections_ac');
          const shown = await option.waitFor({ timeout: 3_000 }).then(
            () => true,
            () => false,
          );
          if (!shown) await page.keyboard.press('Escape');
          return shown;
        },
        { timeout: 45_000, interval: 1000 },
      )
      .toBe(true);
    await browser.screenshot('explorer-completion');
    await page.keyboard.press('Escape');
  });

  it('shows Prometheus’ message for a PromQL syntax error', async () => {
    const { page } = browser;
    const broken = 'rate(node_cpu_seconds_total[1m]';
    const editor = page.getByTestId('promql-editor');
    await editor.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(broken);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Instant' }).click();
    await page.getByTestId('run-query').click();
    const oracle = (await (await fetch(`${prometheusBase}/api/v1/query?query=${encodeURIComponent(broken)}`)).json()) as { error: string };
    const error = page.getByTestId('query-error');
    await error.waitFor();
    expect(await error.locator('strong').textContent()).toBe(oracle.error);
    await browser.screenshot('explorer-syntax-error');
  });

  it('ran without CSP violations or script errors (CodeMirror styles included)', () => {
    expect(browser.problems).toEqual([]);
  });
});
