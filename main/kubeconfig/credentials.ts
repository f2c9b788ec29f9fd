import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AuthKind } from '../../preload/contract/index.js';
import { AppError } from '../util/app-error.js';
import { nullSink, Logger } from '../util/log.js';
import { describeCommand, type ExecConsent } from './exec-consent.js';
import { EXEC_API_VERSIONS, lookPath, runExecPlugin, type ExecClusterInfo } from './exec-plugin.js';
import { ALLOW_ALL, checkPluginPolicy, type PluginPolicy } from './kuberc.js';
import type { ClusterEntry, UserEntry } from './parse.js';

/**
 * Credentials of one kubeconfig user. Secrets stay inside these objects: callers get request headers
 * and TLS client material at the moment they need them, and nothing here has a `toJSON` that would
 * print them.
 */

/** What one request needs to authenticate. Holds secrets: pass it to the socket, never to a log. */
export interface AuthMaterial {
  headers: Record<string, string>;
  /** PEM client certificate and key, for mutual TLS. */
  cert?: Buffer;
  key?: Buffer;
}

/** A kubeconfig user's way of authenticating, with its secrets kept inside. */
export interface Credentials {
  readonly kind: AuthKind;
  readonly userName: string;
  /**
   * Headers and client certificate for the next request. Concurrent calls share one refresh
   * (single-flight); exec credentials are refreshed ahead of expiry (60 s, or a fifth of a short
   * lifetime).
   */
  authorize(): Promise<AuthMaterial>;
  /**
   * Called after a 401 with the material that was rejected. Drops it if it is still the current one
   * and says whether asking again can give different credentials (exec, token file), i.e. whether a
   * retry is worth it.
   */
  invalidate(used?: AuthMaterial): boolean;
  /** One sentence for a 401: how this user gets fresh credentials. */
  readonly reloginHint: string;
}

export interface CredentialOptions {
  consent?: ExecConsent;
  policy?: PluginPolicy;
  log?: Logger;
  /** Environment for PATH lookup and for the plugin; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  execTimeoutMs?: number;
  execOutputLimitBytes?: number;
  now?: () => number;
}

/** What the exec plugin may learn about the cluster and context, and what consent shows. */
export interface CredentialTarget {
  contextName: string;
  server: string;
  cluster?: ClusterEntry;
  /** CA bytes actually used for the cluster (file or data), for `provideClusterInfo`. */
  caData?: Buffer;
}

/** The auth kind a context shows in lists; the precedence mirrors how credentials are built below. */
export function authKindOf(user: UserEntry | undefined): AuthKind {
  if (!user) return 'none';
  if (user.exec) return 'exec';
  if (user.authProvider) return 'auth-provider';
  // client-go: "The last successfully read value [of BearerTokenFile] takes precedence over
  // BearerToken" (rest.Config); kubectl sends the file's token when both are set.
  if (user.tokenFile) return 'token-file';
  if (user.token) return 'token';
  if (user.username || user.password) return 'basic';
  if (user.clientCertificate || user.clientCertificateData) return 'client-cert';
  return 'none';
}

/** Builds the credentials of `user` (undefined: a context without a user, which sends nothing). */
export function createCredentials(user: UserEntry | undefined, target: CredentialTarget, options: CredentialOptions = {}): Credentials {
  const userName = user?.name ?? '';
  const certs = new ClientCertificate(user);
  const extraHeaders: Record<string, string> = {};
  if (user?.impersonate) extraHeaders['Impersonate-User'] = user.impersonate;
  const kind = authKindOf(user);
  if (!user) return new StaticCredentials('none', userName, extraHeaders, certs, 'Add a user to the context in the kubeconfig.');
  if (user.exec) return new ExecCredentials(user, target, certs, extraHeaders, options);
  if (user.authProvider) {
    const provider = user.authProvider;
    if (provider.name === 'oidc' && provider.config['id-token']) {
      return new StaticCredentials(kind, userName, { ...extraHeaders, Authorization: `Bearer ${provider.config['id-token']}` }, certs, 'The OIDC id-token may have expired; log in again (for example with kubelogin) to refresh it.');
    }
    return new FailingCredentials(
      kind,
      userName,
      new AppError('unauthorized', `User "${userName}" uses the "${provider.name}" auth-provider, which kubectl removed; Slicewise does not support it.`, {
        hint: provider.name === 'gcp' ? 'Switch the kubeconfig to gke-gcloud-auth-plugin (an exec plugin).' : provider.name === 'azure' ? 'Switch the kubeconfig to kubelogin (an exec plugin).' : 'Use an exec credential plugin instead.',
      }),
    );
  }
  if (user.tokenFile) return new TokenFileCredentials(userName, user.tokenFile, extraHeaders, certs, options.now ?? Date.now);
  if (user.token) return new StaticCredentials(kind, userName, { ...extraHeaders, Authorization: `Bearer ${user.token}` }, certs, `The token of user "${userName}" was rejected; get a new one and update the kubeconfig.`);
  if (user.username || user.password) {
    const basic = Buffer.from(`${user.username ?? ''}:${user.password ?? ''}`).toString('base64');
    return new StaticCredentials(kind, userName, { ...extraHeaders, Authorization: `Basic ${basic}` }, certs, `The username and password of user "${userName}" were rejected.`);
  }
  return new StaticCredentials(kind, userName, extraHeaders, certs, kind === 'client-cert' ? `The client certificate of user "${userName}" was rejected; it may have expired or been revoked.` : `User "${userName}" has no credentials in the kubeconfig.`);
}

/** Client certificate and key from `*-data` or files; files are read at first use, then kept. */
class ClientCertificate {
  readonly #user?: UserEntry;
  #loaded?: Promise<{ cert?: Buffer; key?: Buffer }>;

