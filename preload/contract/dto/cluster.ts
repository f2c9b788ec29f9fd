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
  context?: string;
  /** One sentence the UI can show as is. */
  message?: string;
  /** Epoch ms of the last change. */
  sinceMs: number;
}
