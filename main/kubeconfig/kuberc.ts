import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { parse } from 'yaml';
import { AppError } from '../util/app-error.js';
import { lookPath } from './exec-plugin.js';

/**
 * kubectl's credential plugin policy from kuberc (KEP-3104, Kubernetes 1.35 beta;
 * https://kubernetes.io/docs/reference/config-api/kuberc.v1beta1/). A user who set `DenyAll` or an
 * allowlist there must not have it bypassed by a GUI, so Slicewise applies the same rules, and a
 * kuberc that cannot be understood fails closed (nothing runs) instead of allowing everything.
 * Semantics follow client-go's plugin policy checker: `""`/`AllowAll`, `DenyAll`, or `Allowlist`
 * whose entries are absolute paths or bare names resolved in PATH.
 */

export type PluginPolicyType = 'AllowAll' | 'DenyAll' | 'Allowlist';

export interface PluginPolicy {
  type: PluginPolicyType;
  /** `credentialPluginAllowlist[].name`, only for `Allowlist`. */
  allowlist: string[];
  /** The kuberc file it came from, for messages. */
  sourcePath?: string;
  /** Set when the kuberc was unusable; the policy is then `DenyAll` and this says why. */
  error?: string;
}

export const ALLOW_ALL: PluginPolicy = { type: 'AllowAll', allowlist: [] };

/** `$KUBERC` (`off` disables kuberc) or `~/.kube/kuberc`, as kubectl looks for it. */
export function kubercPath(env: NodeJS.ProcessEnv, home: string): string | undefined {
  if (env.KUBERC === 'off') return undefined;
  return env.KUBERC || join(home, '.kube', 'kuberc');
}

/** Reads the policy; no kuberc (or no policy fields in it) means kubectl's default, AllowAll. */
export function loadPluginPolicy(env: NodeJS.ProcessEnv, home: string): PluginPolicy {
  const path = kubercPath(env, home);
  if (!path) return ALLOW_ALL;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !env.KUBERC) return ALLOW_ALL;
    return failClosed(path, `cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return policyFromText(text, path);
}

/** Parses kuberc text and validates the policy the way client-go's `pluginpolicy.Validate` does. */
export function policyFromText(text: string, path: string): PluginPolicy {
  let document: unknown;
  try {
    document = parse(text);
  } catch {
    return failClosed(path, 'it is not valid YAML');
  }
  if (document === null || document === undefined) return { ...ALLOW_ALL, sourcePath: path };
  if (typeof document !== 'object' || Array.isArray(document)) return failClosed(path, 'it is not a YAML mapping');
  const preference = document as { credentialPluginPolicy?: unknown; credentialPluginAllowlist?: unknown };
  const rawType = preference.credentialPluginPolicy ?? '';
  const rawList = preference.credentialPluginAllowlist;
  if (typeof rawType !== 'string') return failClosed(path, 'credentialPluginPolicy must be a string');
  let allowlist: string[] | undefined;
  if (rawList !== undefined && rawList !== null) {
    if (!Array.isArray(rawList)) return failClosed(path, 'credentialPluginAllowlist must be a list of {name}');
    allowlist = rawList.map((entry) => (entry && typeof entry === 'object' && typeof (entry as { name?: unknown }).name === 'string' ? (entry as { name: string }).name : ''));
  }
  switch (rawType) {
    case '':
    case 'AllowAll':
    case 'DenyAll':
      if (allowlist !== undefined) return failClosed(path, `misconfigured credential plugin allowlist: plugin policy is "${rawType}" but allowlist is non-nil`);
      return { type: rawType === 'DenyAll' ? 'DenyAll' : 'AllowAll', allowlist: [], sourcePath: path };
    case 'Allowlist': {
      if (allowlist === undefined) return failClosed(path, 'credential plugin policy set to "Allowlist", but allowlist is unspecified');
      if (allowlist.length === 0) return failClosed(path, 'credential plugin policy set to "Allowlist", but allowlist is empty; use "DenyAll" policy instead');
      for (const [index, entry] of allowlist.entries()) {
        if (entry === '') return failClosed(path, `misconfigured credential plugin allowlist: empty allowlist entry #${index + 1}`);
        if (normalize(entry) !== entry || (entry.length > 1 && entry.endsWith('/'))) return failClosed(path, `non-normalized file path: "${entry}"`);
      }
      return { type: 'Allowlist', allowlist, sourcePath: path };
    }
    default:
      return failClosed(path, `unknown plugin policy: "${rawType}"`);
  }
}

/**
 * Throws `AppError('forbidden')` when the policy forbids running `configured` (the command as written
 * in the kubeconfig), which resolves to `resolvedPath`. Messages keep kubectl's wording so users can
 * search for them.
 */
export function checkPluginPolicy(policy: PluginPolicy, configured: string, resolvedPath: string, env: NodeJS.ProcessEnv): void {
  const where = policy.sourcePath ? ` (set in ${policy.sourcePath})` : '';
  const hint = policy.sourcePath ? `Edit ${policy.sourcePath} to allow it.` : undefined;
  if (policy.error) throw new AppError('forbidden', `getting credentials: plugin "${configured}" not allowed: ${policy.error}${where}.`, { hint });
  if (policy.type === 'AllowAll') return;
  if (policy.type === 'DenyAll') throw new AppError('forbidden', `getting credentials: plugin "${configured}" not allowed: policy set to "DenyAll"${where}.`, { hint });
  const allowed = new Set<string>();
  for (const entry of policy.allowlist) {
    allowed.add(entry);
    const resolved = lookPath(entry, env);
    if (resolved) allowed.add(resolved);
  }
  if (allowed.has(normalize(configured)) || allowed.has(resolvedPath)) return;
  throw new AppError('forbidden', `getting credentials: plugin path "${resolvedPath}" is not permitted by the credential plugin allowlist${where}.`, { hint });
}

function failClosed(path: string, why: string): PluginPolicy {
  return { type: 'DenyAll', allowlist: [], sourcePath: path, error: `kuberc ${path} is unusable: ${why}` };
}
