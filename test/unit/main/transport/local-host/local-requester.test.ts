import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchScrapeBody } from '../../../../../main/scrape/fetch.js';
import { readSamples } from '../../../../../main/scrape/exposition/samples.js';
import { familiesToSamples } from '../../../../../main/transport/local-host/exposition-writer.js';
import { readLocalCgroupFamilies } from '../../../../../main/transport/local-host/cgroup-reader.js';
import { localCgroupRequester, localNodeRequester } from '../../../../../main/transport/local-host/local-requester.js';
import { SYNTHETIC_PROC, writeTree } from '../../../../helpers/cgroup-fs.js';
import { tempDir } from '../../../../helpers/processes.js';

let dir: { path: string; remove: () => void };
let cgroupRoot: string;
let procRoot: string;

beforeEach(() => {
  dir = tempDir('slicewise-local-requester-');
  cgroupRoot = join(dir.path, 'cgroup');
  procRoot = join(dir.path, 'proc');
  writeTree(procRoot, { ...SYNTHETIC_PROC, loadavg: '1.25 0.50 0.25 1/100 42\n' });
  writeTree(cgroupRoot, {
    'cgroup.controllers': 'cpu memory\n',
    'cpu.stat': 'usage_usec 4000000\nuser_usec 3000000\nsystem_usec 1000000\n',
    'system.slice/cgroup.procs': '',
    'system.slice/memory.current': '2048\n',
  });
});

afterEach(() => dir.remove());

describe('local requesters', () => {
  it('serve this machine\'s cgroups through the scrape fetch like any target', async () => {
    const nowMs = 1_700_000_000_000;
    const requester = localCgroupRequester(cgroupRoot, { procRoot, nowMs: () => nowMs });
    try {
      expect(requester.describe()).toBe(`this machine's cgroups (${cgroupRoot})`);
      const body = await fetchScrapeBody(requester, { timeoutMs: 5000, bodySizeBytes: 10 * 1024 * 1024 });
      expect(body.format).toBe('text');
      expect(body.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
      const samples = readSamples(body.bytes, 'text');
      const expected = familiesToSamples((await readLocalCgroupFamilies(cgroupRoot, { procRoot, nowMs: () => nowMs })).families);
      expect(samples).toEqual(expected);
      expect(samples.find((sample) => sample.name === 'container_cpu_usage_seconds_total')).toEqual({
        name: 'container_cpu_usage_seconds_total',
        labels: { container: '', cpu: 'total', id: '/', image: '', name: '', namespace: '', pod: '' },
        value: 4,
        timestampMs: nowMs,
      });
    } finally {
      requester.dispose();
    }
  });

  it('serve node figures', async () => {
    const requester = localNodeRequester(procRoot, join(dir.path, 'sys'));
    const body = await fetchScrapeBody(requester, { timeoutMs: 5000, bodySizeBytes: 0 });
    const samples = readSamples(body.bytes, 'text');
    expect(samples.find((sample) => sample.name === 'node_load1')?.value).toBe(1.25);
    expect(samples.find((sample) => sample.name === 'node_memory_MemTotal_bytes')?.value).toBe(4194304 * 1024);
  });

  it('refuse a request that was already stopped', async () => {
    const requester = localCgroupRequester(cgroupRoot, { procRoot });
    const controller = new AbortController();
    controller.abort();
    await expect(requester.request({ accept: '*/*', acceptEncoding: 'identity', timeoutMs: 1000, signal: controller.signal })).rejects.toMatchObject({ code: 'closed' });
    requester.dispose();
  });
});
