import type { ChartPanel } from './charts.js';

/** What a cgroup is (main/model/cgroup/tree.ts); `unaccounted` rows hold what a parent uses beyond its children. */
export type CgroupKind = 'root' | 'slice' | 'qos' | 'pod' | 'container' | 'sandbox' | 'service' | 'scope' | 'other' | 'unaccounted';

export type CgroupQos = 'guaranteed' | 'burstable' | 'besteffort';

/** The pod a cgroup belongs to (pod cgroups, their containers and sandbox). Shared by index, never repeated per row. */
export interface CgroupPod {
  uid: string;
  name: string | null;
  namespace: string | null;
  /** The pod's controller from its ownerReferences (ReplicaSet, DaemonSet, Node…), when the cluster cache knows the pod. */
  owner: { kind: string; name: string } | null;
}

/**
 * A container (or sandbox) cgroup. Its 64-hex id is not repeated here: it is the 64-hex part of
 * the row's segment (`cri-containerd-<id>.scope`, `docker-<id>.scope`, `crio-<id>`, a bare `<id>`),
 * the same match cAdvisor makes.
 */
export interface CgroupContainer {
  name: string | null;
  image: string | null;
  runtime: 'containerd' | 'crio' | 'docker' | 'unknown';
}

/**
 * One cgroup of the tree. Rows are in depth-first order (a parent before its children), so the
 * tree is rebuilt from `parent` alone; the path is the parent's path + `/` + `segment` (the root's
 * path is `/`). Long paths are not sent: at 1,000 cgroups per second they would be most of the bytes.
 */
export interface CgroupRow {
  /** Last component of the cgroup id as cAdvisor spells it (`kubepods-burstable.slice`); `/` for the root; `#unaccounted` for unaccounted rows. */
  segment: string;
  /** Index of the parent row in `rows`; -1 for the root. */
  parent: number;
  /** What to show: unit name with systemd escapes undone, `namespace/pod`, container name, `sandbox`, `(unaccounted)`. */
  name: string;
  kind: CgroupKind;
  qos: CgroupQos | null;
  /** False for levels the source did not list (added because they hold listed children) and for unaccounted rows. */
  isReported: boolean;
  /** Index into `CgroupStructure.pods`; -1 when the cgroup belongs to no pod. */
  pod: number;
  container: CgroupContainer | null;
}

/** The shape of a node's tree: its cgroups and the pods they belong to. */
export interface CgroupStructure {
  rows: CgroupRow[];
  pods: CgroupPod[];
}

/**
 * Figures per row, columnar: `figures[name][i]` belongs to `rows[i]`. `null` = not reported (or a
 * rate before the second reading); hierarchical like the kernel's counters (a parent includes its children).
 */
export type CgroupFigureName =
  | 'cpuCores'
  | 'cpuUsageSeconds'
  | 'cpuLimitCores'
  | 'throttledShare'
  | 'memoryWorkingSetBytes'
  | 'memoryLimitBytes'
  | 'ioReadBytesPerSec'
  | 'ioWriteBytesPerSec'
  | 'networkRxBytesPerSec'
  | 'networkTxBytesPerSec'
  | 'oomEvents'
  | 'processes'
  | 'pressureCpuWaitingShare'
  | 'pressureMemoryWaitingShare'
  | 'pressureIoWaitingShare';

/** `cgroups.tree {node}`: one node's cgroup tree with figures, after each scrape of its cAdvisor (or this machine's cgroups). */
export interface CgroupTreePayload {
  node: string;
  /** Time of the newest reading, epoch ms; null before the first scrape. */
  tsMs: number | null;
  /** Time between the two readings the rates come from, ms; null with one reading. */
  intervalMs: number | null;
  /** The scrape target the tree comes from and how it is doing; null when the node has none. */
  source: { targetId: string; health: 'unknown' | 'up' | 'down'; lastError: string | null } | null;
  driver: 'systemd' | 'cgroupfs' | 'unknown';
  /** This machine: from the mounts (`hybrid` = v1 controllers plus a cgroup2 mount). A cluster node: inferred from what cAdvisor reports (PSI exists only on v2); null when it cannot be told. */
  cgroupVersion: 'v1' | 'v2' | 'hybrid' | null;
  /** Container runtime, as the Node object reports it (`containerd://2.2.1`) or as the container cgroups are named. */
  runtime: string | null;
  machine: { cpuCores: number | null; memoryBytes: number | null };
  /** Each pod counted once, through its pod cgroup (never pod + sandbox + containers). */
  totals: {
    pods: number;
    containers: number;
    sandboxes: number;
    podsCpuCores: number | null;
    podsCpuUsageSeconds: number | null;
    podsMemoryWorkingSetBytes: number | null;
  };
  /**
   * Identifies `structure` (a hash of rows and pods): equal ids, equal structure. The structure of
   * a node changes when pods come and go, its figures at every scrape.
   */
  structureId: string;
  /**
   * The rows and pods; null when they are those of the previous payload of this subscription (same
   * `structureId`), so a 1,000-cgroup node costs its figures per second, not its names. A
   * subscriber that finds a null structure with an id it does not hold (a payload dropped under
   * backpressure) subscribes again: the first payload of a subscription always carries it.
   */
  structure: CgroupStructure | null;
  /** Columns aligned with `structure.rows`. */
  figures: Record<CgroupFigureName, (number | null)[]>;
  /** Why the tree is empty or partial, in words a user can act on; null when all is well. */
  note: string | null;
}

/** `cgroup.series {node, path}`: charts of one cgroup over the store's window. */
export interface CgroupSeriesPayload {
  node: string;
  path: string;
  /** Display name and kind of the cgroup, null when the path is not (or no longer) in the node's tree. */
  name: string | null;
  kind: CgroupKind | null;
  /**
   * CPU (user/system cores with the limit), memory (working set, RSS, cache with the limit),
   * throttled share, network (a pod's and its containers' from the sandbox), block IO.
   */
  panels: ChartPanel[];
  note: string | null;
}
