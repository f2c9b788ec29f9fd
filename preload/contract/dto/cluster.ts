/** How a kubeconfig user authenticates; the credential itself never crosses the contract. */
export type AuthKind = 'token' | 'token-file' | 'client-cert' | 'basic' | 'exec' | 'auth-provider' | 'none';

/** One kubeconfig context as the UI sees it: names and kinds only, no secrets. */
export interface ContextSummary {
  name: string;
  cluster: string;
  /** Apiserver origin, e.g. `https://127.0.0.1:6443`. */
  server: string;
  user: string;
  namespace?: string;
  authKind: AuthKind;
  /** For exec users, the basename of the plugin command, e.g. `aws`. */
  execCommand?: string;
  /** Absolute path of the kubeconfig file that defined the context. */
  sourcePath: string;
  isCurrent: boolean;
  insecureSkipTlsVerify: boolean;
}

export type SessionState = 'idle' | 'connecting' | 'ready' | 'degraded' | 'error';

/** The state of the connection to the selected context, pushed whenever it changes. */
export interface SessionStatus {
  state: SessionState;
  /** A kubeconfig context, or the local machine. */
  kind?: 'cluster' | 'local';
  context?: string;
  /** Namespace filter of the views; null or absent means all namespaces. */
  namespace?: string | null;
  /** Namespaces that have pods in the cache, for the namespace picker. */
  namespaces?: string[];
  /** Per-resource watch state while connected. */
  resources?: ResourceStatus[];
  /** One sentence the UI can show as is. */
  message?: string;
  /** Epoch ms of the last change. */
  sinceMs: number;
}

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** One node as the Cluster view lists it; usage figures are null until its cAdvisor was scraped. */
export interface NodeSummary {
  name: string;
  roles: string[];
  /** null when the Ready condition is missing or Unknown. */
  ready: boolean | null;
  unschedulable: boolean;
  kubeletVersion: string;
  containerRuntime: string;
  osImage: string;
  kernelVersion: string;
  architecture: string;
  internalIp?: string;
  cpuCapacityCores: number | null;
  memoryCapacityBytes: number | null;
  cpuAllocatableCores: number | null;
  memoryAllocatableBytes: number | null;
  podCount: number;
  conditions: NodeCondition[];
  createdMs: number | null;
  /** Current CPU use of the node's root cgroup, from kubelet cAdvisor. */
  cpuUsedCores: number | null;
  memoryWorkingSetBytes: number | null;
}

/** State of one watched resource in the session's cache. */
export interface ResourceStatus {
  resource: string;
  state: 'starting' | 'listing' | 'watching' | 'backoff' | 'forbidden' | 'stopped';
  synced: boolean;
  objectCount: number;
  note?: string;
  lastError?: string;
}

/**
 * A permission the user is asked for before connecting (security.md §3): an exec credential plugin
 * to run (SEC-12), or files the kubeconfig names outside ~/.kube to read (SEC-13).
 */
export interface ExecConsentRequest {
  id: string;
  kind: 'exec' | 'files';
  /** For `files`: the absolute paths that would be read; empty for `exec`. */
  files: string[];
  contextName: string;
  kubeconfigPath: string;
  /** Absolute path of the command as it will be run (empty for `files`). */
  command: string;
  args: string[];
  /** Names only; values are never shown or sent. */
  envNames: string[];
  server: string;
}
