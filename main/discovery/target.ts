import { createHash } from 'node:crypto';

/**
 * What discovery reads and what it produces. The object shapes are the few fields of the Kubernetes
 * JSON that discovery uses, all optional the way they are on the wire, so apiserver JSON, the watch
 * cache's trimmed objects and YAML fixtures fit without casts.
 */

export interface ObjectMetaLike {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string; controller?: boolean }[];
}

export interface NodeLike {
  metadata: ObjectMetaLike;
  spec?: { providerID?: string };
  status?: { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
}

export interface ContainerPortLike {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface ContainerLike {
  name: string;
  image?: string;
  ports?: ContainerPortLike[];
}

export interface PodLike {
  metadata: ObjectMetaLike;
  spec?: { nodeName?: string; containers?: ContainerLike[]; initContainers?: ContainerLike[] };
  status?: {
    phase?: string;
    podIP?: string;
    hostIP?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { name: string; containerID?: string }[];
    initContainerStatuses?: { name: string; containerID?: string }[];
  };
}

export interface ServicePortLike {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
}

export interface ServiceLike {
  metadata: ObjectMetaLike;
  spec?: { type?: string; clusterIP?: string; externalName?: string; loadBalancerIP?: string; ports?: ServicePortLike[]; selector?: Record<string, string> };
}

export interface EndpointAddressLike {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string };
}

export interface EndpointsLike {
  metadata: ObjectMetaLike;
  subsets?: { addresses?: EndpointAddressLike[]; notReadyAddresses?: EndpointAddressLike[]; ports?: { name?: string; port: number; protocol?: string }[] }[];
}

export interface EndpointSliceLike {
  metadata: ObjectMetaLike;
  addressType?: string;
  endpoints?: {
    addresses: string[];
    conditions?: { ready?: boolean | null };
    hostname?: string;
    nodeName?: string;
    targetRef?: { kind?: string; name?: string; namespace?: string };
    /** discovery.k8s.io/v1beta1 only; `kubernetes.io/hostname` is the node. */
    topology?: Record<string, string>;
  }[];
  ports?: { name?: string; port?: number; protocol?: string }[] | null;
}

/** The objects discovery works from: one consistent snapshot of the watch cache. */
export interface ClusterObjects {
  nodes: readonly NodeLike[];
  pods: readonly PodLike[];
  services: readonly ServiceLike[];
  /** Used only when `endpoints` is absent (clusters where Endpoints are not served or not allowed). */
  endpointSlices?: readonly EndpointSliceLike[];
  endpoints?: readonly EndpointsLike[];
}

export type TargetRole = 'node' | 'pod' | 'service' | 'endpoints';

export type TargetSource = 'cadvisor' | 'kubelet' | 'node-exporter' | 'kube-state-metrics' | 'prometheus' | 'pushgateway' | 'application' | 'apiserver';

/**
 * How the transport layer reaches a target: a node through the apiserver node proxy, a pod (port-
 * forward or pod proxy), or a service. Targets with source `apiserver` name the default/kubernetes
 * service; from outside the cluster they are read from the apiserver itself (GET /metrics).
 */
export type TargetEndpoint =
  | { kind: 'node'; node: string }
  | { kind: 'pod'; namespace: string; pod: string; port: number; portName?: string }
  | { kind: 'service'; namespace: string; service: string; port: number };

/** One scrape target, with how it was found and Prometheus-compatible labels. */
export interface DiscoveredTarget {
  /** Stable across discoveries while job, address and path stay the same (scrape loops key on it). */
  id: string;
  job: string;
  role: TargetRole;
  source: TargetSource;
  /** Why it is a target and what it is, in words: "annotation prometheus.io/scrape=true on service web/api; kube-state-metrics by container image …". */
  reason: string;
  /** `__address__` after relabeling (`10.244.0.7:8080`; the apiserver for node targets; `blackbox` for probes). */
  address: string;
  scheme: 'http' | 'https';
  /**
   * Path on the target itself. For node targets this is the kubelet path (`/metrics/cadvisor`) and
   * `endpoint` says to go through the apiserver node proxy; the chart's labels carry the proxy path.
   */
  path: string;
  /** URL query parameters (`prometheus.io/param_*`, the blackbox `module`). */
  params: Record<string, string>;
  endpoint: TargetEndpoint;
  /** The node this target describes (kubelet, cAdvisor, node-exporter), when it describes one. */
  nodeName?: string;
  /** Labels before relabeling, exactly as Prometheus shows them under "Service Discovery". */
  discoveredLabels: Record<string, string>;
  /** Target labels after the job's relabeling (job, instance, namespace, pod, node, service, …). */
  labels: Record<string, string>;
  /** From `prometheus.io/scrape-slow`: the chart scrapes these every 5 min with a 30 s timeout. */
  slow: boolean;
}

/** Stable id: a short hash of job, address and path. */
export function targetId(job: string, address: string, path: string): string {
  return createHash('sha256').update(`${job}\0${address}\0${path}`).digest('hex').slice(0, 16);
}
