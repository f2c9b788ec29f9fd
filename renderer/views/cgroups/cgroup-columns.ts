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
/** Which optional columns a tree has; the column list changes only when this does. */
export function columnSet(model: CgroupTreeModel): string {
  return [model.payload.intervalMs !== null ? 'rates' : 'cumulative', has(model, 'processes') ? 'tasks' : '', has(model, 'pressureCpuWaitingShare', 'pressureMemoryWaitingShare', 'pressureIoWaitingShare') ? 'psi' : ''].join(' ');
}

/**
 * The columns for a `columnSet`. Cells read the current tree through `current`, so one column list
 * serves every update (a new list per update made every line rebuild its cells).
 */
export function cgroupColumns(current: () => CgroupTreeModel, set: string): Column<VisibleCgroup>[] {
  const flags = new Set(set.split(' '));
  const figure = (name: CgroupFigureName, row: VisibleCgroup) => current().payload.figures[name][row.index] ?? null;
  const value = (key: CgroupSortKey) => (row: VisibleCgroup) => sortValue(current(), row.index, key);
  const rates = flags.has('rates');
  const columns: Column<VisibleCgroup>[] = [
    {
      id: 'name',
      label: 'Control group',
      width: 'minmax(200px, 1fr)',
      text: (row) => current().nodes[row.index].row.name,
      sortValue: value('name'),
      title: 'The cgroup tree: kubepods → QoS → pod → containers (the sandbox marked), system.slice, user.slice',
    },
  ];
  if (flags.has('tasks')) {
    columns.push({ id: 'tasks', label: 'Tasks', width: '44px', align: 'right', text: (row) => formatCount(figure('processes', row)), sortValue: value('tasks') });
  }
  columns.push(
    {
      id: 'cpu',
      label: rates ? 'CPU' : 'CPU time',
      width: '68px',
      align: 'right',
      title: rates ? 'CPU in cores (CPU-seconds per second) between the last two readings' : 'Cumulative CPU time; cores appear after the second reading',
      text: (row) => (rates ? formatCores(figure('cpuCores', row)) : formatSeconds(cpuSortValue(current(), row.index))),
      sortValue: value('cpu'),
    },
    {
      id: 'throttled',
      label: 'Thrott.',
      width: '52px',
      align: 'right',
      title: 'Throttled: share of CFS periods in which the cgroup was throttled (only cgroups with a CPU limit)',
      text: (row) => formatShare(figure('throttledShare', row)),
      sortValue: value('throttled'),
      cellClass: (row) => ((figure('throttledShare', row) ?? 0) >= 0.25 ? 'hot' : ''),
    },
    { id: 'memory', label: 'Memory', width: '76px', align: 'right', title: 'Working set (usage minus inactive file cache)', text: (row) => formatBytes(figure('memoryWorkingSetBytes', row)), sortValue: value('memory') },
    { id: 'memoryLimit', label: 'Limit', width: '68px', align: 'right', title: 'Memory limit (memory.max / memory.limit_in_bytes); — when unlimited', text: (row) => formatBytes(figure('memoryLimitBytes', row)), sortValue: value('memoryLimit') },
    { id: 'ioRead', label: 'Input/s', width: '74px', align: 'right', title: 'Block-device reads per second', text: (row) => formatBytesPerSecond(figure('ioReadBytesPerSec', row)), sortValue: value('ioRead') },
    { id: 'ioWrite', label: 'Output/s', width: '74px', align: 'right', title: 'Block-device writes per second', text: (row) => formatBytesPerSecond(figure('ioWriteBytesPerSec', row)), sortValue: value('ioWrite') },
    {
      id: 'oom',
      label: 'OOM',
      width: '36px',
      align: 'right',
      title: 'OOM events since the cgroup was created',
      text: (row) => formatCount(figure('oomEvents', row)),
      sortValue: value('oom'),
      cellClass: (row) => ((figure('oomEvents', row) ?? 0) > 0 ? 'hot' : ''),
    },
  );
  if (flags.has('psi')) {
    columns.push({
      id: 'pressure',
      label: 'PSI',
      width: '52px',
      align: 'right',
      title: 'Pressure: the largest PSI "some" share of CPU, memory and IO (time some tasks waited)',
      text: (row) => formatShare(pressureOf(current(), row.index)),
      sortValue: value('pressure'),
    });
  }
  return columns;
}
