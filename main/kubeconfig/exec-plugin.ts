import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join } from 'node:path';
import { AppError } from '../util/app-error.js';
import { redactText } from '../util/log.js';

/**
 * Runs a kubeconfig exec credential plugin the way client-go does
 * (kubernetes/client-go@v0.32.4:plugin/pkg/client/auth/exec/exec.go): no shell, the process
 * environment plus the configured `env`, `KUBERNETES_EXEC_INFO` describing the request, and the
 * returned `ExecCredential` checked for apiVersion, kind, and a token or a cert/key pair.
 * Stricter than client-go, per security.md §3: a timeout that kills the plugin's whole process group,
 * a cap on what it may print, stdin closed (never interactive), and stderr redacted before it goes
 * anywhere.
 */

/** The two ExecCredential versions kubectl still accepts (v1alpha1 was removed in 1.24). */
export const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'] as const;

export const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
export const DEFAULT_EXEC_OUTPUT_LIMIT_BYTES = 1024 * 1024;

/** `spec.cluster` of the ExecCredential input, sent when the user sets `provideClusterInfo`. */
export interface ExecClusterInfo {
  server: string;
  'tls-server-name'?: string;
  'insecure-skip-tls-verify'?: boolean;
  /** Base64, as client-go marshals `[]byte`. */
  'certificate-authority-data'?: string;
  'proxy-url'?: string;
  'disable-compression'?: boolean;
  /** The cluster's `client.authentication.k8s.io/exec` extension, `null` when absent (as client-go sends it). */
  config: unknown;
}

export interface ExecRunRequest {
  /** Absolute path of the program (see `lookPath`). */
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  apiVersion: string;
  cluster?: ExecClusterInfo;
  /** Environment the plugin inherits, normally `process.env`. */
  baseEnv: NodeJS.ProcessEnv;
  timeoutMs?: number;
  outputLimitBytes?: number;
  /** Names used in error messages: the kubeconfig user and the command as written. */
  userName: string;
}

/** `status` of a returned ExecCredential. Holds secrets. */
export interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** Epoch ms; absent means "valid until the server says 401". */
  expiresAtMs?: number;
}

/** What the plugin wrote to stderr, redacted and shortened, for logs and error messages. */
export interface ExecRunResult {
  status: ExecCredentialStatus;
  stderr: string;
  durationMs: number;
}

/**
 * Finds `command` the way Go's `exec.LookPath` does: a name with a slash is used as is, a bare name
 * is searched in PATH (from `env`) for an executable regular file. Desktop apps started from a
 * launcher often have a short PATH, which is why a missing plugin names the PATH it searched.
 */
