import type { CgroupFigureName, CgroupRow, CgroupTreePayload } from '../../preload/contract/index.js';

const FIGURES: CgroupFigureName[] = [
  'cpuCores',
  'cpuUsageSeconds',
  'cpuLimitCores',
  'throttledShare',
  'memoryWorkingSetBytes',
  'memoryLimitBytes',
  'ioReadBytesPerSec',
  'ioWriteBytesPerSec',
  'networkRxBytesPerSec',
  'networkTxBytesPerSec',
  'oomEvents',
  'processes',
  'pressureCpuWaitingShare',
  'pressureMemoryWaitingShare',
  'pressureIoWaitingShare',
];

/** A hand-made `cgroups.tree` payload: rows as [segment, parent, name, kind] with CPU cores and memory per row. */
export function handPayload(rows: [string, number, string, CgroupRow['kind'], number | null, number | null][], intervalMs: number | null = 10_000): CgroupTreePayload {
  const figures = Object.fromEntries(FIGURES.map((name) => [name, rows.map(() => null)])) as unknown as Record<CgroupFigureName, (number | null)[]>;
  figures.cpuCores = rows.map((row) => row[4]);
  figures.memoryWorkingSetBytes = rows.map((row) => row[5]);
  return {
    node: 'n1',
    tsMs: 1,
    intervalMs,
    source: null,
    driver: 'cgroupfs',
    cgroupVersion: 'v2',
    runtime: null,
    machine: { cpuCores: null, memoryBytes: null },
    totals: { pods: 0, containers: 0, sandboxes: 0, podsCpuCores: null, podsCpuUsageSeconds: null, podsMemoryWorkingSetBytes: null },
    rows: rows.map(([segment, parent, name, kind]) => ({ segment, parent, name, kind, qos: kind === 'qos' ? 'burstable' : null, isReported: kind !== 'unaccounted', pod: -1, container: null })),
    pods: [],
    figures,
    note: null,
  };
}
