import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, join, resolve as resolvePath, sep } from 'node:path';
import type { ContextSummary } from '../../preload/contract/index.js';
import { AppError } from '../util/app-error.js';
import { authKindOf, createCredentials, type CredentialOptions, type Credentials } from './credentials.js';
import { parseKubeconfig, type ClusterEntry, type ContextEntry, type KubeconfigProblem, type UserEntry } from './parse.js';

export { watchKubeconfig } from './watch.js';
export type { KubeconfigProblem } from './parse.js';

/**
 * Loads kubeconfig files with kubectl's merge rules (client-go `ClientConfigLoadingRules.Load`, and
 * the kubectl docs "Organizing Cluster Access Using kubeconfig Files"): the first file that sets a
 * value or a map key wins and later files never change it, even partly (a `red-user` in the second
 * file is ignored entirely when the first has one); `current-context` comes from the first file that
 * sets it; duplicate names across files are normal, not errors (client-node throws on them). Unlike
 * kubectl, one broken file does not stop the others: it is reported by path and line.
 */

/** The files kubectl would read: `$KUBECONFIG` (split, empty entries dropped, de-duplicated) or `~/.kube/config`. */
export function defaultKubeconfigPaths(env: NodeJS.ProcessEnv, home: string): string[] {
  const list = env.KUBECONFIG;
  if (list) {
    const paths = [...new Set(list.split(delimiter).filter((entry) => entry !== ''))];
    if (paths.length > 0) return paths.map((path) => resolvePath(path));
  }
  return [join(home, '.kube', 'config')];
}

/** The merged view: one entry per name, each remembering the file and line it came from. Holds secrets. */
export interface MergedKubeconfig {
  clusters: ReadonlyMap<string, ClusterEntry>;
  users: ReadonlyMap<string, UserEntry>;
  contexts: ReadonlyMap<string, ContextEntry>;
  currentContext?: string;
}

/** A context ready to connect: where, how to check the server, and who to be. */
export interface ResolvedContext {
  name: string;
  clusterName: string;
  userName: string;
  /** Apiserver URL without a trailing slash, e.g. `https://127.0.0.1:6443`. */
  server: string;
  /** The context's namespace, `default` when unset (as kubectl). */
  namespace: string;
  tls: {
    /** CA bundle from `certificate-authority-data` or the `certificate-authority` file; absent means Node's roots. */
    ca?: Buffer;
    /** Where the CA came from, for TLS error messages. */
    caSource?: string;
    /** `tls-server-name`: the name to verify instead of the URL's host. */
    serverName?: string;
    insecureSkipTlsVerify: boolean;
  };
  proxyUrl?: string;
  disableCompression: boolean;
  credentials: Credentials;
  /** The file that defined the context. */
  kubeconfigPath: string;
  /** Absolute paths of other files this context reads (CA, client cert/key, token file, exec command). */
  fileReferences: string[];
  summary: ContextSummary;
}

export interface KubeconfigSet {
  /** The files that were considered, absolute, in precedence order. */
  readonly paths: readonly string[];
  /** The files that were read and parsed (possibly with entry problems); a subset of `paths`. */
  readonly loadedPaths: readonly string[];
  /** Every context, sorted by name, with no secrets (safe to send to the renderer). */
  readonly contexts: readonly ContextSummary[];
  readonly currentContext?: string;
  /** Everything wrong, per file and line; loading continued past each. */
  readonly problems: readonly KubeconfigProblem[];
  /** The merged entries, for the core; never send these to the renderer. */
  readonly merged: MergedKubeconfig;
  /**
   * Everything needed to connect to `contextName` (default: the current context). Reads the CA file
   * now; client certificates, token files and exec plugins are read or run on first `authorize()`.
   * Throws `AppError` when the context does not exist or is incomplete.
   */
  resolve(contextName?: string): ResolvedContext;
  /**
   * The files `contextName` would read that lie outside `kubeDir` (~/.kube): the certificate
   * authority, client certificate and key, token file — not the exec command, which has its own
   * consent. Reads nothing; null when there are none or the context does not resolve (resolve
   * then says why).
   */
  filesOutside(contextName: string | undefined, kubeDir: string): FilesToRead | null;
}

/** Files a context names outside ~/.kube, for the consent view (SEC-13). */
export interface FilesToRead {
  contextName: string;
  kubeconfigPath: string;
  server: string;
  files: string[];
}

