import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../util/app-error.js';
import { redactText } from '../util/log.js';

/**
 * Consent before a kubeconfig exec plugin runs for the first time (security.md §3, SEC-12). A
 * kubeconfig can name any program, so Slicewise shows the exact command, args, env names, server
 * and kubeconfig path and runs nothing until the user agrees. "Always" is remembered per
 * (kubeconfig path, absolute command, args, env names): changing any of them asks again.
 * The same consent covers files a kubeconfig names outside ~/.kube (SEC-13: a certificate
 * authority, client certificate or key, token file): an imported kubeconfig could point them at
 * any file of the user's, so they are listed and read only once allowed, per (kubeconfig, files).
 */

/** What the user is asked to allow. Env values are never part of it: they may be secrets. */
export interface ConsentRequest {
  /** Running an exec plugin (the default), or reading files the kubeconfig names outside ~/.kube. */
  kind?: 'exec' | 'files';
  /** For `files`: the absolute paths that would be read (command, args and envNames are empty). */
  files?: string[];
  contextName: string;
  kubeconfigPath: string;
  /** Absolute path of the program that would run. */
  command: string;
  args: string[];
  envNames: string[];
  /** The apiserver URL the credential is for. */
  server: string;
}

/** `once`: this session only; `always`: remembered in the consent file; `deny`: not this session. */
export type ConsentDecision = 'once' | 'always' | 'deny';

/** Asks the user (a dialog in the app; `--allow-exec` in the CLI answers `once` without asking). */
export type ConsentPrompt = (request: ConsentRequest) => Promise<ConsentDecision>;

interface StoredConsent {
  key: string;
  kubeconfigPath: string;
  command: string;
  args: string[];
  envNames: string[];
  files?: string[];
  allowedAtMs: number;
}

interface ConsentFile {
  version: 1;
  allowed: StoredConsent[];
}

/** Stable identity of a request: what runs, with what, because of which file (or which files are read). */
export function consentKey(request: Pick<ConsentRequest, 'kind' | 'files' | 'kubeconfigPath' | 'command' | 'args' | 'envNames'>): string {
  // Exec identities hash as they always did, so remembered answers stay valid.
  const identity = request.kind === 'files' ? ['files', request.kubeconfigPath, [...(request.files ?? [])].sort()] : [request.kubeconfigPath, request.command, request.args, request.envNames];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

/** Where "always" answers live: the per-user config folder (Electron passes its userData instead). */
export function defaultConsentStorePath(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Slicewise', 'exec-consent.json');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Slicewise', 'exec-consent.json');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'slicewise', 'exec-consent.json');
}

/** The command line as a user would type it, for messages (quoted where needed). */
export function describeCommand(command: string, args: readonly string[]): string {
  const quote = (word: string) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
  return [command, ...args].map(quote).join(' ');
}

export interface ExecConsentOptions {
  /** JSON file for "always" answers; without it they last for the session only. */
  storePath?: string;
  prompt?: ConsentPrompt;
  /** How the user allows a plugin when there is no prompt, for the error message. */
  howToAllow?: string;
}

/**
 * Decides whether an exec plugin may run, asking once per request identity. Concurrent checks of
 * the same request share one prompt. Denials are remembered for the session so a retrying watch
 * does not re-open the dialog every second; `forget` clears them.
 */
export class ExecConsent {
  readonly #storePath?: string;
  readonly #prompt?: ConsentPrompt;
  readonly #howToAllow: string;
  readonly #session = new Set<string>();
  readonly #denied = new Set<string>();
  readonly #pending = new Map<string, Promise<void>>();

  constructor(options: ExecConsentOptions = {}) {
    this.#storePath = options.storePath;
    this.#prompt = options.prompt;
    this.#howToAllow = options.howToAllow ?? 'allow it in the Slicewise window, or run the command line with --allow-exec';
  }

  /** True when the request was allowed this session or remembered as "always". */
  isAllowed(request: ConsentRequest): boolean {
    const key = consentKey(request);
    return this.#session.has(key) || this.#readStore().allowed.some((entry) => entry.key === key);
  }

