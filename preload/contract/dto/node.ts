import type { ChartPanel } from './charts.js';
import type { NodeSummary } from './cluster.js';

export interface FilesystemStats {
  device: string;
  mountpoint: string;
  fstype: string;
  sizeBytes: number | null;
  availableBytes: number | null;
  freeBytes: number | null;
  /** Used share of the size as `df` computes it: (size − free) / (size − free + avail). */
  usedShare: number | null;
  files: number | null;
  filesFree: number | null;
  readonly: boolean;
}

export interface DiskStats {
  device: string;
  readBytesPerSec: number | null;
  writeBytesPerSec: number | null;
  readsPerSec: number | null;
  writesPerSec: number | null;
  /** Share of time the device was busy (io_time rate), 0..1. */
  busyShare: number | null;
}

export interface NetworkStats {
  device: string;
  rxBytesPerSec: number | null;
  txBytesPerSec: number | null;
  rxPacketsPerSec: number | null;
  txPacketsPerSec: number | null;
  rxErrorsPerSec: number | null;
  txErrorsPerSec: number | null;
  rxDropsPerSec: number | null;
  txDropsPerSec: number | null;
}

/** Where the node view's figures come from, and how those scrapes are doing. */
export interface NodeSourceStatus {
  source: 'node-exporter' | 'cadvisor';
  targetId: string;
  health: 'unknown' | 'up' | 'down';
  lastError?: string;
  lastScrapeMs?: number;
}

/** The seed's /proc picture of one node, from node-exporter, plus the Node object. */
export interface NodeStats {
  node: string;
  /** Newest node-exporter scrape time, epoch ms; null before the first scrape. */
  tsMs: number | null;
  sources: NodeSourceStatus[];
  /** The Node object as the Cluster view summarises it; absent for "This machine". */
  object?: NodeSummary;
  /** Inferred from the kubelet cAdvisor cgroup ids. */
  cgroupDriver?: 'systemd' | 'cgroupfs' | 'unknown';
  cpu: {
    /** Logical CPUs seen by node-exporter. */
    count: number | null;
    model: string | null;
    /** Cores used per mode (user, system, iowait, steal, …), rate over the last minute. */
    modes: Record<string, number | null>;
    /** Busy share (1 − idle) per CPU, 0..1. */
    perCpu: { cpu: string; busyShare: number | null }[];
    busyShare: number | null;
  };
  /** /proc/meminfo fields in bytes, by their meminfo names (MemTotal, MemAvailable, Cached…). */
  memory: Record<string, number | null>;
  load: { load1: number | null; load5: number | null; load15: number | null };
  uptimeSeconds: number | null;
  uname: { sysname?: string; release?: string; version?: string; machine?: string; nodename?: string };
  os: string | null;
  /** Pressure stall shares (PSI), 0..1, where the kernel reports them. */
  pressure: { cpuWaiting: number | null; memoryWaiting: number | null; memoryStalled: number | null; ioWaiting: number | null; ioStalled: number | null };
  processes: { running: number | null; blocked: number | null; contextSwitchesPerSec: number | null; forksPerSec: number | null };
  filesystems: FilesystemStats[];
  disks: DiskStats[];
  network: NetworkStats[];
  /**
   * Charts over the retained window, in this order: `cpu-modes` (cores per mode, idle left out),
   * `memory` (bytes: used = total − free − buffers − cached, buffers, cached, free), `load`,
   * `network` (bytes/s received and sent over every interface but lo), `disk` (bytes/s read and written).
   */
  charts: ChartPanel[];
}