  constructor(user: UserEntry | undefined) {
    this.#user = user;
  }

  get configured(): boolean {
    return Boolean(this.#user && (this.#user.clientCertificate || this.#user.clientCertificateData || this.#user.clientKey || this.#user.clientKeyData));
  }

  load(): Promise<{ cert?: Buffer; key?: Buffer }> {
    this.#loaded ??= this.#read().catch((error: unknown) => {
      this.#loaded = undefined;
      throw error;
    });
    return this.#loaded;
  }

  async #read(): Promise<{ cert?: Buffer; key?: Buffer }> {
    const user = this.#user;
    if (!user || !this.configured) return {};
    const read = async (data: Buffer | undefined, path: string | undefined, field: string): Promise<Buffer | undefined> => {
      if (data) return data;
      if (!path) return undefined;
      try {
        return await readFile(path);
      } catch (error) {
        throw new AppError('not-found', `Cannot read ${field} ${path} of user "${user.name}" (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, { hint: `Fix the path in ${user.sourcePath}.` });
      }
    };
    const cert = await read(user.clientCertificateData, user.clientCertificate, 'client-certificate');
    const key = await read(user.clientKeyData, user.clientKey, 'client-key');
    if (Boolean(cert) !== Boolean(key)) {
      throw new AppError('bad-request', `User "${user.name}" has a client ${cert ? 'certificate without a key' : 'key without a certificate'}; both are needed.`, { hint: `Fix ${user.sourcePath}.` });
    }
    return cert && key ? { cert, key } : {};
  }
}

/** Token, basic auth, OIDC id-token or client certificate only: nothing to refresh. */
class StaticCredentials implements Credentials {
  readonly kind: AuthKind;
  readonly userName: string;
  readonly reloginHint: string;
  readonly #headers: Record<string, string>;
  readonly #certs: ClientCertificate;

  constructor(kind: AuthKind, userName: string, headers: Record<string, string>, certs: ClientCertificate, reloginHint: string) {
    this.kind = kind;
    this.userName = userName;
    this.#headers = headers;
    this.#certs = certs;
    this.reloginHint = reloginHint;
  }

  async authorize(): Promise<AuthMaterial> {
    return { headers: { ...this.#headers }, ...(await this.#certs.load()) };
  }

  invalidate(): boolean {
    return false;
  }
}

/** A user whose configuration cannot work; every request fails with the same clear error. */
class FailingCredentials implements Credentials {
  readonly kind: AuthKind;
  readonly userName: string;
  readonly reloginHint: string;
  readonly #error: AppError;

  constructor(kind: AuthKind, userName: string, error: AppError) {
    this.kind = kind;
    this.userName = userName;
    this.#error = error;
    this.reloginHint = error.hint ?? error.message;
  }

  authorize(): Promise<AuthMaterial> {
    return Promise.reject(this.#error);
  }

  invalidate(): boolean {
    return false;
  }
}

/** client-go re-reads a token file at most once a minute (transport/token_source.go). */
const TOKEN_FILE_PERIOD_MS = 60_000;

/** `tokenFile`: read at first use and again after a minute or a 401, so rotated tokens are picked up. */
class TokenFileCredentials implements Credentials {
  readonly kind: AuthKind = 'token-file';
  readonly userName: string;
  readonly reloginHint: string;
  readonly #path: string;
  readonly #headers: Record<string, string>;
  readonly #certs: ClientCertificate;
  readonly #now: () => number;
  #cache?: { material: AuthMaterial; readAtMs: number };
  #pending?: Promise<AuthMaterial>;

  constructor(userName: string, path: string, headers: Record<string, string>, certs: ClientCertificate, now: () => number) {
    this.userName = userName;
    this.#path = path;
    this.#headers = headers;
    this.#certs = certs;
    this.#now = now;
    this.reloginHint = `The token in ${path} was rejected; write a fresh token to that file.`;
  }

  authorize(): Promise<AuthMaterial> {
    if (this.#cache && this.#now() - this.#cache.readAtMs < TOKEN_FILE_PERIOD_MS) return Promise.resolve(this.#cache.material);
    this.#pending ??= this.#read().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  invalidate(used?: AuthMaterial): boolean {
    if (!used || this.#cache?.material === used) this.#cache = undefined;
    return true;
  }

  async #read(): Promise<AuthMaterial> {
    let token: string;
    try {
      token = (await readFile(this.#path, 'utf8')).trim();
    } catch (error) {
      throw new AppError('not-found', `Cannot read the token file ${this.#path} of user "${this.userName}" (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
    if (!token) throw new AppError('unauthorized', `The token file ${this.#path} of user "${this.userName}" is empty.`);
    const material: AuthMaterial = { headers: { ...this.#headers, Authorization: `Bearer ${token}` }, ...(await this.#certs.load()) };
    this.#cache = { material, readAtMs: this.#now() };
    return material;
  }
}

/**
 * `exec` users: policy (kuberc) → consent → run the plugin → cache until expiry. One run at a time per
 * credentials object; a 401 drops the cached credential so the next request runs the plugin again.
 */
class ExecCredentials implements Credentials {
  readonly kind: AuthKind = 'exec';
  readonly userName: string;
  readonly reloginHint: string;
  readonly #user: UserEntry;
  readonly #target: CredentialTarget;
  readonly #certs: ClientCertificate;
  readonly #headers: Record<string, string>;
  readonly #options: CredentialOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  #cache?: { material: AuthMaterial; expiresAtMs?: number; obtainedAtMs: number };
  #pending?: Promise<AuthMaterial>;

  constructor(user: UserEntry, target: CredentialTarget, certs: ClientCertificate, headers: Record<string, string>, options: CredentialOptions) {
    this.userName = user.name;
    this.#user = user;
    this.#target = target;
    this.#certs = certs;
    this.#headers = headers;
    this.#options = options;
    this.#log = options.log ?? new Logger(nullSink);
    this.#now = options.now ?? Date.now;
    const exec = user.exec!;
    this.reloginHint = `The credential plugin was run again and its new credentials were rejected too; run \`${describeCommand(exec.command, exec.args)}\` in a terminal to check your login.`;
  }

  authorize(): Promise<AuthMaterial> {
    if (this.#cache && !this.#isStale(this.#cache)) return Promise.resolve(this.#cache.material);
    this.#pending ??= this.#refresh().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  invalidate(used?: AuthMaterial): boolean {
    if (!used || this.#cache?.material === used) this.#cache = undefined;
    return true;
  }

  #isStale(cache: { expiresAtMs?: number; obtainedAtMs: number }): boolean {
    if (cache.expiresAtMs === undefined) return false;
    // 60 s ahead (security.md §3.7), but never more than a fifth of the lifetime, so a token that
    // lives 3 s is not refreshed on every request.
    const aheadMs = Math.min(60_000, Math.max(0, cache.expiresAtMs - cache.obtainedAtMs) / 5);
    return this.#now() >= cache.expiresAtMs - aheadMs;
  }

  async #refresh(): Promise<AuthMaterial> {
    const exec = this.#user.exec!;
    const env = this.#options.env ?? process.env;
    const who = `user "${this.userName}"`;
    if (!(EXEC_API_VERSIONS as readonly string[]).includes(exec.apiVersion)) {
      throw new AppError('bad-request', `The exec plugin of ${who} uses apiVersion "${exec.apiVersion || '(none)'}"; only ${EXEC_API_VERSIONS.join(' and ')} are supported.`, { hint: `Fix ${this.#user.sourcePath}.` });
    }
    if (exec.interactiveMode === 'Always') {
      throw new AppError('unauthorized', `The exec plugin of ${who} needs an interactive terminal (interactiveMode: Always), which Slicewise cannot give it.`, {
        hint: 'Log in once in a terminal (for example with kubectl), or set interactiveMode to IfAvailable.',
      });
    }
    const command = lookPath(exec.command, env);
    if (!command) {
      const where = exec.command.includes('/') ? `${exec.command} does not exist or is not executable` : `"${exec.command}" was not found in PATH (${env.PATH ?? 'unset'})`;
      throw new AppError('not-found', `The credential plugin of ${who}: ${where}.`, { hint: exec.installHint?.trim() || 'Install the plugin, or write its absolute path in the kubeconfig.' });
    }
    checkPluginPolicy(this.#options.policy ?? ALLOW_ALL, exec.command, command, env);
    if (this.#options.consent) {
      await this.#options.consent.ensure({
        contextName: this.#target.contextName,
        kubeconfigPath: this.#user.sourcePath,
        command,
        args: exec.args,
        envNames: exec.env.map((entry) => entry.name),
        server: this.#target.server,
      });
    } else {
      // No consent store means the caller did not set one up: refuse rather than run unasked.
      throw new AppError('consent-required', `Slicewise needs your permission to run the credential plugin \`${describeCommand(command, exec.args)}\` of ${who}.`);
    }
    const obtainedAtMs = this.#now();
    const result = await runExecPlugin({
      command,
      args: exec.args,
      env: exec.env,
      apiVersion: exec.apiVersion,
      cluster: exec.provideClusterInfo ? this.#clusterInfo() : undefined,
      baseEnv: env,
      timeoutMs: this.#options.execTimeoutMs,
      outputLimitBytes: this.#options.execOutputLimitBytes,
      userName: this.userName,
    }).catch((error: unknown) => {
      this.#log.warn(`credential plugin ${basename(command)} for ${who} failed`, { message: error instanceof Error ? error.message : String(error) });
      throw error;
    });
    const status = result.status;
    const headers = { ...this.#headers };
    if (status.token) headers.Authorization = `Bearer ${status.token}`;
    const material: AuthMaterial =
      status.clientCertificateData && status.clientKeyData
        ? { headers, cert: Buffer.from(status.clientCertificateData), key: Buffer.from(status.clientKeyData) }
        : { headers, ...(await this.#certs.load()) };
    this.#cache = { material, expiresAtMs: status.expiresAtMs, obtainedAtMs };
    const until = status.expiresAtMs === undefined ? 'until the server rejects it' : `until ${new Date(status.expiresAtMs).toISOString()}`;
    this.#log.info(`credential plugin ${basename(command)} for ${who} returned a ${status.token ? 'token' : 'client certificate'} valid ${until} (${result.durationMs} ms)`);
    if (result.stderr) this.#log.debug(`credential plugin ${basename(command)} stderr: ${result.stderr}`);
    return material;
  }

  #clusterInfo(): ExecClusterInfo {
    const cluster = this.#target.cluster;
    const info: ExecClusterInfo = { server: this.#target.server, config: cluster?.execExtension ?? null };
    if (cluster?.tlsServerName) info['tls-server-name'] = cluster.tlsServerName;
    if (cluster?.insecureSkipTlsVerify) info['insecure-skip-tls-verify'] = true;
    if (this.#target.caData) info['certificate-authority-data'] = this.#target.caData.toString('base64');
    if (cluster?.proxyUrl) info['proxy-url'] = cluster.proxyUrl;
    if (cluster?.disableCompression) info['disable-compression'] = true;
    return info;
  }
}