export interface LoadOptions {
  /** For credentials: consent store, kuberc policy, log, env, exec limits. */
  credentials?: CredentialOptions;
  /** Missing files are reported (true for `--kubeconfig`); `$KUBECONFIG` entries that do not exist are skipped, as kubectl does. */
  reportMissing?: boolean;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/**
 * Reads and merges kubeconfig files. `paths` are explicit files (`--kubeconfig`, repeatable);
 * without them, `$KUBECONFIG` or `~/.kube/config`. Never throws for file problems.
 */
export function loadKubeconfig(paths?: readonly string[], options: LoadOptions = {}): KubeconfigSet {
  const env = options.env ?? process.env;
  const explicit = paths !== undefined && paths.length > 0;
  const files = explicit ? [...new Set(paths.map((path) => resolvePath(path)))] : defaultKubeconfigPaths(env, options.home ?? homedir());
  const reportMissing = options.reportMissing ?? explicit;
  const problems: KubeconfigProblem[] = [];
  const clusters = new Map<string, ClusterEntry>();
  const users = new Map<string, UserEntry>();
  const contexts = new Map<string, ContextEntry>();
  let currentContext: string | undefined;
  let found = 0;
  const loadedPaths: string[] = [];

  for (const path of files) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !reportMissing) continue;
      problems.push({ path, message: code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? 'error'})` });
      continue;
    }
    found += 1;
    const parsed = parseKubeconfig(text, path);
    problems.push(...parsed.problems);
    if (parsed.loaded) loadedPaths.push(path);
    // First file wins per name; within a file the parser already kept the first.
    for (const entry of parsed.clusters) if (!clusters.has(entry.name)) clusters.set(entry.name, entry);
    for (const entry of parsed.users) if (!users.has(entry.name)) users.set(entry.name, entry);
    for (const entry of parsed.contexts) if (!contexts.has(entry.name)) contexts.set(entry.name, entry);
    currentContext ??= parsed.currentContext;
  }
  if (found === 0 && !explicit && problems.length === 0) {
    problems.push({ path: files[0], message: 'no kubeconfig found; set KUBECONFIG or create ~/.kube/config' });
  }
  if (currentContext !== undefined && !contexts.has(currentContext)) {
    problems.push({ path: files.find((path) => existsSync(path)) ?? files[0], message: `current-context "${currentContext}" is not defined in any kubeconfig file` });
  }

  const merged: MergedKubeconfig = { clusters, users, contexts, currentContext };
  const summaries = [...contexts.values()].map((context) => summarise(context, merged)).sort((a, b) => a.name.localeCompare(b.name));

  return {
    paths: files,
    loadedPaths,
    contexts: summaries,
    currentContext,
    problems,
    merged,
    resolve: (contextName) => resolveContext(merged, contextName ?? currentContext, options.credentials ?? {}),
    filesOutside: (contextName, kubeDir) => filesOutside(merged, contextName ?? currentContext, kubeDir),
  };
}

function filesOutside(merged: MergedKubeconfig, contextName: string | undefined, kubeDir: string): FilesToRead | null {
  const context = contextName ? merged.contexts.get(contextName) : undefined;
  const cluster = context ? merged.clusters.get(context.cluster) : undefined;
  if (!context || !cluster) return null;
  const user = context.user ? merged.users.get(context.user) : undefined;
  // Paths are absolute already (the parser resolves them against their kubeconfig's folder); the
  // CA file and client certificate and key are read only without their inline data; a token file
  // always (it wins over an inline token, as in kubectl).
  const named = [cluster.certificateAuthorityData ? undefined : cluster.certificateAuthority, user?.clientCertificateData ? undefined : user?.clientCertificate, user?.clientKeyData ? undefined : user?.clientKey, user?.tokenFile];
  const inside = resolvePath(kubeDir) + sep;
  const files = [...new Set(named.filter((path): path is string => Boolean(path) && !resolvePath(path!).startsWith(inside)))];
  return files.length === 0 ? null : { contextName: context.name, kubeconfigPath: context.sourcePath, server: cluster.server ?? '', files };
}

function summarise(context: ContextEntry, merged: MergedKubeconfig): ContextSummary {
  const cluster = merged.clusters.get(context.cluster);
  const user = merged.users.get(context.user);
  const summary: ContextSummary = {
    name: context.name,
    cluster: context.cluster,
    server: cluster?.server ?? '',
    user: context.user,
    authKind: authKindOf(user),
    sourcePath: context.sourcePath,
    isCurrent: context.name === merged.currentContext,
    insecureSkipTlsVerify: cluster?.insecureSkipTlsVerify ?? false,
  };
  if (context.namespace) summary.namespace = context.namespace;
  if (user?.exec) summary.execCommand = basename(user.exec.command);
  return summary;
}

function resolveContext(merged: MergedKubeconfig, contextName: string | undefined, credentialOptions: CredentialOptions): ResolvedContext {
  if (!contextName) {
    throw new AppError('not-found', 'No context is selected: the kubeconfig has no current-context.', { hint: 'Choose a context, or pass --context NAME.' });
  }
  const context = merged.contexts.get(contextName);
  if (!context) {
    const known = [...merged.contexts.keys()].sort();
    throw new AppError('not-found', `There is no context "${contextName}" in the kubeconfig.`, { hint: known.length ? `Known contexts: ${known.join(', ')}.` : 'The kubeconfig defines no contexts.' });
  }
  const cluster = merged.clusters.get(context.cluster);
  if (!cluster) {
    throw new AppError('bad-request', `Context "${contextName}" refers to cluster "${context.cluster}", which no kubeconfig file defines.`, { hint: `Fix ${context.sourcePath}${context.line ? `:${context.line}` : ''}.` });
  }
  if (!cluster.server) {
    throw new AppError('bad-request', `Cluster "${cluster.name}" has no server URL.`, { hint: `Fix ${cluster.sourcePath}${cluster.line ? `:${cluster.line}` : ''}.` });
  }
  let serverUrl: URL;
  try {
    serverUrl = new URL(cluster.server);
  } catch {
    throw new AppError('bad-request', `Cluster "${cluster.name}" has a server that is not a URL: "${cluster.server}".`, { hint: `Fix ${cluster.sourcePath}${cluster.line ? `:${cluster.line}` : ''}.` });
  }
  if (serverUrl.protocol !== 'https:' && serverUrl.protocol !== 'http:') {
    throw new AppError('bad-request', `Cluster "${cluster.name}" has a server URL with scheme ${serverUrl.protocol}; only https: and http: work.`);
  }
  const user = context.user ? merged.users.get(context.user) : undefined;
  if (context.user && !user) {
    throw new AppError('bad-request', `Context "${contextName}" refers to user "${context.user}", which no kubeconfig file defines.`, { hint: `Fix ${context.sourcePath}${context.line ? `:${context.line}` : ''}.` });
  }

  let ca = cluster.certificateAuthorityData;
  let caSource = ca ? `certificate-authority-data of cluster "${cluster.name}"` : undefined;
  if (!ca && cluster.certificateAuthority) {
    try {
      ca = readFileSync(cluster.certificateAuthority);
      caSource = cluster.certificateAuthority;
    } catch (error) {
      throw new AppError('not-found', `Cannot read certificate-authority ${cluster.certificateAuthority} of cluster "${cluster.name}" (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, { hint: `Fix the path in ${cluster.sourcePath}.` });
    }
  }

  const fileReferences = [cluster.certificateAuthority, user?.clientCertificate, user?.clientKey, user?.tokenFile, user?.exec?.command.includes('/') ? user.exec.command : undefined].filter((path): path is string => Boolean(path));
  const summary = summarise(context, merged);
  const credentials = createCredentials(user, { contextName, server: cluster.server, cluster, caData: ca }, credentialOptions);
  const resolved: ResolvedContext = {
    name: contextName,
    clusterName: cluster.name,
    userName: context.user,
    server: cluster.server,
    namespace: context.namespace || 'default',
    tls: { insecureSkipTlsVerify: cluster.insecureSkipTlsVerify },
    disableCompression: cluster.disableCompression,
    credentials,
    kubeconfigPath: context.sourcePath,
    fileReferences,
    summary,
  };
  if (ca) resolved.tls.ca = ca;
  if (caSource) resolved.tls.caSource = caSource;
  if (cluster.tlsServerName) resolved.tls.serverName = cluster.tlsServerName;
  if (cluster.proxyUrl) resolved.proxyUrl = cluster.proxyUrl;
  return resolved;
}
