/** Pods of a workload counted by phase. */
export interface PodPhaseCounts {
  running: number;
  pending: number;
  succeeded: number;
  failed: number;
  unknown: number;
}

/**
 * A Deployment, DaemonSet or StatefulSet with its replica figures (kube-state-metrics when it is
 * scraped, otherwise the apps/v1 object), pods by phase, restarts, and requests/limits against the
 * live usage summed over its pods. `null` = not reported.
 */
export interface WorkloadRow {
  /** `Kind/namespace/name`. */
  key: string;
  kind: 'Deployment' | 'DaemonSet' | 'StatefulSet';
  namespace: string;
  name: string;
  /** Where the replica figures came from. */
  from: 'kube-state-metrics' | 'api';
  /** spec.replicas (DaemonSet: desiredNumberScheduled). */
  desired: number | null;
  /** status.replicas (DaemonSet: currentNumberScheduled). */
  current: number | null;
  ready: number | null;
  available: number | null;
  updated: number | null;
  unavailable: number | null;
  pods: PodPhaseCounts;
  restarts: number | null;
  cpuRequestCores: number | null;
  cpuLimitCores: number | null;
  cpuUsedCores: number | null;
  memoryRequestBytes: number | null;
  memoryLimitBytes: number | null;
  memoryWorkingSetBytes: number | null;
  images: string[];
  createdMs: number | null;
}

/** A node's conditions (Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable…). */
export interface NodeConditionsRow {
  node: string;
  ready: boolean | null;
  unschedulable: boolean | null;
  conditions: { type: string; status: 'True' | 'False' | 'Unknown' }[];
  from: 'kube-state-metrics' | 'api';
}

export interface WorkloadsPayload {
  /** kube-state-metrics when a KSM target answers, else the cached API objects. */
  source: 'kube-state-metrics' | 'api';
  /** Shown above the table, e.g. "from the API (no kube-state-metrics)". */
  note: string | null;
  workloads: WorkloadRow[];
  nodes: NodeConditionsRow[];
  /** Time of the KSM scrape the figures come from, or of the computation for API figures. */
  tsMs: number | null;
}
