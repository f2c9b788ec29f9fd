import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN, freePort, startProcess, waitForPort, type RunningProcess } from './processes.js';

/**
 * Starts and stops the Debian exporters the simulator and the integration tests use, each on
 * 127.0.0.1 at a port chosen at run time, each stopped by PID.
 */

export interface RunningExporter {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Everything the process printed (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export type ExporterProgram = 'node-exporter' | 'nginx' | 'nginx-exporter' | 'pushgateway' | 'prometheus';

const BINARIES: Record<ExporterProgram, string> = {
  'node-exporter': DEBIAN.nodeExporter,
  nginx: DEBIAN.nginx,
  'nginx-exporter': DEBIAN.nginxExporter,
  pushgateway: DEBIAN.pushgateway,
  prometheus: DEBIAN.prometheus,
};

export function isInstalled(program: ExporterProgram): boolean {
  return existsSync(BINARIES[program]);
}

/**
 * Picks a free port, starts the program, waits until it listens. A port picked by freePort() can be
 * taken by someone else before the program binds it, so this retries with a new port when the
 * program exits early.
 */
async function startListening(name: string, binary: string, argsFor: (port: number) => string[], options: { cwd?: string; readyTimeoutMs?: number } = {}): Promise<RunningExporter> {
  if (!existsSync(binary)) throw new Error(`${binary} is not installed; run .ci/run or apt-get install the Debian package`);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc: RunningProcess = startProcess(binary, argsFor(port), { cwd: options.cwd });
    try {
      await Promise.race([
        waitForPort(port, options.readyTimeoutMs ?? 15_000),
        new Promise((_, reject) => proc.child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening: ${proc.output().slice(-2000)}`)))),
      ]);
      return { name, pid: proc.pid, port, url: `http://127.0.0.1:${port}`, output: proc.output, stop: () => proc.stop() };
    } catch (error) {
      lastError = error;
      await proc.stop(500);
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** Debian's prometheus-node-exporter; the systemd collector is off (no D-Bus here). */
export function startNodeExporter(): Promise<RunningExporter> {
  return startListening('node-exporter', DEBIAN.nodeExporter, (port) => [`--web.listen-address=127.0.0.1:${port}`, '--no-collector.systemd', '--log.level=warn']);
}

/**
 * nginx (nginx-light) in the foreground as a single process (`master_process off`), serving
 * `stub_status` at /stub_status and a one-line page at /. `dir` holds its config and temp files.
 */
export function startNginx(dir: string, options: { body?: string } = {}): Promise<RunningExporter> {
  mkdirSync(dir, { recursive: true });
  const body = (options.body ?? 'Welcome to nginx!').replace(/["\\$]/g, '');
  return startListening('nginx', DEBIAN.nginx, (port) => {
    const temp = (name: string) => join(dir, name);
    const config = `daemon off;
master_process off;
worker_processes 1;
pid ${temp('nginx.pid')};
error_log stderr warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  server {
    listen 127.0.0.1:${port};
    location = /stub_status { stub_status; }
    location / { default_type text/plain; return 200 "${body}\\n"; }
  }
}
`;
    writeFileSync(join(dir, 'nginx.conf'), config);
    return ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'];
  });
}

/** nginx-prometheus-exporter scraping an nginx stub_status URL. */
export function startNginxExporter(stubStatusUrl: string): Promise<RunningExporter> {
  return startListening('nginx-exporter', DEBIAN.nginxExporter, (port) => [`-nginx.scrape-uri=${stubStatusUrl}`, `-web.listen-address=127.0.0.1:${port}`]);
}

/** The Pushgateway without persistence. */
export function startPushgateway(): Promise<RunningExporter> {
  return startListening('pushgateway', DEBIAN.pushgateway, (port) => [`--web.listen-address=127.0.0.1:${port}`, '--log.level=warn']);
}

/** Prometheus with the given config file, its TSDB under `dir`. */
export function startPrometheus(dir: string, configFile: string): Promise<RunningExporter> {
  mkdirSync(join(dir, 'tsdb'), { recursive: true });
  return startListening(
    'prometheus',
    DEBIAN.prometheus,
    (port) => [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', '--storage.tsdb.retention.time=2h'],
    { cwd: dir, readyTimeoutMs: 30_000 },
  );
}
