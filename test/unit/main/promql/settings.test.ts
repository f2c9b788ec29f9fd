import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultPrometheusSettingsPath, PrometheusSettings } from '../../../../main/promql/settings.js';
import { Logger, type LogSink } from '../../../../main/util/log.js';
import { tempDir } from '../../../helpers/processes.js';

const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

function folder(): string {
  const dir = tempDir('slicewise-prom-settings-');
  dirs.push(dir);
  return dir.path;
}

describe('PrometheusSettings', () => {
  it('remembers URL, tenant and TLS choice per context in a 0600 file, and the token in memory only', () => {
    const path = join(folder(), 'nested', 'prometheus.json');
    const settings = new PrometheusSettings(path);
    settings.set('prod', { url: 'https://mimir.example.com/prometheus', orgId: 'team-a', insecureSkipTlsVerify: true, bearerToken: 'tok-123' });
    settings.set('dev', { url: 'http://127.0.0.1:9090' });
    expect(settings.get('prod')).toEqual({ url: 'https://mimir.example.com/prometheus', orgId: 'team-a', insecureSkipTlsVerify: true, bearerToken: 'tok-123' });
    const text = readFileSync(path, 'utf8');
    expect(JSON.parse(text)).toEqual({
      version: 1,
      contexts: { prod: { url: 'https://mimir.example.com/prometheus', orgId: 'team-a', insecureSkipTlsVerify: true }, dev: { url: 'http://127.0.0.1:9090' } },
    });
    expect(text).not.toContain('tok-123');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // A new run reads the URL back; the token is gone.
    expect(new PrometheusSettings(path).get('prod')).toEqual({ url: 'https://mimir.example.com/prometheus', orgId: 'team-a', insecureSkipTlsVerify: true });
    settings.set('prod', undefined);
    expect(settings.get('prod')).toBeUndefined();
    expect(JSON.parse(readFileSync(path, 'utf8')).contexts).toEqual({ dev: { url: 'http://127.0.0.1:9090' } });
  });

  it('starts empty, with a warning, from a file it cannot read, and keeps working without a file', () => {
    const path = join(folder(), 'prometheus.json');
    writeFileSync(path, '{ not json');
    const lines: string[] = [];
    const sink: LogSink = { write: (line) => lines.push(line) };
    const settings = new PrometheusSettings(path, new Logger(sink));
    expect(settings.get('any')).toBeUndefined();
    expect(lines.join('\n')).toContain(`cannot read the Prometheus settings ${path}; starting without them`);
    const memoryOnly = new PrometheusSettings(undefined);
    memoryOnly.set('ctx', { url: 'http://x:9090', bearerToken: 't' });
    expect(memoryOnly.get('ctx')).toEqual({ url: 'http://x:9090', bearerToken: 't' });
    expect(existsSync(join(folder(), 'prometheus.json'))).toBe(false);
  });

  it('lives beside the other per-user files on each platform', () => {
    expect(defaultPrometheusSettingsPath({}, '/home/u', 'linux')).toBe('/home/u/.config/slicewise/prometheus.json');
    expect(defaultPrometheusSettingsPath({ XDG_CONFIG_HOME: '/cfg' }, '/home/u', 'linux')).toBe('/cfg/slicewise/prometheus.json');
    expect(defaultPrometheusSettingsPath({}, '/Users/u', 'darwin')).toBe('/Users/u/Library/Application Support/Slicewise/prometheus.json');
    expect(defaultPrometheusSettingsPath({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u', 'win32')).toBe(join('C:\\Users\\u\\AppData\\Roaming', 'Slicewise', 'prometheus.json'));
  });
});
