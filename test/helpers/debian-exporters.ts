// Real Debian exporters and Prometheus for tests, each on 127.0.0.1 with a port chosen at run time
// and stopped by PID: node-exporter, nginx (stub_status) + nginx exporter, pushgateway, prometheus.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN, freePort, requireProgram, startProcess, tempDir, waitForPort, type RunningProcess } from './processes.js';

export interface Running {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  processes: RunningProcess[];
  stop(): Promise<void>;
}

function running(port: number, processes: RunningProcess[], cleanup: () => void = () => undefined): Running {
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    processes,
    async stop() {
      for (const process of [...processes].reverse()) await process.stop();
      cleanup();
    },
  };
}

/** Polls `url` until it answers 200, or throws with the process output after `timeoutMs`. */
export async function waitForHttp(url: string, process: RunningProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become ready:\n${process.output().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startNodeExporter(): Promise<Running> {
  requireProgram(DEBIAN.nodeExporter);
  const port = await freePort();
  const exporter = startProcess(DEBIAN.nodeExporter, [`--web.listen-address=127.0.0.1:${port}`]);
  await waitForHttp(`http://127.0.0.1:${port}/metrics`, exporter);
  return running(port, [exporter]);
}

/** nginx serving stub_status, and the nginx exporter reading it; `url` is the exporter. */
export async function startNginxExporter(): Promise<Running> {
  requireProgram(DEBIAN.nginx);
  requireProgram(DEBIAN.nginxExporter);
  const dir = tempDir('slicewise-nginx-');
  const nginxPort = await freePort();
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir.path, sub));
  const config = join(dir.path, 'nginx.conf');
  writeFileSync(
    config,
    `daemon off;
master_process off;
pid ${dir.path}/nginx.pid;
error_log ${dir.path}/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir.path}/body;
  proxy_temp_path ${dir.path}/proxy;
  fastcgi_temp_path ${dir.path}/fastcgi;
  uwsgi_temp_path ${dir.path}/uwsgi;
  scgi_temp_path ${dir.path}/scgi;
  server {
    listen 127.0.0.1:${nginxPort};
    location /stub_status { stub_status; }
  }
}
`,
  );
  const nginx = startProcess(DEBIAN.nginx, ['-p', dir.path, '-c', config, '-e', join(dir.path, 'error.log')]);
  await waitForHttp(`http://127.0.0.1:${nginxPort}/stub_status`, nginx);
  const port = await freePort();
  const exporter = startProcess(DEBIAN.nginxExporter, [`-nginx.scrape-uri=http://127.0.0.1:${nginxPort}/stub_status`, `-web.listen-address=127.0.0.1:${port}`]);
  await waitForHttp(`http://127.0.0.1:${port}/metrics`, exporter);
  return running(port, [nginx, exporter], dir.remove);
}

/** A pushgateway with `pushes` (job → exposition text) pushed to it. */
export async function startPushgateway(pushes: Record<string, string>): Promise<Running> {
  requireProgram(DEBIAN.pushgateway);
  const dir = tempDir('slicewise-pushgateway-');
  const port = await freePort();
  const gateway = startProcess(DEBIAN.pushgateway, [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(dir.path, 'data')}`]);
  await waitForHttp(`http://127.0.0.1:${port}/-/ready`, gateway);
  for (const [job, body] of Object.entries(pushes)) {
    const response = await fetch(`http://127.0.0.1:${port}/metrics/job/${encodeURIComponent(job)}`, { method: 'PUT', body, headers: { 'Content-Type': 'text/plain; version=0.0.4' } });
    if (!response.ok) throw new Error(`push to pushgateway failed: ${response.status} ${await response.text()}`);
  }
  return running(port, [gateway], dir.remove);
}

/** Prometheus with the given scrape configs (YAML list items), TSDB in a temp folder. */
export async function startPrometheus(scrapeConfigsYaml: string, globalYaml = 'scrape_interval: 1s\n  scrape_timeout: 900ms'): Promise<Running> {
  requireProgram(DEBIAN.prometheus);
  const dir = tempDir('slicewise-prometheus-');
  const port = await freePort();
  const config = join(dir.path, 'prometheus.yml');
  writeFileSync(config, `global:\n  ${globalYaml}\nscrape_configs:\n${scrapeConfigsYaml}`);
  const prometheus = startProcess(DEBIAN.prometheus, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir.path, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  await waitForPort(port, 30_000);
  await waitForHttp(`http://127.0.0.1:${port}/-/ready`, prometheus);
  return running(port, [prometheus], dir.remove);
}
