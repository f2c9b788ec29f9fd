import { stringify } from 'yaml';

/**
 * The kubeconfig the simulator writes: two clusters (the main one and a small second one, so
 * context switching reaches different data) and a context per authentication method. Credentials
 * are inline (`*-data`) so the file is self-contained; only the exec plugin is a path.
 */

export interface KubeconfigCluster {
  readonly name: string;
  readonly server: string;
}

export interface KubeconfigInput {
  readonly caPem: string;
  readonly main: KubeconfigCluster;
  readonly second: KubeconfigCluster;
  readonly token: { readonly user: string; readonly token: string };
  readonly clientCert: { readonly user: string; readonly certPem: string; readonly keyPem: string };
  readonly exec: { readonly user: string; readonly nodePath: string; readonly pluginPath: string; readonly env: Record<string, string> };
}

/** Context names, in the order the kubeconfig lists them; `token` is the current context. */
export const CONTEXTS = { token: 'token', clientCert: 'client-cert', exec: 'exec', second: 'edge' } as const;

const b64 = (text: string) => Buffer.from(text).toString('base64');

export function kubeconfigYaml(input: KubeconfigInput): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [input.main, input.second].map((c) => ({ name: c.name, cluster: { server: c.server, 'certificate-authority-data': b64(input.caPem) } })),
    users: [
      { name: input.token.user, user: { token: input.token.token } },
      { name: input.clientCert.user, user: { 'client-certificate-data': b64(input.clientCert.certPem), 'client-key-data': b64(input.clientCert.keyPem) } },
      {
        name: input.exec.user,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: input.exec.nodePath,
            args: [input.exec.pluginPath],
            env: Object.entries(input.exec.env).map(([name, value]) => ({ name, value })),
            interactiveMode: 'Never',
            provideClusterInfo: false,
          },
        },
      },
    ],
    contexts: [
      { name: CONTEXTS.token, context: { cluster: input.main.name, user: input.token.user } },
      { name: CONTEXTS.clientCert, context: { cluster: input.main.name, user: input.clientCert.user } },
      { name: CONTEXTS.exec, context: { cluster: input.main.name, user: input.exec.user } },
      { name: CONTEXTS.second, context: { cluster: input.second.name, user: input.token.user } },
    ],
    'current-context': CONTEXTS.token,
  };
  return stringify(config, { lineWidth: 0 });
}
