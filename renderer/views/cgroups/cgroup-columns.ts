import type { CgroupFigureName } from '../../../preload/contract/index.js';
import type { Column } from '../../lib/components/table-columns.js';
import { formatBytes, formatBytesPerSecond, formatCores, formatCount, formatSeconds, formatShare } from '../../lib/format/units.js';
import { cpuSortValue, pressureOf, sortValue, type CgroupSortKey, type CgroupTreeModel, type VisibleCgroup } from './cgroup-tree.js';

function has(model: CgroupTreeModel, ...names: CgroupFigureName[]): boolean {
  return names.some((name) => model.payload.figures[name].some((value) => value !== null));
}

/**
 * The table's columns, like systemd-cgtop's (Tasks, %CPU, Memory, Input/s, Output/s) plus what a
 * Kubernetes node needs: throttling, OOM events, the memory limit and pressure. Columns whose
 * figure no cgroup reports (tasks and PSI on most kubelets) are left out; absent cells print "—".
 */
export function cgroupColumns(model: CgroupTreeModel): Column<VisibleCgroup>[] {
  const figures = model.payload.figures;
  const value = (key: CgroupSortKey) => (row: VisibleCgroup) => sortValue(model, row.index, key);
  const rates = model.payload.intervalMs !== null;
  const columns: Column<VisibleCgroup>[] = [
    {
      id: 'name',
      label: 'Control group',
      width: 'minmax(200px, 1fr)',
      text: (row) => model.nodes[row.index].row.name,
      sortValue: value('name'),
      title: 'The cgroup tree: kubepods → QoS → pod → containers (the sandbox marked), system.slice, user.slice',
    },
  ];
  if (has(model, 'processes')) {
    columns.push({ id: 'tasks', label: 'Tasks', width: '44px', align: 'right', text: (row) => formatCount(figures.processes[row.index]), sortValue: value('tasks') });
  }
  columns.push(
    {
      id: 'cpu',
      label: rates ? 'CPU' : 'CPU time',
      width: '60px',
      align: 'right',
      title: rates ? 'CPU in cores (CPU-seconds per second) between the last two readings' : 'Cumulative CPU time; cores appear after the second reading',
      text: (row) => (rates ? formatCores(figures.cpuCores[row.index]) : formatSeconds(cpuSortValue(model, row.index))),
      sortValue: value('cpu'),
    },
    {
      id: 'throttled',
      label: 'Thrott.',
      width: '52px',
      align: 'right',
      title: 'Throttled: share of CFS periods in which the cgroup was throttled (only cgroups with a CPU limit)',
      text: (row) => formatShare(figures.throttledShare[row.index]),
      sortValue: value('throttled'),
      cellClass: (row) => ((figures.throttledShare[row.index] ?? 0) >= 0.25 ? 'hot' : ''),
    },
    { id: 'memory', label: 'Memory', width: '76px', align: 'right', title: 'Working set (usage minus inactive file cache)', text: (row) => formatBytes(figures.memoryWorkingSetBytes[row.index]), sortValue: value('memory') },
    { id: 'memoryLimit', label: 'Limit', width: '68px', align: 'right', title: 'Memory limit (memory.max / memory.limit_in_bytes); — when unlimited', text: (row) => formatBytes(figures.memoryLimitBytes[row.index]), sortValue: value('memoryLimit') },
    { id: 'ioRead', label: 'Input/s', width: '74px', align: 'right', title: 'Block-device reads per second', text: (row) => formatBytesPerSecond(figures.ioReadBytesPerSec[row.index]), sortValue: value('ioRead') },
    { id: 'ioWrite', label: 'Output/s', width: '74px', align: 'right', title: 'Block-device writes per second', text: (row) => formatBytesPerSecond(figures.ioWriteBytesPerSec[row.index]), sortValue: value('ioWrite') },
    {
      id: 'oom',
      label: 'OOM',
      width: '36px',
      align: 'right',
      title: 'OOM events since the cgroup was created',
      text: (row) => formatCount(figures.oomEvents[row.index]),
      sortValue: value('oom'),
      cellClass: (row) => ((figures.oomEvents[row.index] ?? 0) > 0 ? 'hot' : ''),
    },
  );
  if (has(model, 'pressureCpuWaitingShare', 'pressureMemoryWaitingShare', 'pressureIoWaitingShare')) {
    columns.push({
      id: 'pressure',
      label: 'PSI',
      width: '52px',
      align: 'right',
      title: 'Pressure: the largest PSI "some" share of CPU, memory and IO (time some tasks waited)',
      text: (row) => formatShare(pressureOf(model, row.index)),
      sortValue: value('pressure'),
    });
  }
  return columns;
}
