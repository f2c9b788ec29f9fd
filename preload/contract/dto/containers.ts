import type { ChartPanel } from './charts.js';

/**
 * One container of a pod, as the Containers view lists it. Usage figures come from the node's
 * kubelet cAdvisor, requests and limits from the pod spec (kube-state-metrics when the pod is not in
 * the cache), restarts and states from the pod status. `null` = not reported, never "zero".
 */
export interface ContainerRow {
  /** `namespace/pod/container`. */
  key: string;
  node: string | null;
  namespace: string;
  pod: string;
  container: string;
  /**
   * `app`; `sidecar`, an init container that keeps running beside the app (restartPolicy: Always);
   * `init`, listed only while it has not completed; null when no pod spec names the container.
   */
  role: 'app' | 'init' | 'sidecar' | null;
  image: string | null;
  /** Controller of the pod, e.g. ReplicaSet web/nginx-7d9 → shown as its Deployment where known. */
  ownerKind: string | null;
  ownerName: string | null;
  qosClass: 'Guaranteed' | 'Burstable' | 'BestEffort' | null;
  state: 'running' | 'waiting' | 'terminated' | 'unknown';
  /** Why waiting or terminated (CrashLoopBackOff, OOMKilled, Completed…). */
  stateReason: string | null;
  restarts: number | null;
  /** Reason of the last termination (OOMKilled is the one to notice). */
  lastTerminationReason: string | null;
  /** Cores used, average over the rate window. */
  cpuCores: number | null;
  cpuRequestCores: number | null;
  /** From the pod spec (kube-state-metrics without one); the cgroup's CFS quota only for pods neither knows. */
  cpuLimitCores: number | null;
  /** Share of CFS periods throttled in the window, 0..1; null without a CPU limit (no CFS quota). */
  throttledShare: number | null;
  memoryWorkingSetBytes: number | null;
  memoryRequestBytes: number | null;
  /** From the pod spec (kube-state-metrics without one); the cgroup's memory limit only for pods neither knows. */
  memoryLimitBytes: number | null;
  /** Cumulative OOM kills in this cgroup (container_oom_events_total). */
  oomEvents: number | null;
  /** The pod's network (its sandbox owns the network namespace): the same for every container of a pod. */
  networkRxBytesPerSec: number | null;
  networkTxBytesPerSec: number | null;
  /** Why network is absent, e.g. "host network" (the sandbox would show the node's interfaces). */
  networkNote: string | null;
  /** Block-device IO of the container's cgroup. */
  fsReadBytesPerSec: number | null;
  fsWriteBytesPerSec: number | null;
  /** Where requests and limits came from. */
  resourcesFrom: 'pod-spec' | 'kube-state-metrics' | null;
  /** False when the kubelet reported no cgroup for it (not started, crash-looping, node not scraped). */
  measured: boolean;
}

export interface ContainersPayload {
  rows: ContainerRow[];
  /** Window the rates are averaged over, ms. */
  windowMs: number;
  /** Newest sample time the figures rest on, epoch ms; null before the first scrape. */
  tsMs: number | null;
  /** Sentences the view shows above the table (nodes not scraped, rows capped…). */
  notes: string[];
}

/** Charts of one container: CPU and memory with request/limit lines, throttling, the pod's network, IO. */
export interface ContainerSeriesPayload {
  namespace: string;
  pod: string;
  container: string;
  node: string | null;
  charts: ChartPanel[];
  note: string | null;
}
