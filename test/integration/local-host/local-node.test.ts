/**
 * "This machine" as node-exporter would report it: the real Debian prometheus-node-exporter runs on
 * 127.0.0.1 with the same collectors and exclusions, and is scraped just before and just after our
 * reading. Series sets must match exactly; counters must lie between node-exporter's two readings;
 * static figures must be equal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSamples, type ParsedSample } from '../../../main/scrape/exposition/samples.js';
import { NODE_DEFAULTS, readLocalNodeExposition } from '../../../main/transport/local-host/node-reader.js';
import { DEBIAN, freePort, requireProgram, startProcess, waitForPort, type RunningProcess } from '../../helpers/processes.js';

let exporter: RunningProcess;
let url: string;

beforeAll(async () => {
  requireProgram(DEBIAN.nodeExporter);
  const port = await freePort();
  url = `http://127.0.0.1:${port}/metrics`;
  exporter = startProcess(DEBIAN.nodeExporter, [
    `--web.listen-address=127.0.0.1:${port}`,
    '--collector.disable-defaults',
    ...['cpu', 'stat', 'meminfo', 'loadavg', 'uname', 'netdev', 'netclass', 'diskstats', 'filesystem', 'pressure', 'os'].map((name) => `--collector.${name}`),
    `--collector.netdev.device-exclude=${NODE_DEFAULTS.netdevDeviceExclude.source}`,
    `--collector.netclass.ignored-devices=${NODE_DEFAULTS.netdevDeviceExclude.source}`,
    `--collector.diskstats.device-exclude=${NODE_DEFAULTS.diskstatsDeviceExclude.source}`,
    `--collector.filesystem.mount-points-exclude=${NODE_DEFAULTS.mountPointsExclude.source}`,
    `--collector.filesystem.fs-types-exclude=${NODE_DEFAULTS.fsTypesExclude.source}`,
  ]);
  await waitForPort(port);
});

afterAll(async () => {
  await exporter?.stop();
});

async function scrape(): Promise<ParsedSample[]> {
  const response = await fetch(url);
  expect(response.status, exporter.output()).toBe(200);
  return readSamples(await response.text(), 'text');
}

function key(sample: ParsedSample): string {
  const labels = Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : 1));
  return `${sample.name}{${labels.map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(',')}}`;
}

function byKey(samples: ParsedSample[]): Map<string, number> {
  return new Map(samples.map((sample) => [key(sample), sample.value]));
}

describe('local node reading against prometheus-node-exporter', () => {
  let before: Map<string, number>;
  let ours: ParsedSample[];
  let after: Map<string, number>;

  beforeAll(async () => {
    before = byKey(await scrape());
    ours = readSamples(await readLocalNodeExposition('/proc', '/sys'), 'text');
    after = byKey(await scrape());
  });

  it('has exactly node-exporter\'s series for every family it writes', () => {
    const ourFamilies = new Set(ours.map((sample) => sample.name));
    ourFamilies.delete('node_time_seconds');
    // node-exporter writes more families than we do (netlink-only counters, the rest of netclass); compare ours.
    const theirs = [...before.keys()].filter((id) => ourFamilies.has(id.slice(0, id.indexOf('{')))).sort();
    const mine = ours.filter((sample) => ourFamilies.has(sample.name)).map(key).sort();
    expect(mine).toEqual(theirs);
    // The families that matter for the node views are all there.
    for (const family of ['node_cpu_seconds_total', 'node_memory_MemTotal_bytes', 'node_load1', 'node_uname_info', 'node_boot_time_seconds', 'node_network_receive_bytes_total', 'node_filesystem_size_bytes']) {
      expect(ourFamilies.has(family), family).toBe(true);
    }
  });

  it('has counters between node-exporter\'s readings before and after', () => {
    const counters = ours.filter((sample) => /_total$/.test(sample.name));
    expect(counters.length).toBeGreaterThan(20);
    for (const sample of counters) {
      const id = key(sample);
      const low = before.get(id) as number;
      const high = after.get(id) as number;
      // /proc/stat idle and iowait may step back by a tick on tickless kernels (proc(5)); other
      // counters only differ by float rounding (unit conversions done in another order).
      const slack = (bound: number) => (sample.name.startsWith('node_cpu_') ? 0.02 : Math.abs(bound) * 1e-12);
      expect(sample.value, id).toBeGreaterThanOrEqual(low - slack(low));
      expect(sample.value, id).toBeLessThanOrEqual(high + slack(high));
    }
  });

  it('has the same static figures', () => {
    const staticFamilies = /^node_(boot_time_seconds|uname_info|os_info|os_version|memory_(MemTotal|SwapTotal|Hugepagesize|HugePages_Total|VmallocTotal)(_bytes)?|filesystem_(size_bytes|files|readonly|device_error)|network_mtu_bytes)$/;
    const compared = ours.filter((sample) => staticFamilies.test(sample.name));
    expect(compared.length).toBeGreaterThanOrEqual(8);
    for (const sample of compared) expect(sample.value, key(sample)).toBe(before.get(key(sample)));
    // Load averages change every 5 s: ours is one of node-exporter's two readings.
    for (const sample of ours.filter((candidate) => /^node_load(1|5|15)$/.test(candidate.name))) {
      expect([before.get(key(sample)), after.get(key(sample))]).toContain(sample.value);
    }
  });
});