  /** Resolves when the plugin may run; otherwise throws `AppError('consent-required')`. Runs nothing. */
  ensure(request: ConsentRequest): Promise<void> {
    const key = consentKey(request);
    if (this.isAllowed(request)) return Promise.resolve();
    if (this.#denied.has(key)) return Promise.reject(this.#refusal(request, true));
    const pending = this.#pending.get(key);
    if (pending) return pending;
    const asked = this.#ask(request, key).finally(() => this.#pending.delete(key));
    this.#pending.set(key, asked);
    return asked;
  }

  /** Forgets this session's refusals, so the next check asks again (the user chose a context anew). */
  clearDenials(): void {
    this.#denied.clear();
  }

  /** Drops every answer for this request: session, denial and the remembered "always". */
  forget(request: ConsentRequest): void {
    const key = consentKey(request);
    this.#session.delete(key);
    this.#denied.delete(key);
    const store = this.#readStore();
    const kept = store.allowed.filter((entry) => entry.key !== key);
    if (kept.length !== store.allowed.length) this.#writeStore({ version: 1, allowed: kept });
  }

  async #ask(request: ConsentRequest, key: string): Promise<void> {
    if (!this.#prompt) throw this.#refusal(request, false);
    const decision = await this.#prompt(request);
    if (decision === 'deny') {
      this.#denied.add(key);
      throw this.#refusal(request, true);
    }
    this.#session.add(key);
    if (decision === 'always' && this.#storePath) {
      const store = this.#readStore();
      store.allowed = store.allowed.filter((entry) => entry.key !== key);
      store.allowed.push({ key, kubeconfigPath: request.kubeconfigPath, command: request.command, args: request.args, envNames: request.envNames, ...(request.files ? { files: request.files } : {}), allowedAtMs: Date.now() });
      this.#writeStore(store);
    }
  }

  #refusal(request: ConsentRequest, declined: boolean): AppError {
    if (request.kind === 'files') {
      const files = (request.files ?? []).join(', ');
      const what = `the files ${files} that context "${request.contextName}" names (from ${request.kubeconfigPath})`;
      if (declined) return new AppError('consent-required', `You did not allow Slicewise to read ${what}, so it cannot connect to ${request.server}.`, { hint: 'Choose the context again to be asked again.' });
      return new AppError('consent-required', `Slicewise needs your permission to read ${what} to connect to ${request.server}; allow it in the Slicewise window.`, {
        hint: 'They are outside ~/.kube; a kubeconfig from elsewhere could name any of your files.',
      });
    }
    const commandLine = redactText(describeCommand(request.command, request.args));
    const what = `the credential plugin \`${commandLine}\` for context "${request.contextName}" (from ${request.kubeconfigPath})`;
    if (declined) {
      return new AppError('consent-required', `You did not allow ${what}, so Slicewise cannot sign in to ${request.server}.`, {
        hint: 'Choose the context again to be asked again.',
      });
    }
    return new AppError('consent-required', `Slicewise needs your permission to run ${what} to sign in to ${request.server}; ${this.#howToAllow}.`, {
      hint: `Allowing runs ${basename(request.command)} with your user's rights.`,
    });
  }

  #readStore(): ConsentFile {
    if (!this.#storePath) return { version: 1, allowed: [] };
    try {
      const parsed = JSON.parse(readFileSync(this.#storePath, 'utf8')) as Partial<ConsentFile>;
      return { version: 1, allowed: Array.isArray(parsed.allowed) ? parsed.allowed.filter((entry) => typeof entry?.key === 'string') : [] };
    } catch {
      // Missing or unreadable: nothing is remembered, so the user is asked (fails safe).
      return { version: 1, allowed: [] };
    }
  }

  #writeStore(store: ConsentFile): void {
    if (!this.#storePath) return;
    mkdirSync(dirname(this.#storePath), { recursive: true, mode: 0o700 });
    // Write then rename, so a crash never leaves half a file; 0600 because it lists what may run.
    const temporary = `${this.#storePath}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.#storePath);
  }
}
