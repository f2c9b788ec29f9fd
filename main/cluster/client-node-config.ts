import { KubeConfig } from '@kubernetes/client-node';
import type { ResolvedContext } from '../kubeconfig/load.js';

/**
 * A client-node `KubeConfig` for one resolved context, carrying the credentials as they are right
 * now (token, client certificate, basic auth), for client-node features Slicewise does not
 * reimplement: `PortForward` and other WebSocket subresources. It bypasses client-node's own
 * kubeconfig loading and exec handling (protocols.md §1.3–1.4: different merge rules, no
 * KUBERNETES_EXEC_INFO, no 401 refresh).
 *
 * The token inside goes stale with the credentials: build a fresh one for each new connection, and
 * after a 401 call `context.credentials.invalidate()` first. client-node 1.4 refuses `http://`
 * servers unless `skipTLSVerify` is set, so for them the flag is set (there is no TLS to verify).
 */
export async function toClientNodeConfig(context: ResolvedContext): Promise<KubeConfig> {
  const secure = context.server.startsWith('https:');
  const material = secure ? await context.credentials.authorize() : { headers: {} as Record<string, string> };
  const authorization = material.headers.Authorization ?? '';
  const user: Record<string, string> = { name: context.userName || 'user' };
  if (authorization.startsWith('Bearer ')) user.token = authorization.slice('Bearer '.length);
  if (authorization.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    user.username = decoded.slice(0, colon);
    user.password = decoded.slice(colon + 1);
  }
  if (material.cert && material.key) {
    user.certData = material.cert.toString('base64');
    user.keyData = material.key.toString('base64');
  }
  if (material.headers['Impersonate-User']) user.impersonateUser = material.headers['Impersonate-User'];
  const cluster: Record<string, unknown> = {
    name: context.clusterName || 'cluster',
    server: context.server,
    skipTLSVerify: context.tls.insecureSkipTlsVerify || !secure,
  };
  if (context.tls.ca) cluster.caData = context.tls.ca.toString('base64');
  if (context.tls.serverName) cluster.tlsServerName = context.tls.serverName;
  if (context.proxyUrl) cluster.proxyUrl = context.proxyUrl;
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [{ name: context.name, cluster: cluster.name, user: user.name, namespace: context.namespace }],
    currentContext: context.name,
  });
  return config;
}