export function lookPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const isExecutable = (path: string): boolean => {
    try {
      if (!statSync(path).isFile()) return false;
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (command.includes('/')) return isAbsolute(command) && isExecutable(command) ? command : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (isAbsolute(candidate) && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Masks likely secrets in plugin output: the logger's patterns (bearer tokens, PEM keys, JWTs), every
 * value we know is secret (the plugin's env values), and any long token-shaped word. Plugin stderr
 * is free text, so the last rule is deliberately broad.
 */
export function redactPluginOutput(text: string, knownSecrets: readonly string[]): string {
  let result = redactText(text);
  for (const secret of knownSecrets) {
    if (secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  // 20+ chars of token alphabet with at least one digit and one letter: API keys, base64, hex ids.
  // Words starting with / . or ~ are paths, which the user needs to see.
  return result.replace(/[A-Za-z0-9+/=_.~-]{20,}/g, (word) => (/\d/.test(word) && /[A-Za-z]/.test(word) && !/^[./~]/.test(word) ? '[redacted]' : word));
}

/** The ExecCredential input client-go puts in `KUBERNETES_EXEC_INFO`; never interactive here. */
export function execInfo(apiVersion: string, cluster?: ExecClusterInfo): string {
  const spec: Record<string, unknown> = { interactive: false };
  if (cluster) spec.cluster = cluster;
  return JSON.stringify({ kind: 'ExecCredential', apiVersion, spec });
}

/**
 * Runs the plugin once and returns its credential. Fails with an `AppError` whose message names the
 * plugin and never contains its stdout (which holds the token).
 */
export async function runExecPlugin(request: ExecRunRequest): Promise<ExecRunResult> {
  const timeoutMs = request.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
  const limitBytes = request.outputLimitBytes ?? DEFAULT_EXEC_OUTPUT_LIMIT_BYTES;
  const name = basename(request.command);
  const who = `the credential plugin ${name} of user "${request.userName}"`;
  const secrets = request.env.map((entry) => entry.value);
  const env: NodeJS.ProcessEnv = { ...request.baseEnv };
  for (const entry of request.env) env[entry.name] = entry.value;
  env.KUBERNETES_EXEC_INFO = execInfo(request.apiVersion, request.cluster);

  const startedMs = Date.now();
  const outcome = await new Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number | null; signal: NodeJS.Signals | null; failure?: 'timeout' | 'limit' | NodeJS.ErrnoException }>((resolve) => {
    // spawn rather than execFile: same "no shell" guarantee, but `detached` puts the plugin in its
    // own process group so a timeout also kills what it started (a shell script's `sleep` would
    // otherwise keep the pipes open and the promise pending).
    const child = spawn(request.command, request.args, { env, shell: false, detached: process.platform !== 'win32', stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let failure: 'timeout' | 'limit' | NodeJS.ErrnoException | undefined;
    const kill = () => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      failure ??= 'timeout';
      kill();
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > limitBytes) {
        failure ??= 'limit';
        kill();
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      // stderr is only for diagnostics: keep the first part, never fail on it.
      if (stderrBytes < 64 * 1024) stderr.push(chunk);
      stderrBytes += chunk.length;
    });
    let settled = false;
    const settle = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), exitCode, signal, failure });
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      failure ??= error;
      // A program that never started emits no 'close' on every Node version.
      if (child.pid === undefined) settle(null, null);
    });
    child.once('close', settle);
  });
  const durationMs = Date.now() - startedMs;
  const stderrText = shortStderr(redactPluginOutput(outcome.stderr.toString('utf8'), secrets));

  if (outcome.failure === 'timeout') {
    throw new AppError('timeout', `${who} did not finish within ${formatDuration(timeoutMs)} and was stopped.`, {
      hint: 'Plugins that open a browser or wait for input cannot run here; log in once in a terminal (for example with kubectl), then retry.',
    });
  }
  if (outcome.failure === 'limit') {
    throw new AppError('limit', `${who} printed more than ${formatBytes(limitBytes)}; an ExecCredential is a few kilobytes, so its output was rejected.`);
  }
  if (outcome.failure) {
    const code = outcome.failure.code;
    if (code === 'ENOENT') throw new AppError('not-found', `${who} (${request.command}) does not exist.`);
    if (code === 'EACCES') throw new AppError('forbidden', `${who} (${request.command}) is not executable.`);
    throw new AppError('internal', `${who} could not be started (${code ?? outcome.failure.message}).`);
  }
  if (outcome.exitCode !== 0) {
    const how = outcome.exitCode === null ? `was killed by ${outcome.signal ?? 'a signal'}` : `failed with exit code ${outcome.exitCode}`;
    throw new AppError('unauthorized', `${who} ${how}${stderrText ? `: ${stderrText}` : '.'}`, {
      hint: `Run ${name} in a terminal to see what it needs (a login, a profile, network access).`,
    });
  }
  return { status: parseExecCredential(outcome.stdout.toString('utf8'), request.apiVersion, who), stderr: stderrText, durationMs };
}

/** Validates plugin stdout like client-go's `(*Authenticator).refreshCredsLocked`. Never quotes it. */
export function parseExecCredential(stdout: string, apiVersion: string, who: string): ExecCredentialStatus {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new AppError('parse', `${who} did not print an ExecCredential (its output is not JSON).`);
  }
  const credential = (parsed ?? {}) as { kind?: unknown; apiVersion?: unknown; status?: Record<string, unknown> | null };
  if (credential.kind !== 'ExecCredential') throw new AppError('parse', `${who} printed JSON that is not an ExecCredential (kind is ${JSON.stringify(credential.kind ?? null)}).`);
  if (credential.apiVersion !== apiVersion) {
    throw new AppError('parse', `exec plugin is configured to use API version ${apiVersion}, plugin returned version ${String(credential.apiVersion ?? '(none)')} (${who}).`);
  }
  const status = credential.status;
  if (!status || typeof status !== 'object') throw new AppError('parse', `exec plugin didn't return a status field (${who}).`);
  const text = (key: string): string | undefined => (typeof status[key] === 'string' && status[key] !== '' ? (status[key] as string) : undefined);
  const result: ExecCredentialStatus = {};
  const token = text('token');
  const cert = text('clientCertificateData');
  const key = text('clientKeyData');
  if (!token && !cert && !key) throw new AppError('parse', `exec plugin didn't return a token or cert/key pair (${who}).`);
  if (Boolean(cert) !== Boolean(key)) throw new AppError('parse', `exec plugin returned only certificate or key, not both (${who}).`);
  if (token) result.token = token;
  if (cert && key) {
    result.clientCertificateData = cert;
    result.clientKeyData = key;
  }
  const expiration = text('expirationTimestamp');
  if (expiration) {
    const ms = Date.parse(expiration);
    if (Number.isNaN(ms)) throw new AppError('parse', `${who} returned an expirationTimestamp that is not RFC 3339.`);
    result.expiresAtMs = ms;
  }
  return result;
}

function shortStderr(text: string): string {
  const lines = text.trim().split('\n').filter((line) => line.trim() !== '');
  const tail = lines.slice(-3).join(' / ');
  return tail.length > 400 ? `${tail.slice(0, 400)}…` : tail;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** `300 ms`, `1.5 s`, `60 s`: durations in messages. */
function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}
