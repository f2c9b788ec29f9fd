// `slicewise parse` on fixtures and `slicewise scrape` against a live Debian node-exporter, through
// the same entry the bundled CLI uses (runCli).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/index.js';
import { fixturePath } from '../../helpers/fixtures.js';
import { DEBIAN, freePort, requireProgram, startProcess, tempDir, waitForPort, type RunningProcess } from '../../helpers/processes.js';

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe('slicewise parse', () => {
  it('prints one JSON object per sample with labels in input order', async () => {
    const file = fixturePath('exporters', 'nginx', 'nginx-prometheus-exporter_stub-status_tailormap-pr138.prom');
    const { code, stdout, stderr } = await cli('parse', file);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[0]).toBe('{"name":"nginx_connections_accepted","labels":{},"value":37,"timestampMs":null}');
  });

  it('prints millisecond timestamps and non-finite values as Prometheus spells them', async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'x.prom');
      writeFileSync(file, 'a{z="1",b="2"} +Inf 1700000000000\nb NaN\n');
      const { stdout } = await cli('parse', file);
      expect(stdout).toBe('{"name":"a","labels":{"z":"1","b":"2"},"value":"+Inf","timestampMs":1700000000000}\n{"name":"b","labels":{},"value":"NaN","timestampMs":null}\n');
      writeFileSync(file, '# TYPE a gauge\na 1 1.5\n# EOF\n');
      expect((await cli('parse', file, '--openmetrics')).stdout).toBe('{"name":"a","labels":{},"value":1,"timestampMs":1500}\n');
    } finally {
      dir.remove();
    }
  });

  it('reports a malformed file as file:line:column: message and exits 1', async () => {
    const file = fixturePath('openmetrics', 'parsers', 'bad_invalid_labels_2', 'metrics');
    const { code, stdout, stderr } = await cli('parse', file, '--openmetrics');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${file}:1:9: duplicate label name "a"\n`);
    const strictOnly = fixturePath('openmetrics', 'parsers', 'bad_counter_values_1', 'metrics');
    expect((await cli('parse', strictOnly, '--openmetrics')).code).toBe(0);
    expect(await cli('parse', strictOnly, '--openmetrics', '--strict')).toEqual({ code: 1, stdout: '', stderr: `${strictOnly}:2:1: "a_total" must not be NaN or negative, got -1\n` });
  });

  it('exits 1 for a missing file and 2 for a missing argument', async () => {
    expect(await cli('parse', '/nonexistent/x.prom')).toEqual({ code: 1, stdout: '', stderr: 'slicewise parse: cannot read /nonexistent/x.prom: ENOENT\n' });
    expect((await cli('parse')).code).toBe(2);
  });
});

describe('slicewise scrape against a live node-exporter', () => {
  let exporter: RunningProcess;
  let port: number;
  beforeAll(async () => {
    requireProgram(DEBIAN.nodeExporter);
    port = await freePort();
    exporter = startProcess(DEBIAN.nodeExporter, [`--web.listen-address=127.0.0.1:${port}`]);
    await waitForPort(port);
  });
  afterAll(async () => {
    await exporter?.stop();
  });

  it('prints size, format, timings and one line per family', async () => {
    const { code, stdout, stderr } = await cli('scrape', `http://127.0.0.1:${port}/metrics`);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^URL: +http://127\\.0\\.0\\.1:${port}/metrics\\n`));
    expect(stdout).toMatch(/^Content-Type: .+ → parsed as (text 0\.0\.4|OpenMetrics 1\.0)$/m);
    const bytes = /^Bytes: +(\d+) uncompressed, (\d+) on the wire$/m.exec(stdout);
    expect(Number(bytes?.[1])).toBeGreaterThan(Number(bytes?.[2])); // gzip
    expect(Number(/^Families: +(\d+)$/m.exec(stdout)?.[1])).toBeGreaterThan(20);
    expect(stdout).toMatch(/^Parse: +\d+\.\d ms$/m);
    expect(stdout).toMatch(/^node_cpu_seconds_total +counter +[1-9]\d*$/m);
  });

  it('exits 1 with a plain message when nothing listens', async () => {
    const closed = await freePort();
    const { code, stderr } = await cli('scrape', `http://127.0.0.1:${closed}/metrics`);
    expect(code).toBe(1);
    expect(stderr).toBe(`slicewise scrape: http://127.0.0.1:${closed}/metrics refused the connection: is the exporter running and listening on that port?\n`);
  });
});
